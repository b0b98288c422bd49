import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { UnlocEmulator } from '../../../src/emulators/unloc';
import { parseKeyEvent, unlocKeyToSchedule } from '../../../src/vendors/unloc/mapping';
import { IDS, seededUnloc } from '../../emulators/unloc/fixture';
import { unlocDriver, waitFor } from './helpers';

/** test/fixtures/unloc: examples from developer.unloc.app and schemas written from its pages. */
const dir = join(__dirname, '..', '..', 'fixtures', 'unloc');
const examples = JSON.parse(readFileSync(join(dir, 'documented-examples.json'), 'utf8')) as Record<
  string,
  { body?: Record<string, unknown>; recurrence?: unknown }
>;
const schemas = JSON.parse(readFileSync(join(dir, 'schemas.json'), 'utf8')) as {
  $defs: Record<string, object>;
};
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema({ $id: 'unloc', $defs: schemas.$defs });

function check(def: string, value: unknown): void {
  const validate = ajv.getSchema(`unloc#/$defs/${def}`);
  assert.ok(validate, def);
  if (!validate(value))
    assert.fail(`${def}: ${(validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join('; ')}`);
}

const schedules = [
  { kind: 'always' as const },
  { kind: 'time_bound' as const, start: '2030-01-01T00:00:00.000Z', end: '2030-01-02T00:00:00.000Z' },
  { kind: 'recurring' as const, days: ['sa' as const], startMinute: 14 * 60 + 45, endMinute: 16 * 60 + 30 },
  {
    kind: 'recurring' as const,
    days: ['fr' as const, 'su' as const],
    startMinute: 22 * 60,
    endMinute: 6 * 60,
  },
];

