import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './support/harness';
import { startNodeRed, type NodeRedProcess } from './support/node-red-process';

const EXAMPLES = join(ROOT, 'examples');
const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'));
type FlowNode = { id: string; type: string; z?: string };

async function api(
  nr: NodeRedProcess,
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${nr.url}${path}`, {
    ...init,
    headers: {
      accept: 'application/json',
      'content-type': 'application/json',
      'Node-RED-API-Version': 'v1',
      ...(init.headers ?? {}),
    },
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

describe('nodes: example flows deploy in a real Node-RED', function () {
  this.timeout(120_000);
  let nr: NodeRedProcess;

  before(async () => {
    nr = await startNodeRed();
  });
  after(async () => {
    await nr?.stop();
  });

  it('loads the five lockbridge node types from the installed package', async () => {
    const res = await api(nr, '/nodes');
    const types = (
      res.body as Array<{ module: string; types: string[]; enabled: boolean; err?: string }>
    ).filter((s) => s.module === '@lockbridge/homebridge-lockbridge');
    assert.ok(
      types.every((s) => s.enabled && !s.err),
      JSON.stringify(types),
    );
    assert.deepEqual(types.flatMap((s) => s.types).sort(), [
      'lockbridge-account',
      'lockbridge-code',
      'lockbridge-lock',
      'lockbridge-share',
      'lockbridge-state',
    ]);
  });

  it('has a use-case flow for a rental stay, a shared garage and a jam alert', () => {
    for (const title of [/Rental stay/, /Garage door shared/, /jams/])
      assert.ok(
        files.some((f) => title.test(f)),
        String(title),
      );
  });

  for (const file of files) {
    it(`deploys "${file}" and its accounts connect`, async () => {
      const flow = JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8')) as FlowNode[];
      const before = nr.output().length;
      const res = await api(nr, '/flows', {
        method: 'POST',
        body: JSON.stringify(flow),
        headers: { 'Node-RED-Deployment-Type': 'full' },
      });
      assert.equal(res.status, 204, JSON.stringify(res.body));
      const deployed = (await api(nr, '/flows')).body as FlowNode[];
      for (const n of flow)
        assert.ok(
          deployed.some((d) => d.id === n.id),
          `${n.id} deployed`,
        );
      for (const account of flow.filter((n) => n.type === 'lockbridge-account')) {
        let state = '';
        const end = Date.now() + 20_000;
        while (state !== 'connected' && Date.now() < end) {
          state = String(
            ((await api(nr, `/lockbridge/accounts/${account.id}/status`)).body as { state?: string }).state,
          );
          if (state !== 'connected') await new Promise((r) => setTimeout(r, 100));
        }
        assert.equal(state, 'connected', `${account.id} connects`);
        const locks = (await api(nr, `/lockbridge/accounts/${account.id}/locks`)).body as {
          locks: Array<{ id: string; name: string }>;
        };
        for (const n of flow as Array<FlowNode & { lock?: string }>) {
          if (n.lock && (n as { account?: string }).account === account.id) {
            const matches = locks.locks.filter((l) => l.id === n.lock || l.name === n.lock);
            assert.equal(matches.length, 1, `${file}: lock "${n.lock}" names exactly one sandbox lock`);
          }
        }
      }
      const log = nr.output().slice(before);
      assert.doesNotMatch(log, /\[error\]/, log);
      assert.doesNotMatch(log, /unknown type|missing types/i, log);
    });
  }
});
