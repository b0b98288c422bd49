import assert from 'node:assert/strict';
import axios from 'axios';
import { Webhook } from 'svix';
import type { DriverPush } from '../../../src/vendors/driver';
import type { SeamWebhook } from '../../../src/vendors/seam/types';
import { SEAM_EMULATOR_API_KEY } from '../../../src/emulators/seam';
import { MemoryStorage } from '../../../src/core/storage';
import { eventually, startSeam, type Running } from '../../emulators/seam/helpers';
import { commandOptions } from '../../support/command-options';
import { controller, makeDriver, type DriverHarness } from './helpers';
import { nonConforming, seamOpenApi } from './openapi-schema';

/**
 * Issue 15: the driver's requests and the emulator's answers, checked against Seam's own OpenAPI document
 * (@seamapi/types). The driver runs every operation it has against the emulator with recording on: locks
 * (paged), lock/unlock and action attempts, the access-code lifecycle, events, webhook registration and
 * Svix-signed deliveries, and the whole Salto KS mobile-key grant and revoke.
 */

/** The Seam operations the driver and the mobile-key grants call (SeamClient methods in use). */
const DRIVER_OPERATIONS = [
  '/locks/list',
  '/locks/get',
  '/locks/lock_door',
  '/locks/unlock_door',
  '/action_attempts/get',
  '/access_codes/create',
  '/access_codes/list',
  '/access_codes/get',
  '/access_codes/update',
  '/access_codes/delete',
  '/access_codes/generate_code',
  '/events/list',
  '/webhooks/create',
  '/acs/systems/list',
  '/user_identities/create',
  '/user_identities/get',
  '/acs/systems/list_compatible_credential_manager_acs_systems',
  '/user_identities/enrollment_automations/launch',
  '/user_identities/enrollment_automations/list',
  '/acs/users/create',
  '/acs/users/list',
  '/acs/users/add_to_access_group',
  '/acs/users/delete',
  '/acs/credentials/create',
  '/acs/credentials/list',
  '/acs/credentials/delete',
];