describe("Unloc conformance with the vendor's documented shapes", () => {
  let emu: UnlocEmulator;
  let base: string;
  beforeEach(async () => {
    emu = seededUnloc();
    base = await emu.start();
  });
  afterEach(() => emu.close());

  it('the documented examples satisfy the schemas (so the schemas say what the pages say)', () => {
    check('tokenV1Request', examples.token_v1_integrator_request.body);
    check('tokenV2Request', examples.token_v2_project_request.body);
    check('recurrence', examples.recurrence_saturday.recurrence);
    check('keyV1Create', examples.key_v1_create_request.body);
    check('keysV2Create', examples.keys_v2_create_request.body);
    check('webhookV1Register', examples.webhook_v1_register_request.body);
    check('webhookV2Register', examples.webhook_v2_register_request.body);
    check('keyEvent', examples.key_event_v1.body);
    check('keyEvent', examples.access_event_v2.body);
    // And they can fail: an RRULE is not a recurrence.
    assert.throws(() => check('recurrence', 'FREQ=WEEKLY;BYDAY=SA'));
    assert.throws(() =>
      check('keyV1Create', { userId: '+4799887766', start: null, end: null, recurrence: 'x' }),
    );
  });

  for (const apiVersion of ['v1', 'v2'] as const) {
    it(`every body the driver sends (${apiVersion}) is the documented shape`, async () => {
      const config =
        apiVersion === 'v2'
          ? { apiVersion, projectIds: [IDS.lh1, IDS.lh2], lockHolderIds: undefined }
          : { apiVersion };
      const { driver } = unlocDriver(base, {
        ...config,
        keyEvents: { listenHost: '127.0.0.1', listenPort: 0 },
      });
      await driver.start();
      await driver.listLocks();
      for (const schedule of schedules)
        await driver.shares.share(IDS.officeDoor, {
          kind: 'key',
          lockId: 'x',
          toPhone: '+4791234567',
          schedule,
        });
      const posts = emu.server.requests.filter((r) => r.method === 'POST');
      const kinds = new Set<string>();
      for (const r of posts) {
        if (r.path.endsWith('/token/')) {
          check(apiVersion === 'v2' ? 'tokenV2Request' : 'tokenV1Request', r.body);
          kinds.add('token');
        } else if (/\/keys\/?$/.test(r.path)) {
          check(apiVersion === 'v2' ? 'keysV2Create' : 'keyV1Create', r.body);
          kinds.add('keys');
        } else if (/webhooks\/?$/.test(r.path)) {
          check(apiVersion === 'v2' ? 'webhookV2Register' : 'webhookV1Register', r.body);
          kinds.add('webhooks');
        } else assert.fail(`unexpected POST ${r.path}`);
      }
      assert.deepEqual([...kinds].sort(), ['keys', 'token', 'webhooks']);
      // The emulator's answers list keys in the documented shape.
      for (const k of await driver.shares.list(IDS.officeDoor)) assert.equal(k.with, '+4791234567');
      for (const key of emu.state.keys.values()) check('key', emu.state.keyView(key));
      await driver.stop();
    });
  }

  it('the emulator takes the documented request examples and refuses what the pages rule out', async () => {
    const token = async (body: Record<string, unknown>, path: string) => {
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...body, client_id: IDS.clientId, client_secret: IDS.clientSecret }),
      });
      assert.equal(res.status, 200);
      return ((await res.json()) as { access_token: string }).access_token;
    };
    const v2 = await token(
      { ...examples.token_v2_project_request.body, project_id: IDS.lh1 },
      '/v2/auth/token/',
    );
    const post = (path: string, body: unknown, bearer: string) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
        body: JSON.stringify(body),
      });
    const documentedKey = (examples.keys_v2_create_request.body as { keys: Array<Record<string, unknown>> })
      .keys[0];
    const created = await post(
      `/v2/projects/${IDS.lh1}/keys`,
      {
        keys: [
          { ...documentedKey, lockId: IDS.officeDoor, recurrence: examples.recurrence_saturday.recurrence },
        ],
      },
      v2,
    );
    assert.equal(created.status, 201);
    const answer = (await created.json()) as { keys: unknown[] };
    check('key', answer.keys[0]);
    assert.equal(
      (
        await post(
          `/v2/projects/${IDS.lh1}/keys`,
          { keys: [{ ...documentedKey, lockId: IDS.officeDoor, recurrence: 'FREQ=WEEKLY' }] },
          v2,
        )
      ).status,
      400,
    );
    const v1 = await token(
      { grant_type: 'client_credentials', scope: [`lockHolder.admin:${IDS.lh1}`] },
      '/auth/v1/token/',
    );
    const v1Key = await post(
      `/integrators/v1/lock-holders/${IDS.lh1}/locks/${IDS.officeDoor}/keys/`,
      {
        ...examples.key_v1_create_request.body,
        recurrence: examples.recurrence_saturday_day_keyed.recurrence,
      },
      v1,
    );
    assert.equal(v1Key.status, 201);
    check('key', await v1Key.json());
  });

  it('documented events and recurrences go through the driver mapping', () => {
    for (const name of ['key_event_v1', 'access_event_v2']) {
      const event = parseKeyEvent(examples[name].body);
      assert.equal(event?.userId, '+12125552390', name);
      assert.equal(event?.action, 'unlocked');
    }
    for (const name of ['recurrence_saturday', 'recurrence_saturday_day_keyed'])
      assert.deepEqual(
        unlocKeyToSchedule({ start: null, end: null, recurrence: examples[name].recurrence }),
        { kind: 'recurring', days: ['sa'], startMinute: 885, endMinute: 990 },
        name,
      );
  });

  it('the events the emulator delivers are the documented Key Event (v1) and Access Event (v2)', async () => {
    const received: unknown[] = [];
    const hook: Server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        received.push(JSON.parse(raw));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/`;
      const { driver } = unlocDriver(base);
      await driver.start();
      await driver.listLocks();
      await driver.shares.share(IDS.officeDoor, { kind: 'key', lockId: 'x', toPhone: '+4791234567' });
      emu.activateKeys();
      emu.state.webhooks.push({ id: 'h1', lockId: IDS.officeDoor, webhookUrl: url, api: 'v1' });
      emu.state.webhooks.push({ id: 'h2', lockId: IDS.officeDoor, webhookUrl: url, api: 'v2' });
      await emu.useKey([...emu.state.keys.values()][0].id);
      await waitFor(() => received.length === 2);
      for (const event of received) check('keyEvent', event);
      assert.deepEqual(received.map((e) => ('appUserId' in (e as object) ? 'v2' : 'v1')).sort(), [
        'v1',
        'v2',
      ]);
      await driver.stop();
    } finally {
      await new Promise<void>((r) => hook.close(() => r()));
    }
  });
});
