import assert from 'node:assert/strict';
import { LockbridgeError } from '../../../src/core/errors';
import type { DriverPush } from '../../../src/vendors/driver';
import { SEAM_EMULATOR_API_KEY } from '../../../src/emulators/seam';
import { eventually, startSeam, type Running } from '../../emulators/seam/helpers';
import { commandOptions } from '../../support/command-options';
import { controller, makeDriver, type DriverHarness } from './helpers';

const isCode = (code: string) => (err: unknown) => err instanceof LockbridgeError && err.code === code;

describe('seam driver against the emulator', () => {
  let seam: Running;
  let ids: NonNullable<Running['emulator']['demo']>;
  let h: DriverHarness;

  beforeEach(async () => {
    seam = await startSeam();
    ids = seam.emulator.demo as typeof ids;
    h = makeDriver({ apiKey: SEAM_EMULATOR_API_KEY, baseUrl: seam.url });
  });
  afterEach(async () => {
    await h.driver.stop();
    await seam.emulator.close();
  });

  it('lists every lock in one call per cycle, with capabilities, status and faithful code rules', async () => {
    await h.driver.start();
    const before = seam.emulator.server.requestsTo('POST', '/locks/list').length;
    const locks = await h.driver.listLocks();
    assert.equal(seam.emulator.server.requestsTo('POST', '/locks/list').length - before, 1);
    assert.equal(locks.length, 4);
    const front = locks.find((l) => l.vendorLockId === ids.nuki);
    assert.ok(front);
    assert.equal(front.name, 'Front Door');
    assert.equal(front.manufacturer, 'Nuki');
    assert.equal(front.model, 'Smart Lock 3.0 Pro');
    assert.deepEqual(front.status, {
      state: 'LOCKED',
      door: 'closed',
      battery: 86,
      batteryLow: false,
      online: true,
      lastAction: null,
    });
    assert.deepEqual(front.codeRules, {
      lengths: [6],
      numeric: true,
      maxActive: 250,
      schedules: ['always', 'time_bound', 'one_time'],
      constraints: [
        { constraint_type: 'cannot_start_with_12' },
        { constraint_type: 'no_zeros' },
        { constraint_type: 'name_length', max_length: 20 },
      ],
      canSpecifyCode: true,
    });
    assert.ok(front.capabilities.includes('access_codes'));
    assert.ok(!front.capabilities.includes('mobile_keys'));
    const lobby = locks.find((l) => l.vendorLockId === ids.saltoLock);
    assert.ok(lobby?.capabilities.includes('mobile_keys'));
    assert.equal(lobby?.codeRules, undefined);
    const garage = locks.find((l) => l.vendorLockId === ids.offline);
    assert.equal(garage?.status.online, false);
    assert.equal(garage?.status.batteryLow, true);
  });

  it('fails start with auth_failed on a wrong key, and never shows the key', async () => {
    const bad = makeDriver({ apiKey: 'seam_wrong_secret_key', baseUrl: seam.url });
    await assert.rejects(bad.driver.start(), (err: unknown) => {
      assert.ok(err instanceof LockbridgeError);
      assert.equal(err.code, 'auth_failed');
      assert.ok(!JSON.stringify(err.toJSON()).includes('seam_wrong_secret_key'));
      assert.ok(!err.message.includes('seam_wrong_secret_key'));
      return true;
    });
    assert.ok(!bad.sink.text().includes('seam_wrong_secret_key'));
  });

  it('unlocks and locks through action attempts with an authoritative outcome', async () => {
    await h.driver.start();
    const c = controller();
    const out = await h.driver.command(ids.nuki, 'UNLOCK', commandOptions('r1', c.signal));
    assert.equal(out.status?.state, 'UNLOCKED');
    assert.equal(seam.emulator.state.devices.get(ids.nuki)?.properties.locked, false);
    assert.equal(seam.emulator.server.requestsTo('POST', '/locks/unlock_door').length, 1);
    const back = await h.driver.command(ids.nuki, 'LOCK', commandOptions('r2', c.signal));
    assert.equal(back.status?.state, 'LOCKED');
    const status = await h.driver.command(ids.nuki, 'STATUS', commandOptions('r3', c.signal));
    assert.equal(status.status?.state, 'LOCKED');
  });

  it('maps failed attempts and refusals to typed errors, and never resends an unlock', async () => {
    await h.driver.start();
    const c = controller();
    await assert.rejects(
      h.driver.command(ids.offline, 'UNLOCK', commandOptions('a', c.signal)),
      isCode('lock_offline'),
    );
    seam.emulator.jamNext(ids.schlage);
    await assert.rejects(
      h.driver.command(ids.schlage, 'LOCK', commandOptions('b', c.signal)),
      isCode('jammed'),
    );
    await assert.rejects(
      h.driver.command(ids.nuki, 'OPEN', commandOptions('c', c.signal)),
      isCode('not_supported'),
    );
    await assert.rejects(
      h.driver.command('no-such-lock', 'UNLOCK', commandOptions('d', c.signal)),
      isCode('not_found'),
    );
    seam.emulator.faults.failNext(1, 503, { path: /unlock_door/ });
    const before = seam.emulator.server.requestsTo('POST', '/locks/unlock_door').length;
    await assert.rejects(
      h.driver.command(ids.nuki, 'UNLOCK', commandOptions('e', c.signal)),
      isCode('vendor_unavailable'),
    );
    assert.equal(seam.emulator.server.requestsTo('POST', '/locks/unlock_door').length - before, 1);
  });

  it('times out when an action attempt stays pending past the signal', async () => {
    await h.driver.start();
    seam.emulator.state.timings.actionMs = 60_000;
    await assert.rejects(
      h.driver.command(ids.nuki, 'UNLOCK', commandOptions('t', AbortSignal.timeout(60))),
      isCode('timeout'),
    );
  });

  it('runs the access-code lifecycle: create (pending), set, update, delete', async () => {
    await h.driver.start();
    const codes = h.driver.codes;
    const created = await codes.create(ids.nuki, { name: 'Cleaner', code: '345678' });
    assert.equal(created.status, 'pending');
    assert.deepEqual(created.schedule, { kind: 'always' });
    await eventually(
      async () => (await codes.list(ids.nuki)).find((c) => c.id === created.id && c.status === 'set'),
      'set',
    );
    const start = new Date(Date.now() + 3_600_000).toISOString();
    const end = new Date(Date.now() + 7_200_000).toISOString();
    const updated = await codes.update(ids.nuki, created.id, {
      name: 'Cleaner Tue',
      schedule: { kind: 'time_bound', start, end },
    });
    assert.equal(updated.name, 'Cleaner Tue');
    assert.deepEqual(updated.schedule, { kind: 'time_bound', start, end });
    assert.equal(updated.status, 'pending');
    const once = await codes.create(ids.schlage, {
      name: 'Plumber',
      code: '7315',
      schedule: { kind: 'one_time' },
    });
    assert.deepEqual(once.schedule, { kind: 'one_time' });
    await codes.delete(ids.nuki, created.id);
    await eventually(async () => (await codes.list(ids.nuki)).length === 0, 'deleted');
    await assert.rejects(codes.delete(ids.nuki, once.id), isCode('not_found'));
    const generated = await codes.generate?.(ids.nuki);
    assert.match(String(generated), /^[1-9]{6}$/);
    await assert.rejects(
      codes.create(ids.nuki, {
        name: 'Weekly',
        code: '345679',
        schedule: { kind: 'recurring', days: ['mo'], startMinute: 0, endMinute: 60 },
      }),
      isCode('not_supported'),
    );
  });

  it('refuses codes that break each constraint, duplicates and unknown devices with typed errors', async () => {
    await h.driver.start();
    const codes = h.driver.codes;
    const cases: Array<[string, string, string]> = [
      ['345607', 'Zero', 'no_zeros'],
      ['123456', 'Twelve', 'cannot_start_with_12'],
      ['3456', 'Short', 'supported_code_lengths'],
      ['456789', 'A name much longer than twenty', 'name_length'],
    ];
    for (const [code, name, rule] of cases) {
      await assert.rejects(
        codes.create(ids.nuki, { name, code }),
        (err: unknown) => {
          assert.ok(err instanceof LockbridgeError);
          assert.equal(err.code, 'invalid_code');
          assert.ok(!err.message.includes(code), 'no PIN in the message');
          assert.equal(err.reasons[0]?.code, 'invalid_access_code');
          return true;
        },
        rule,
      );
    }
    await codes.create(ids.nuki, { name: 'First', code: '456789' });
    await assert.rejects(codes.create(ids.nuki, { name: 'Second', code: '456789' }), isCode('code_conflict'));
    await assert.rejects(codes.create('no-such-device', { name: 'X', code: '4567' }), isCode('not_found'));
    assert.deepEqual(await codes.list('no-such-device'), [], 'like Seam: an empty list');
    assert.ok(!h.sink.text().includes('456789'));
  });

  it('turns polled events into pushes: manual unlock with who/how, battery, codes set and removed', async () => {
    await h.driver.start();
    const pushes: DriverPush[] = [];
    h.driver.onPush((p) => pushes.push(p));
    const code = await h.driver.codes.create(ids.schlage, { name: 'Dog walker', code: '2468' });
    await eventually(() => seam.emulator.state.codes.get(code.id)?.code.status === 'set');
    seam.emulator.simulateKeypadEntry(ids.schlage, '2468');
    seam.emulator.setBattery(ids.nuki, 0.15);
    await eventually(() => pushes.some((p) => p.type === 'activity'), 'activity push');
    const activity = pushes.find((p) => p.type === 'activity');
    assert.ok(activity && activity.type === 'activity');
    assert.equal(activity.vendorLockId, ids.schlage);
    assert.equal(activity.action.action, 'UNLOCKED');
    assert.equal(activity.action.how, 'keypad');
    assert.equal(activity.action.who, 'Dog walker');
    await eventually(
      () =>
        pushes.some(
          (p) => p.type === 'status' && p.vendorLockId === ids.nuki && p.status.batteryLow === true,
        ),
      'battery',
    );
    await eventually(
      () => pushes.some((p) => p.type === 'code' && p.code.id === code.id && p.code.status === 'set'),
      'code set push',
    );
    await h.driver.codes.delete(ids.schlage, code.id);
    await eventually(
      () => pushes.some((p) => p.type === 'code' && p.code.id === code.id && p.code.status === 'removed'),
      'code removed push',
    );
    const ids1 = pushes.filter((p) => p.type === 'activity').length;
    await h.driver.eventPoller?.pollOnce();
    assert.equal(pushes.filter((p) => p.type === 'activity').length, ids1, 'no duplicate activity');
  });

  it('never lets an older event overwrite a newer one (webhooks arrive in no set order), yet keeps its activity', () => {
    const pushes: DriverPush[] = [];
    h.driver.onPush((p) => pushes.push(p));
    const event = (type: string, occurredAt: string, id: string) => ({
      event_id: id,
      event_type: type,
      workspace_id: 'w',
      created_at: occurredAt,
      occurred_at: occurredAt,
      device_id: ids.schlage,
    });
    h.driver.handleEvent(event('lock.unlocked', '2030-01-01T10:00:02Z', 'e2'));
    h.driver.handleEvent(event('lock.locked', '2030-01-01T10:00:01Z', 'e1'));
    h.driver.handleEvent(event('device.disconnected', '2030-01-01T10:00:00Z', 'e0'));
    const states = pushes.flatMap((p) => (p.type === 'status' && p.status.state ? [p.status.state] : []));
    assert.deepEqual(states, ['UNLOCKED'], 'the late lock.locked (earlier) does not show LOCKED');
    assert.deepEqual(
      pushes.filter((p) => p.type === 'activity').map((p) => p.type === 'activity' && p.action.action),
      ['UNLOCKED', 'LOCKED'],
      'both are history',
    );
    // Another field has its own order: the (older) disconnect is the first word on `online`.
    assert.ok(pushes.some((p) => p.type === 'status' && p.status.online === false));
    h.driver.handleEvent(event('lock.locked', '2030-01-01T10:00:03Z', 'e3'));
    assert.equal(pushes.filter((p) => p.type === 'status' && p.status.state === 'LOCKED').length, 1);
  });

  it('keeps polling through vendor errors without crashing', async () => {
    await h.driver.start();
    seam.emulator.faults.failNext(2, 500, { path: /events\/list/ });
    const pushes: DriverPush[] = [];
    h.driver.onPush((p) => pushes.push(p));
    seam.emulator.simulateManual(ids.nuki, false);
    await eventually(
      () => pushes.some((p) => p.type === 'status' && p.status.state === 'UNLOCKED'),
      'push after errors',
    );
  });
});