describe("seam: driver requests and emulator answers against Seam's OpenAPI document", function () {
  // Compiling the document's schemas takes a few seconds on a loaded machine.
  this.timeout(120_000);
  let seam: Running;
  let ids: NonNullable<Running['emulator']['demo']>;
  let h: DriverHarness;
  let storage: MemoryStorage;
  const reached = new Set<string>();

  before(() => {
    // Compile the common schemas once, outside the timed tests.
    seamOpenApi().checkResponse('POST', '/locks/list', 200, { locks: [], devices: [], ok: true });
  });

  beforeEach(async () => {
    seam = await startSeam({ recordExchanges: true });
    ids = seam.emulator.demo as typeof ids;
    storage = new MemoryStorage();
  });
  afterEach(async () => {
    await h?.driver.stop();
    await seam.emulator.close();
    for (const x of seam.emulator.exchanges) reached.add(x.path);
  });

  after(() => {
    // Every Seam operation the driver calls was checked in one of the runs above.
    const missing = DRIVER_OPERATIONS.filter((p) => !reached.has(p));
    assert.deepEqual(missing, [], 'driver operations no run reached');
  });

  it('locks, commands, codes and events (polling) conform, both ways', async () => {
    h = makeDriver({ apiKey: SEAM_EMULATOR_API_KEY, baseUrl: seam.url }, { storage });
    for (let i = 0; i < 3; i++)
      seam.emulator.state.addDevice({ device_type: 'nuki_lock', name: `Extra ${i}` });
    await h.driver.start();
    const locks = await h.driver.listLocks();
    assert.ok(locks.length >= 7);
    await h.driver.getLock(ids.nuki);
    const c = controller();
    await h.driver.command(ids.nuki, 'UNLOCK', commandOptions('conf-1', c.signal));
    await h.driver.command(ids.nuki, 'LOCK', commandOptions('conf-2', c.signal));
    const codes = h.driver.codes;
    const created = await codes.create(ids.nuki, { name: 'Cleaner', code: '345678' });
    await eventually(
      async () => (await codes.list(ids.nuki)).find((x) => x.id === created.id && x.status === 'set'),
      'code set',
    );
    const start = new Date(Date.now() + 3_600_000).toISOString();
    const end = new Date(Date.now() + 7_200_000).toISOString();
    await codes.update(ids.nuki, created.id, {
      name: 'Cleaner Tue',
      schedule: { kind: 'time_bound', start, end },
    });
    await codes.create(ids.schlage, { name: 'Plumber', code: '7315', schedule: { kind: 'one_time' } });
    await codes.generate?.(ids.nuki);
    await codes.delete(ids.nuki, created.id);
    // A refusal, too: its error answer has Seam's error shape.
    await assert.rejects(codes.create(ids.nuki, { name: 'Zero', code: '345607' }));
    // The event poller runs on its own timer; wait for one events/list.
    const pushes: DriverPush[] = [];
    h.driver.onPush((p) => pushes.push(p));
    seam.emulator.simulateManual(ids.nuki, false);
    await eventually(() => pushes.find((p) => p.type === 'activity'), 'polled activity');

    const paths = new Set(seam.emulator.exchanges.map((x) => x.path));
    for (const p of [
      '/locks/list',
      '/locks/get',
      '/locks/unlock_door',
      '/locks/lock_door',
      '/action_attempts/get',
      '/access_codes/create',
      '/access_codes/list',
      '/access_codes/update',
      '/access_codes/delete',
      '/access_codes/generate_code',
      '/events/list',
      '/acs/systems/list',
    ])
      assert.ok(paths.has(p), `the run reached ${p}`);
    assert.deepEqual(nonConforming(seam.emulator.exchanges, { requests: 'all' }), []);
  });

  it('webhook registration and the Svix-signed event payloads conform', async () => {
    h = makeDriver(
      {
        apiKey: SEAM_EMULATOR_API_KEY,
        baseUrl: seam.url,
        webhook: { url: 'http://placeholder.invalid/seam' },
      },
      { storage },
    );
    await h.driver.start();
    // Point the registered webhook at the driver's real listener (a reverse proxy would).
    const stored = JSON.parse((await storage.read('webhook.json')) as string) as SeamWebhook;
    const hook = seam.emulator.state.webhooks.get(stored.webhook_id) as SeamWebhook;
    hook.url = `${h.driver.webhookListenUrl as string}/seam`;
    const pushes: DriverPush[] = [];
    h.driver.onPush((p) => pushes.push(p));
    seam.emulator.simulateManual(ids.nuki, false);
    seam.emulator.simulateKeypadEntry(ids.nuki, '000000');
    seam.emulator.setBattery(ids.nuki, 0.05);
    await eventually(
      () => seam.emulator.webhooks.deliveries.filter((d) => d.status === 204).length >= 3,
      '3 deliveries',
    );
    assert.ok(seam.emulator.exchanges.some((x) => x.path === '/webhooks/create'));
    assert.deepEqual(nonConforming(seam.emulator.exchanges, { requests: 'all' }), []);
    const api = seamOpenApi();
    const problems = seam.emulator.webhooks.deliveries.flatMap((d) => {
      const event = JSON.parse(d.body) as { event_type: string };
      const check = api.checkComponent('event', event);
      return check.ok ? [] : [`${event.event_type}: ${check.errors.join('; ')}`];
    });
    assert.deepEqual(problems, []);
    // The Svix library (npm svix, written by Svix) verifies every delivery the emulator signed ...
    const svix = new Webhook(stored.secret as string);
    for (const d of seam.emulator.webhooks.deliveries)
      svix.verify(d.body, {
        'svix-id': d.svix_id,
        'svix-timestamp': d.timestamp,
        'svix-signature': d.signature,
      });
    // ... and the driver's receiver accepts an event the Svix library signed.
    const event = {
      event_id: '5ea10000-0000-4000-8000-0000000000e1',
      event_type: 'lock.unlocked',
      workspace_id: seam.emulator.state.workspaceId,
      connected_account_id: seam.emulator.state.connectedAccountId,
      device_id: ids.nuki,
      created_at: new Date().toISOString(),
      occurred_at: new Date().toISOString(),
      method: 'keycode',
    };
    assert.ok(api.checkComponent('event', event).ok, 'the hand-made event is one Seam documents');
    const body = JSON.stringify(event);
    const now = new Date();
    const accepted = await axios.post(hook.url, body, {
      headers: {
        'content-type': 'application/json',
        'svix-id': 'msg_svix_1',
        'svix-timestamp': String(Math.floor(now.getTime() / 1000)),
        'svix-signature': svix.sign('msg_svix_1', now, body),
      },
      validateStatus: () => true,
      proxy: false,
    });
    assert.ok(accepted.status >= 200 && accepted.status < 300, `receiver answered ${accepted.status}`);
    await eventually(
      () => pushes.find((p) => p.type === 'activity' && p.action.how === 'keypad'),
      'push from the Svix-signed event',
    );
    const types = new Set(
      seam.emulator.webhooks.deliveries.map((d) => (JSON.parse(d.body) as { event_type: string }).event_type),
    );
    for (const t of types) assert.ok(api.eventTypes().includes(t), `${t} is an event type of the document`);
  });

  it('the whole Salto KS mobile-key grant and revoke conforms', async () => {
    h = makeDriver({ apiKey: SEAM_EMULATOR_API_KEY, baseUrl: seam.url }, { storage });
    await h.driver.start();
    const granted = await h.driver.shares.share(ids.saltoLock, {
      kind: 'mobile_key',
      lockId: 'seam_lobby',
      email: 'jane@example.com',
      fullName: 'Reservation 3333122-433',
      accessGroupIds: [ids.accessGroups.mainEntrance, ids.accessGroups.apartment101],
      start: new Date(Date.now() + 86_400_000).toISOString(),
      end: new Date(Date.now() + 4 * 86_400_000).toISOString(),
    });
    const grantId = String(granted.share?.id);
    // A second installation without the journal finds what the first made, through Seam's look-ups.
    const other = makeDriver(
      { apiKey: SEAM_EMULATOR_API_KEY, baseUrl: seam.url },
      { storage: new MemoryStorage() },
    );
    try {
      await other.driver.start();
      await other.driver.shares.share(ids.saltoLock, {
        kind: 'mobile_key',
        lockId: 'seam_lobby',
        email: 'jane@example.com',
        fullName: 'Reservation 3333122-433',
        accessGroupIds: [ids.accessGroups.mainEntrance, ids.accessGroups.apartment101],
        start: new Date(Date.now() + 86_400_000).toISOString(),
        end: new Date(Date.now() + 4 * 86_400_000).toISOString(),
      });
    } finally {
      await other.driver.stop();
    }
    await h.driver.shares.list(ids.saltoLock);
    await h.driver.shares.share(ids.saltoLock, { kind: 'revoke_mobile_key', lockId: 'seam_lobby', grantId });
    const paths = new Set(seam.emulator.exchanges.map((x) => x.path));
    for (const p of [
      '/user_identities/create',
      '/acs/systems/list_compatible_credential_manager_acs_systems',
      '/user_identities/enrollment_automations/launch',
      '/acs/users/create',
      '/acs/users/add_to_access_group',
      '/acs/credentials/create',
      '/acs/users/delete',
      '/acs/credentials/delete',
    ])
      assert.ok(paths.has(p), `the run reached ${p}`);
    assert.deepEqual(nonConforming(seam.emulator.exchanges, { requests: 'all' }), []);
  });
});
