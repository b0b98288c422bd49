import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestClient, eventually, isRecord } from '../mqtt/support';
import { runCli, type CliRun } from './support';

/** The README's two-factor walkthrough, step by step: a demo, then `run` beside it on another port. */
describe('cli: the two-factor walkthrough of the README works as written', function () {
  this.timeout(60_000);
  let dir: string;
  const runs: CliRun[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lb-2fa-'));
  });
  after(async () => {
    for (const r of runs) if (r.child.exitCode === null) r.child.kill('SIGINT');
    await Promise.all(runs.map((r) => r.done));
    await rm(dir, { recursive: true, force: true });
  });

  const printed = async (run: CliRun, pattern: RegExp): Promise<string> => {
    let found: string | undefined;
    await eventually(() => (found = pattern.exec(run.stdout)?.[1]) !== undefined, 30_000);
    return found!;
  };

  it('logs in to the August emulator with the code sent over MQTT', async () => {
    const demo = runCli(['demo', '--mqtt-port', '0']);
    runs.push(demo);
    const augustUrl = await printed(demo, /august\s+emulator\s+(http:\/\/127\.0\.0\.1:\d+)/);
    const config = join(dir, 'config.json');
    await writeFile(
      config,
      JSON.stringify({
        accounts: [
          {
            vendor: 'august',
            id: 'home',
            baseUrl: augustUrl,
            brand: 'august',
            identifier: 'email:twofactor@lockbridge.test',
            password: 'lockbridge-2fa',
            apiKey: 'emulator-api-key',
          },
        ],
      }),
    );
    const run = runCli(['run', '--config', config, '--data-dir', join(dir, 'data'), '--mqtt-port', '0']);
    runs.push(run);
    const broker = await printed(run, /MQTT broker: (mqtt:\/\/127\.0\.0\.1:\d+)/);
    await eventually(() => run.stderr.includes('needs a two-factor code'), 30_000);

    const c = await TestClient.connect(broker);
    try {
      const answer = await c.request('two_factor/submit', { account: 'home', code: '123456' });
      assert.equal(answer.status, 'ok', JSON.stringify(answer));
      await c.subscribe('lockbridge/bridge/accounts');
      await c.waitFor(
        'lockbridge/bridge/accounts',
        (j) =>
          Array.isArray(j) && j.some((a) => isRecord(a) && a.account === 'home' && a.state === 'connected'),
        20_000,
      );
    } finally {
      await c.end();
    }
    assert.ok(!run.stderr.includes('lockbridge-2fa'), 'the password is never logged');
  });
});
