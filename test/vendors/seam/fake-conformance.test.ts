/**
 * Conformance, the other way: our driver against Seam's own fake server (@seamapi/fake-seam-connect
 * 1.86.0, in-process) for locks and access codes. The fake is Seam's behaviour: where it differs from
 * our emulator, the emulator follows it (see the report).
 */
import assert from 'node:assert/strict';
import axios from 'axios';
import { LockbridgeError } from '../../../src/core/errors';
import type { DriverPush } from '../../../src/vendors/driver';
import { eventually } from '../../emulators/seam/helpers';
import { controller, makeDriver, type DriverHarness } from './helpers';
import { commandOptions } from '../../support/command-options';
import { startFake, type RunningFake } from './fake-seam';

const isCode = (code: string) => (err: unknown) => err instanceof LockbridgeError && err.code === code;

describe('seam driver: conformance with @seamapi/fake-seam-connect', function () {
  this.timeout(30_000);
  let fake: RunningFake;
  let h: DriverHarness;

  before(async () => {
    fake = await startFake();
  });
  after(() => fake.close());
  beforeEach(() => {
    h = makeDriver({ apiKey: fake.seed.seam_apikey1_token, baseUrl: fake.url });
  });
  afterEach(() => h.driver.stop());

  it('lists the seeded locks in one call, with names, state and access-code rules', async () => {
    await h.driver.start();
    const locks = await h.driver.listLocks();
    const ids = locks.map((l) => l.vendorLockId).sort();
    assert.deepEqual(
      ids,
      [fake.seed.august_device_1, fake.seed.august_device_2, fake.seed.schlage_device_1].sort(),
    );
    const front = locks.find((l) => l.vendorLockId === fake.seed.august_device_1);
    assert.equal(front?.name, 'Front Door');
    assert.equal(front?.status.state, 'LOCKED');
    assert.equal(front?.status.battery, 100);
    assert.ok(front?.capabilities.includes('unlock'));
    assert.deepEqual(front?.codeRules?.lengths, [4, 5, 6, 7, 8, 9]);
    assert.deepEqual(front?.codeRules?.constraints, []);
    const one = await h.driver.getLock(fake.seed.schlage_device_1);
    assert.equal(one.name, 'Bathroom Door');
  });

  it('unlocks and locks through the fake action attempts', async () => {
    await h.driver.start();
    const c = controller();
    const out = await h.driver.command(fake.seed.august_device_1, 'UNLOCK', commandOptions('f1', c.signal));
    assert.equal(out.status?.state, 'UNLOCKED');
    assert.equal((await h.driver.getLock(fake.seed.august_device_1)).status.state, 'UNLOCKED');
    const back = await h.driver.command(fake.seed.august_device_1, 'LOCK', commandOptions('f2', c.signal));
    assert.equal(back.status?.state, 'LOCKED');
    await assert.rejects(
      h.driver.command('no_such_device', 'UNLOCK', commandOptions('f3', c.signal)),
      isCode('not_found'),
    );
  });

  it('creates, lists, updates and deletes access codes, with Seam error mapping', async () => {
    await h.driver.start();
    const codes = h.driver.codes;
    const lock = fake.seed.august_device_2;
    const created = await codes.create(lock, { name: 'Guest', code: '4826' });
    assert.equal(created.status, 'pending');
    assert.equal(created.lockId, lock);
    const start = '2031-05-01T15:00:00.000Z';
    const end = '2031-05-04T11:00:00.000Z';
    const timed = await codes.create(lock, {
      name: 'Stay',
      code: '5937',
      schedule: { kind: 'time_bound', start, end },
    });
    assert.deepEqual(timed.schedule, { kind: 'time_bound', start, end });
    assert.equal(timed.status, 'pending', 'unset before starts_at maps to pending');
    const list = await codes.list(lock);
    assert.deepEqual(list.map((c) => c.id).sort(), [created.id, timed.id].sort());
    const renamed = await codes.update(lock, created.id, { name: 'Guest (renamed)' });
    assert.equal(renamed.name, 'Guest (renamed)');
    await assert.rejects(codes.create(lock, { name: 'Dup', code: '4826' }), isCode('code_conflict'));
    await codes.delete(lock, created.id);
    assert.deepEqual(
      (await codes.list(lock)).map((c) => c.id),
      [timed.id],
    );
    await assert.rejects(codes.update(lock, created.id, { name: 'x' }), isCode('not_found'));
    assert.deepEqual(await codes.list('no_such_device'), [], 'Seam lists no codes for an unknown device');
    await assert.rejects(codes.create('no_such_device', { name: 'X', code: '4567' }), isCode('not_found'));
    const generated = await codes.generate?.(lock);
    assert.match(String(generated), /^\d{4,9}$/);
  });

  it('polls events/list into pushes', async () => {
    await h.driver.start();
    const pushes: DriverPush[] = [];
    h.driver.onPush((p) => pushes.push(p));
    const c = controller();
    await h.driver.command(fake.seed.schlage_device_1, 'UNLOCK', commandOptions('f4', c.signal));
    await eventually(
      () => pushes.find((p) => p.type === 'activity' && p.vendorLockId === fake.seed.schlage_device_1),
      'activity from the fake',
    );
  });

  it('answers auth_failed for a wrong key and for the empty workspace key finds no locks', async () => {
    const bad = makeDriver({ apiKey: 'seam_not_a_key', baseUrl: fake.url });
    await assert.rejects(bad.driver.start(), isCode('auth_failed'));
    const empty = makeDriver({ apiKey: fake.seed.seam_apikey2_token, baseUrl: fake.url });
    await empty.driver.start();
    assert.deepEqual(await empty.driver.listLocks(), []);
    await empty.driver.stop();
  });

  it('agrees with our emulator on the shapes the driver relies on', async () => {
    const api = axios.create({
      baseURL: fake.url,
      headers: { authorization: `Bearer ${fake.seed.seam_apikey1_token}` },
      validateStatus: () => true,
      proxy: false,
    });
    const events = await api.post('/events/list', {});
    assert.equal(events.status, 400, 'events/list without since is refused');
    const missing = await api.post('/access_codes/get', { access_code_id: 'nope' });
    assert.equal(missing.status, 404);
    assert.equal(missing.data.error.type, 'not_found');
    const gen = await api.post('/access_codes/generate_code', { device_id: fake.seed.august_device_1 });
    assert.deepEqual(Object.keys(gen.data.generated_code).sort(), ['code', 'device_id']);
    const locks = await api.post('/locks/list', {});
    assert.ok(Array.isArray(locks.data.locks) && Array.isArray(locks.data.devices));
  });
});
