import assert from 'node:assert/strict';
import type { AugustAccountConfig } from '../../../src/config/types';
import { LockbridgeError } from '../../../src/core/errors';
import { MemorySink, RedactingLogger } from '../../../src/core/logger';
import { Redactor } from '../../../src/core/redact';
import { MemoryStorage } from '../../../src/core/storage';
import { RequestBudget } from '../../../src/http/budget';
import type { AugustEmulator } from '../../../src/emulators/august/server';
import { DEMO_ACCOUNT, DEMO_TWO_FACTOR, type DemoHousehold } from '../../../src/emulators/august/seed';
import { createAugustDriver, type AugustDriver, type AugustTuning } from '../../../src/vendors/august/driver';
import { vendorDrivers } from '../../../src/vendors/registry';
import type { DriverPush } from '../../../src/vendors/driver';
import { commandOptions } from '../../support/command-options';
import { startEmulator, until } from '../../emulators/august/helpers';

const TUNING: Partial<AugustTuning> = {
  retry: { retries: 3, baseDelayMs: 5, maxDelayMs: 20 },
  busyRetryDelayMs: 5,
  reconnectDelayMs: 10,
  maxReconnectDelayMs: 50,
  pinPollMs: 5,
  pinWaitMs: 2000,
};

interface Harness {
  driver: AugustDriver;
  storage: MemoryStorage;
  sink: MemorySink;
  config: AugustAccountConfig;
}

function makeDriver(
  emu: AugustEmulator,
  overrides: Partial<AugustAccountConfig> = {},
  storage = new MemoryStorage(),
  clock: { now(): number } = { now: () => Date.now() },
): Harness {
  const sink = new MemorySink();
  const redactor = new Redactor();
  const config: AugustAccountConfig = {
    vendor: 'august',
    id: 'home',
    brand: 'august',
    baseUrl: emu.url,
    identifier: DEMO_ACCOUNT.email,
    password: DEMO_ACCOUNT.password,
    apiKey: emu.apiKey,
    ...overrides,
  };
  const driver = createAugustDriver(
    config,
    {
      logger: new RedactingLogger(sink, { redactor }),
      storage,
      redactor,
      budget: new RequestBudget({ capacity: 1000, refillPerSecond: 1000 }),
      clock,
    },
    TUNING,
  );
  return { driver, storage, sink, config };
}

/** Yale Home / Yale Global log in with a token obtained elsewhere (no password login). */
const imported = (
  emu: AugustEmulator,
  home: DemoHousehold,
  brand: 'yale_home' | 'yale_global',
): Partial<AugustAccountConfig> => ({
  brand,
  identifier: undefined,
  password: undefined,
  accessToken: emu.issueAccessToken(home.owner.userId),
});

const opts = (requestId = 'req-1', signal = new AbortController().signal) =>
  commandOptions(requestId, signal);

async function rejectsWith(p: Promise<unknown>, code: string): Promise<LockbridgeError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof LockbridgeError, `expected a LockbridgeError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${code}`);
}

describe('august driver against the emulator', () => {
  let emu: AugustEmulator;
  let home: DemoHousehold;
  const drivers: AugustDriver[] = [];
  const track = (h: Harness) => (drivers.push(h.driver), h);

  beforeEach(async () => {
    ({ emu, home } = await startEmulator());
  });
  afterEach(async () => {
    for (const d of drivers.splice(0)) await d.stop();
    await emu.close();
  });

  describe('login, storage and two-factor', () => {
    it('keeps the token and install id in storage, and reuses them on the next start', async () => {
      const h = track(makeDriver(emu));
      await h.driver.start();
      const saved = JSON.parse((await h.storage.read('august-session.json'))!) as Record<string, unknown>;
      assert.ok(typeof saved.installId === 'string' && saved.installId.length > 10);
      assert.ok(typeof saved.token === 'string');
      assert.equal(saved.userId, home.owner.userId);
      assert.ok(!JSON.stringify(saved).includes(DEMO_ACCOUNT.password));
      await h.driver.stop();
      const again = track(makeDriver(emu, {}, h.storage));
      await again.driver.start();
      assert.equal(emu.server.requestsTo('POST', '/session').length, 1, 'no second login');
      assert.equal((await again.driver.listLocks()).length, 5);
    });

    it('stops at two_factor_required, then completes with the code without a restart', async () => {
      const h = track(
        makeDriver(emu, { identifier: DEMO_TWO_FACTOR.email, password: DEMO_TWO_FACTOR.password }),
      );
      await rejectsWith(h.driver.start(), 'two_factor_required');
      await rejectsWith(h.driver.listLocks(), 'two_factor_required');
      const saved = JSON.parse((await h.storage.read('august-session.json'))!) as Record<string, unknown>;
      assert.equal(saved.token, undefined, 'an unvalidated token is not stored');
      await h.driver.requestTwoFactorCode();
      const asked = emu.server.requestsTo('POST', '/validation/email');
      assert.equal(asked.length, 1);
      assert.deepEqual(asked[0].body, { value: DEMO_TWO_FACTOR.email });
      await rejectsWith(h.driver.submitTwoFactorCode('000000'), 'invalid_input');
      await rejectsWith(h.driver.submitTwoFactorCode('12'), 'invalid_input');
      await h.driver.submitTwoFactorCode(DEMO_TWO_FACTOR.code);
      assert.equal((await h.driver.listLocks()).length, 5);
      const after = JSON.parse((await h.storage.read('august-session.json'))!) as Record<string, unknown>;
      assert.ok(typeof after.token === 'string');
    });

    it('a wrong password (answered 200 with vPassword false) is auth_failed, not two-factor', async () => {
      const h = track(makeDriver(emu, { password: 'wrong-password' }));
      await rejectsWith(h.driver.start(), 'auth_failed');
      assert.equal(emu.server.requestsTo('POST', '/session').length, 1);
      const saved = JSON.parse((await h.storage.read('august-session.json'))!) as Record<string, unknown>;
      assert.equal(saved.token, undefined);
      await rejectsWith(h.driver.requestTwoFactorCode(), 'auth_failed');
      assert.equal(emu.server.requestsTo('POST', '/validation/email').length, 0);
      const unknown = track(makeDriver(emu, { identifier: 'nobody@lockbridge.test', password: 'x' }));
      await rejectsWith(unknown.driver.start(), 'auth_failed');
    });

    it('refreshes the token before it expires and stores the fresh one', async () => {
      const h = track(makeDriver(emu));
      await h.driver.start();
      const before = JSON.parse((await h.storage.read('august-session.json'))!) as Record<string, unknown>;
      // Within the refresh margin: every call first refreshes.
      (h.driver.session as unknown as { stored: { expiresAt: number } }).stored.expiresAt = Date.now() + 1000;
      emu.auth['options'].refreshAfterMs = 0;
      await h.driver.listLocks();
      assert.equal(emu.server.requestsTo('GET', '/users/houses/mine').length, 1);
      await until(async () => {
        const now = JSON.parse((await h.storage.read('august-session.json'))!) as Record<string, unknown>;
        return now.token !== before.token;
      }, 'fresh token stored');
    });

    it('an expired token: logs in again and the command still ends once', async () => {
      const h = track(makeDriver(emu));
      await h.driver.start();
      await h.driver.listLocks();
      emu.expireTokens();
      const out = await h.driver.command(home.frontDoor.LockID, 'UNLOCK', opts());
      assert.equal(out.status?.state, 'UNLOCKED');
      assert.equal(emu.server.requestsTo('POST', '/session').length, 2);
      // The refused attempt never reached the lock: one unlock ran.
      const pushes = emu.live.pushed.filter((p) => p.status === 'kAugLockState_Unlocked');
      assert.equal(pushes.length, 1);
    });
  });

  describe('locks', () => {
    it('maps the demo locks: DoorSense, keypad rules, unlatch, offline bridge, jam', async () => {
      const h = track(makeDriver(emu));
      await h.driver.start();
      const locks = new Map((await h.driver.listLocks()).map((l) => [l.name, l]));
      const front = locks.get('Front Door')!;
      assert.equal(front.status.state, 'LOCKED');
      assert.equal(front.status.door, 'closed');
      assert.ok(front.capabilities.includes('door_sensor'));
      assert.deepEqual(front.codeRules?.lengths, [4, 5, 6]);
      assert.deepEqual(locks.get('Back Door')!.codeRules?.lengths, [4, 5, 6, 7, 8]);
      assert.deepEqual(locks.get('Back Door')!.codeRules?.schedules, ['always']);
      assert.ok(locks.get('Apartment')!.capabilities.includes('open'));
      assert.equal(locks.get('Garage Door')!.status.online, false);
      assert.equal(locks.get('Garage Door')!.status.batteryLow, true);
      assert.equal(locks.get('Shed')!.status.state, 'JAMMED');
      assert.equal((await h.driver.getLock(home.apartment.LockID)).name, 'Apartment');
      await rejectsWith(h.driver.getLock('0'.repeat(32)), 'not_found');
    });

    it('polling cost: 1 + N calls per cycle without push (capabilities once)', async () => {
      const h = track(makeDriver(emu, { liveUpdates: false }));
      await h.driver.start();
      await h.driver.listLocks();
      const before = h.driver.client.http.sent;
      await h.driver.listLocks();
      assert.equal(h.driver.client.http.sent - before, 1 + 5);
      assert.equal(h.driver.liveConnected, false);
    });

    it('with PubNub up: no calls per cycle, a full listing at each resync and right after push comes back', async () => {
      let offset = 0;
      const h = track(
        makeDriver(emu, { resyncMinutes: 30 }, new MemoryStorage(), { now: () => Date.now() + offset }),
      );
      const pushes: DriverPush[] = [];
      h.driver.onPush((p) => pushes.push(p));
      await h.driver.start();
      await h.driver.listLocks();
      await until(() => h.driver.liveConnected, 'PubNub up');
      const count = async () => {
        const before = h.driver.client.http.sent;
        await h.driver.listLocks();
        return h.driver.client.http.sent - before;
      };
      assert.equal(await count(), 0);
      assert.equal(await count(), 0);
      offset = 29 * 60_000;
      assert.equal(await count(), 0);
      offset = 30 * 60_000;
      assert.equal(await count(), 1 + 5, 'the slow resync');
      assert.equal(await count(), 0);

      // Push drops: every cycle polls; when it comes back, one immediate resync, then quiet again.
      emu.faults.failNext(1000, 503, { path: /^\/v2\/subscribe\// });
      emu.live.dropAll();
      await until(() => !h.driver.liveConnected, 'PubNub down');
      assert.equal(await count(), 1 + 5);
      assert.equal(await count(), 1 + 5);
      emu.faults.clear();
      await until(() => h.driver.liveConnected && pushes.some((p) => p.type === 'locks_changed'), 'back');
      assert.equal(await count(), 1 + 5, 'the resync after the comeback');
      assert.equal(await count(), 0);
    });
  });

  describe('commands', () => {
    let h: Harness;
    beforeEach(async () => {
      h = track(makeDriver(emu));
      await h.driver.start();
      await h.driver.listLocks();
    });
    const unlocks = (lockId: string) =>
      emu.server.requestsTo('PUT', `/remoteoperate/${lockId}/unlock`).length;

    it('lock, unlock, status and unlatch answer with an authoritative status', async () => {
      assert.equal(
        (await h.driver.command(home.frontDoor.LockID, 'UNLOCK', opts())).status?.state,
        'UNLOCKED',
      );
      const locked = await h.driver.command(home.frontDoor.LockID, 'LOCK', opts('r2'));
      assert.equal(locked.status?.state, 'LOCKED');
      assert.equal(locked.status?.door, 'closed');
      assert.equal(locked.status?.lastAction?.how, 'remote');
      assert.equal(
        (await h.driver.command(home.frontDoor.LockID, 'STATUS', opts('r3'))).status?.state,
        'LOCKED',
      );
      assert.equal((await h.driver.command(home.apartment.LockID, 'OPEN', opts('r4'))).status?.state, 'OPEN');
      assert.equal(
        emu.server.requestsTo('PUT', `/remoteoperate/${home.frontDoor.LockID}/unlock`)[0].headers[
          'x-request-id'
        ],
        'req-1',
      );
    });

    it('OPEN on a lock without unlatch is not_supported, and nothing is sent', async () => {
      await rejectsWith(h.driver.command(home.frontDoor.LockID, 'OPEN', opts()), 'not_supported');
      assert.equal(emu.server.requestsTo('PUT', /unlatch/).length, 0);
    });

    it('bridge offline, jam, bridge timeout and unknown commands are typed errors', async () => {
      const offline = await rejectsWith(
        h.driver.command(home.garage.LockID, 'UNLOCK', opts()),
        'lock_offline',
      );
      assert.equal(offline.status, 422);
      const pushes: DriverPush[] = [];
      h.driver.onPush((p) => pushes.push(p));
      await rejectsWith(h.driver.command(home.shed.LockID, 'LOCK', opts()), 'jammed');
      assert.deepEqual(pushes[0], {
        type: 'status',
        vendorLockId: home.shed.LockID,
        status: { state: 'JAMMED' },
      });
      emu.setBridgeTimeout(home.backDoor.LockID, true);
      await rejectsWith(h.driver.command(home.backDoor.LockID, 'UNLOCK', opts()), 'timeout');
      assert.equal(unlocks(home.backDoor.LockID), 1);
    });

    it('423 lock busy: sent again after a pause (nothing ran), then succeeds', async () => {
      emu.faults.failNext(2, 423, { path: /remoteoperate/ });
      assert.equal(
        (await h.driver.command(home.frontDoor.LockID, 'UNLOCK', opts())).status?.state,
        'UNLOCKED',
      );
      assert.equal(unlocks(home.frontDoor.LockID), 3);
      emu.faults.failNext(3, 423, { path: /remoteoperate/ });
      await rejectsWith(h.driver.command(home.frontDoor.LockID, 'LOCK', opts()), 'lock_busy');
    });

    it('429 and 502 are retried for lock, never for unlock', async () => {
      emu.faults.rateLimit(1, 0, { path: /remoteoperate/ });
      await rejectsWith(h.driver.command(home.frontDoor.LockID, 'UNLOCK', opts()), 'rate_limited');
      assert.equal(unlocks(home.frontDoor.LockID), 1, 'the 429 unlock is not sent again');
      emu.faults.rateLimit(1, 0, { path: /remoteoperate/ });
      assert.equal((await h.driver.command(home.frontDoor.LockID, 'LOCK', opts())).status?.state, 'LOCKED');
      emu.faults.failNext(1, 502, { path: /remoteoperate/ });
      assert.equal((await h.driver.command(home.frontDoor.LockID, 'LOCK', opts())).status?.state, 'LOCKED');
      const before = unlocks(home.frontDoor.LockID);
      emu.faults.failNext(1, 502, { path: /remoteoperate/ });
      await rejectsWith(h.driver.command(home.frontDoor.LockID, 'UNLOCK', opts()), 'vendor_unavailable');
      assert.equal(unlocks(home.frontDoor.LockID) - before, 1, 'one unlock sent');
    });

    it('a dropped connection: lock is retried, unlock ends in a typed error after one send', async () => {
      emu.faults.dropNext(1, { path: /remoteoperate/ });
      assert.equal((await h.driver.command(home.frontDoor.LockID, 'LOCK', opts())).status?.state, 'LOCKED');
      emu.faults.dropNext(1, { path: /remoteoperate/ });
      await rejectsWith(h.driver.command(home.frontDoor.LockID, 'UNLOCK', opts()), 'timeout');
      assert.equal(unlocks(home.frontDoor.LockID), 1);
    });

    it('the hub’s timeout signal ends a slow command: nothing hangs', async () => {
      emu.faults.latency(5_000, { path: /remoteoperate/, count: 1 });
      const controller = new AbortController();
      const p = h.driver.command(home.frontDoor.LockID, 'UNLOCK', opts('slow', controller.signal));
      setTimeout(() => controller.abort(), 20);
      await rejectsWith(p, 'timeout');
      emu.faults.clear();
    });
  });

  describe('PINs', () => {
    let h: Harness;
    beforeEach(async () => {
      h = track(makeDriver(emu));
      await h.driver.start();
    });

    it('creates, lists, updates (schedule and digits) and deletes a PIN through its states', async () => {
      const lockId = home.frontDoor.LockID;
      // PINs settle only when the test says so.
      emu.timing.pinDelayMs = 60_000;
      const code = await h.driver.codes.create(lockId, {
        name: 'Ada Lovelace',
        code: '4321',
        schedule: { kind: 'recurring', days: ['mo', 'fr'], startMinute: 480, endMinute: 1020 },
      });
      assert.equal(code.status, 'pending');
      const listed = await h.driver.codes.list(lockId);
      assert.equal(listed[0].status, 'pending');
      emu.flushTimers();
      const set = (await h.driver.codes.list(lockId))[0];
      assert.equal(set.status, 'set');
      assert.equal(set.name, 'Ada Lovelace');
      assert.equal(set.code, '4321');
      assert.deepEqual(set.schedule, {
        kind: 'recurring',
        days: ['mo', 'fr'],
        startMinute: 480,
        endMinute: 1020,
      });
      assert.equal(set.id, code.id);

      const updated = await h.driver.codes.update(lockId, code.id, { schedule: { kind: 'always' } });
      assert.equal(updated.status, 'pending');
      emu.flushTimers();
      assert.deepEqual((await h.driver.codes.list(lockId))[0].schedule, { kind: 'always' });

      // New digits: delete, wait until gone, load (the vendor's rule).
      const changing = h.driver.codes.update(lockId, code.id, { code: '98765' });
      await until(() => emu.lock(lockId).pins[0]?.state === 'deleting', 'deleting');
      emu.flushTimers();
      assert.equal((await changing).code, '98765');
      emu.flushTimers();
      const after = await h.driver.codes.list(lockId);
      assert.equal(after.length, 1);
      assert.equal(after[0].code, '98765');
      assert.equal(after[0].id, code.id);

      await h.driver.codes.delete(lockId, code.id);
      assert.equal((await h.driver.codes.list(lockId))[0].status, 'removing');
      emu.flushTimers();
      assert.deepEqual(await h.driver.codes.list(lockId), []);
      await rejectsWith(h.driver.codes.delete(lockId, code.id), 'not_found');
    });

    it('conflicts, Type 1 schedules, a plain user and an offline bridge are typed errors', async () => {
      await h.driver.codes.create(home.frontDoor.LockID, { name: 'A', code: '1357' });
      await rejectsWith(
        h.driver.codes.create(home.frontDoor.LockID, { name: 'B', code: '1357' }),
        'code_conflict',
      );
      await rejectsWith(
        h.driver.codes.create(home.backDoor.LockID, {
          name: 'C',
          code: '2468',
          schedule: { kind: 'time_bound', start: '2030-01-01T00:00:00Z', end: '2030-01-02T00:00:00Z' },
        }),
        'invalid_input',
      );
      await rejectsWith(
        h.driver.codes.create(home.garage.LockID, { name: 'D', code: '2468' }),
        'invalid_input',
      );
      emu.setBridgeOnline(home.frontDoor.LockID, false);
      await rejectsWith(
        h.driver.codes.create(home.frontDoor.LockID, { name: 'E', code: '9753' }),
        'lock_offline',
      );
      const guest = track(
        makeDriver(emu, { identifier: 'guest@lockbridge.test', password: 'guest-pass', id: 'guest' }),
      );
      await guest.driver.start();
      await rejectsWith(guest.driver.codes.list(home.backDoor.LockID), 'forbidden');
    });

    it('generates a PIN by reserving one; loading it uses the reservation', async () => {
      const pin = await h.driver.codes.generate(home.frontDoor.LockID);
      assert.match(pin, /^\d{6}$/);
      const made = await h.driver.codes.create(home.frontDoor.LockID, {
        name: 'Guest',
        code: pin,
        userId: home.guest.userId,
      });
      assert.equal(made.id, home.guest.userId);
      assert.equal(emu.lock(home.frontDoor.LockID).reservations.length, 0);
    });
  });

  describe('lock users', () => {
    it('adds, changes type, lists and removes; a plain user is forbidden', async () => {
      const h = track(makeDriver(emu));
      await h.driver.start();
      const lockId = home.frontDoor.LockID;
      const newUser = '7b14406f-6e5e-4539-9241-498262c20b44';
      const added = await h.driver.shares.share(lockId, {
        kind: 'lock_user',
        lockId,
        userId: newUser,
        role: 'user',
      });
      assert.equal(added.share?.role, 'user');
      assert.deepEqual(added.data, { changed: 'added' });
      const changed = await h.driver.shares.share(lockId, {
        kind: 'lock_user',
        lockId,
        userId: newUser,
        role: 'manager',
      });
      assert.deepEqual(changed.data, { changed: 'type' });
      const list = await h.driver.shares.list(lockId);
      assert.equal(list.find((s) => s.id === newUser)?.role, 'manager');
      assert.equal(list.find((s) => s.id === home.owner.userId)?.with, 'Alex Demo');
      await h.driver.shares.share(lockId, { kind: 'remove_lock_user', lockId, userId: newUser });
      assert.equal(emu.lock(lockId).users.has(newUser), false);
      await rejectsWith(h.driver.shares.share(lockId, { kind: 'key', lockId }), 'not_supported');

      const guest = track(
        makeDriver(emu, { identifier: 'guest@lockbridge.test', password: 'guest-pass', id: 'guest' }),
      );
      await guest.driver.start();
      await rejectsWith(
        guest.driver.shares.share(lockId, { kind: 'lock_user', lockId, userId: newUser, role: 'user' }),
        'forbidden',
      );
    });
  });

  describe('live updates', () => {
    it('PubNub (real SDK): state, door, bridge and who-did-it; pn-<USER ID>, the brand key, no websocket', async () => {
      const h = track(makeDriver(emu));
      const pushes: DriverPush[] = [];
      h.driver.onPush((p) => pushes.push(p));
      await h.driver.start();
      await h.driver.listLocks();
      await until(() => h.driver.liveConnected, 'PubNub up');
      const lockId = home.frontDoor.LockID;
      emu.simulateKeypad(lockId, home.owner.userId, 'unlock');
      emu.simulateDoor(lockId, 'open');
      emu.setBridgeOnline(lockId, false);
      await until(() => pushes.some((p) => p.type === 'status' && p.status.online === false), 'bridge push');
      assert.ok(
        pushes.some((p) => p.type === 'status' && p.vendorLockId === lockId && p.status.state === 'UNLOCKED'),
      );
      const activity = pushes.find((p) => p.type === 'activity');
      assert.ok(activity && activity.type === 'activity');
      assert.equal(activity.action.who, 'Alex Demo');
      assert.ok(pushes.some((p) => p.type === 'status' && p.status.door === 'open'));
      const cached = (await h.driver.listLocks()).find((l) => l.vendorLockId === lockId)!;
      assert.equal(cached.status.door, 'open', 'pushes keep the cache current');
      assert.equal(cached.status.online, false);

      const subscribe = emu.server.requestsTo('GET', /^\/v2\/subscribe\//).at(-1)!;
      assert.ok(subscribe.path.startsWith('/v2/subscribe/sub-c-1030e062-0ebe-11e5-a5c2-0619f8945a4f/'));
      const channels = decodeURIComponent(subscribe.path.split('/')[4]).split(',').sort();
      assert.deepEqual(channels, [...emu.state.locks.values()].map((l) => l.pubsubChannel).sort());
      assert.deepEqual([...emu.live.pubnub!.uuids], [`pn-${home.owner.userId.toUpperCase()}`]);
      // The August brand has no websocket: no subscriber was created.
      assert.equal(emu.server.requestsTo('POST', '/websocket/subscribers').length, 0);

      await h.driver.stop();
      await until(() => emu.live.connected === 0, 'subscribe released');
    });

    it('PubNub: after a drop it reconnects with backoff and resyncs; polling meanwhile', async () => {
      const h = track(makeDriver(emu));
      const pushes: DriverPush[] = [];
      h.driver.onPush((p) => pushes.push(p));
      await h.driver.start();
      await h.driver.listLocks();
      await until(() => h.driver.liveConnected, 'PubNub up');
      emu.server.faults.failNext(2, 503, { path: /^\/v2\/subscribe\// });
      emu.live.dropAll();
      await until(() => pushes.some((p) => p.type === 'locks_changed') && h.driver.liveConnected, 'back');
      emu.simulateManual(home.frontDoor.LockID, 'unlock');
      await until(
        () => pushes.some((p) => p.type === 'status' && p.status.state === 'UNLOCKED'),
        'push after reconnect',
      );
      const manual = pushes.find((p) => p.type === 'activity');
      assert.ok(manual && manual.type === 'activity');
      assert.equal(manual.action.how, 'manual');
    });

    it('liveUpdates false: no PubNub at all', async () => {
      const h = track(makeDriver(emu, { liveUpdates: false }));
      await h.driver.start();
      await h.driver.listLocks();
      assert.equal(h.driver.liveConnected, false);
      assert.equal(emu.server.requestsTo('GET', /^\/v2\//).length, 0);
    });
  });

  describe('Yale Global live updates (Socket.IO)', () => {
    let yale: AugustEmulator;
    let y: DemoHousehold;
    beforeEach(async () => {
      ({ emu: yale, home: y } = await startEmulator({ family: 'aaecosystem' }, 'yale'));
    });
    afterEach(async () => {
      for (const d of drivers.splice(0)) await d.stop();
      await yale.close();
    });

    it('socket.io-client: pushes with lockID; reconnects with a fresh token after a drop; stop deletes the subscriber', async () => {
      const h = track(makeDriver(yale, imported(yale, y, 'yale_global')));
      const pushes: DriverPush[] = [];
      h.driver.onPush((p) => pushes.push(p));
      await h.driver.start();
      await until(() => h.driver.liveConnected, 'socket');
      await h.driver.listLocks();
      const lockId = y.frontDoor.LockID;
      yale.simulateKeypad(lockId, y.owner.userId, 'unlock');
      await until(
        () =>
          pushes.some(
            (p) => p.type === 'status' && p.vendorLockId === lockId && p.status.state === 'UNLOCKED',
          ),
        'push',
      );
      const before = h.driver.client.http.sent;
      await h.driver.listLocks();
      assert.equal(h.driver.client.http.sent - before, 0, 'no polling while the socket is up');

      const refreshes = yale.server.requestsTo('GET', '/users/houses/mine').length;
      pushes.length = 0;
      yale.dropWebsockets();
      await until(
        () => pushes.some((p) => p.type === 'locks_changed') && h.driver.liveConnected,
        'reconnect',
      );
      assert.ok(
        yale.server.requestsTo('GET', '/users/houses/mine').length > refreshes,
        'token refreshed first',
      );
      yale.simulateManual(lockId, 'lock');
      await until(() => pushes.some((p) => p.type === 'status' && p.status.state === 'LOCKED'), 'after');

      await h.driver.stop();
      assert.equal(yale.live.connected, 0);
      assert.equal(yale.state.subscribers.size, 0);
    });

    it('falls back to polling when the subscriber cannot be created, and keeps trying', async () => {
      yale.faults.failNext(2, 503, { path: /websocket/ });
      const h = track(makeDriver(yale, imported(yale, y, 'yale_global')));
      await h.driver.start();
      assert.equal(h.driver.liveConnected, false);
      assert.equal((await h.driver.listLocks()).length, 5);
      await until(() => h.driver.liveConnected, 'connected later');
    });
  });

  describe('brands', () => {
    it('Yale Home talks x-api-key / x-access-token / x-branding to an aaecosystem host', async () => {
      const { emu: yale, home: y } = await startEmulator({ family: 'aaecosystem' }, 'yale');
      try {
        const h = track(makeDriver(yale, imported(yale, y, 'yale_home')));
        await h.driver.start();
        assert.equal((await h.driver.listLocks()).length, 5);
        assert.equal(
          (await h.driver.command(y.frontDoor.LockID, 'UNLOCK', opts())).status?.state,
          'UNLOCKED',
        );
        const sent = yale.server.requestsTo('GET', '/users/locks/mine')[0].headers;
        assert.equal(sent['x-api-key'], yale.apiKey);
        assert.equal(sent['x-branding'], 'yale');
        assert.ok(sent['x-access-token']);
        assert.equal(sent['x-august-api-key'], undefined);
        await until(() => h.driver.liveConnected, 'socket');
        await h.driver.stop();
        // The August header set is refused by this host.
        const wrong = track(makeDriver(yale, { brand: 'yale_access' }));
        await rejectsWith(wrong.driver.start(), 'auth_failed');
      } finally {
        await yale.close();
      }
    });

    it('Yale Home and Yale Global with a password: one invalid_config error at start, nothing sent', async () => {
      const { emu: yale } = await startEmulator({ family: 'aaecosystem' }, 'yale');
      try {
        for (const brand of ['yale_home', 'yale_global'] as const) {
          let err: unknown;
          try {
            makeDriver(yale, { brand });
          } catch (e) {
            err = e;
          }
          assert.ok(err instanceof LockbridgeError && err.code === 'invalid_config', brand);
          assert.match(err.message, /cannot log in with a password/);
          assert.match(err.message, /accessToken/);
          assert.ok(!err.message.includes(DEMO_ACCOUNT.password));
        }
        assert.equal(yale.server.requests.length, 0);
        // The emulated aaecosystem host refuses password sessions too.
        const res = await fetch(`${yale.url}/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': yale.apiKey, 'x-branding': 'yale' },
          body: JSON.stringify({
            installId: 'i',
            identifier: `email:${DEMO_ACCOUNT.email}`,
            password: DEMO_ACCOUNT.password,
          }),
        });
        assert.equal(res.status, 401);
      } finally {
        await yale.close();
      }
    });

    it('an imported access token: no password login; kept fresh in storage; refused means import a new one', async () => {
      const { emu: yale, home: y } = await startEmulator(
        { family: 'aaecosystem', tokenRefreshAfterMs: 0 },
        'yale',
      );
      try {
        const config = imported(yale, y, 'yale_global');
        const h = track(makeDriver(yale, { ...config, liveUpdates: false }));
        await h.driver.start();
        assert.equal((await h.driver.listLocks()).length, 5);
        assert.equal(yale.server.requestsTo('POST', '/session').length, 0);
        assert.equal(h.driver.session.userId, y.owner.userId, 'the user id comes from the token');
        const saved = JSON.parse((await h.storage.read('august-session.json'))!) as Record<string, unknown>;
        assert.notEqual(saved.token, config.accessToken, 'the fresh token the API handed back is kept');
        assert.ok(!JSON.stringify(saved).includes(config.accessToken!), 'only a fingerprint of the import');
        await h.driver.stop();
        // A restart with the same config goes on with the fresh token, not the imported one.
        const again = track(makeDriver(yale, { ...config, liveUpdates: false }, h.storage));
        await again.driver.start();
        await again.driver.listLocks();
        assert.equal(
          yale.server.requestsTo('GET', '/users/locks/mine').at(-1)!.headers['x-access-token'],
          saved.token,
        );
        // Refused (expired or revoked): a clear auth_failed, never a password login.
        yale.expireTokens();
        const err = await rejectsWith(again.driver.listLocks(), 'auth_failed');
        assert.match(err.message, /import a new accessToken/);
        assert.equal(yale.server.requestsTo('POST', '/session').length, 0);
        assert.ok(!again.sink.lines.some((l) => l.message.includes(config.accessToken!)));
      } finally {
        await yale.close();
      }
    });

    it('Yale Access uses the August header set with branding yale', async () => {
      const { emu: ya } = await startEmulator({}, 'yale');
      try {
        const h = track(makeDriver(ya, { brand: 'yale_access' }));
        await h.driver.start();
        const sent = ya.server.requestsTo('POST', '/session')[0].headers;
        assert.equal(sent['x-august-branding'], 'yale');
        assert.equal(sent['x-kease-api-key'], ya.apiKey);
        const august = track(makeDriver(ya, { brand: 'august' }));
        await rejectsWith(august.driver.start(), 'forbidden');
      } finally {
        await ya.close();
      }
    });

    it('the registry has the factory; it refuses other vendors and a missing API key', () => {
      const factory = vendorDrivers.august!;
      const ctx = {
        logger: new RedactingLogger(new MemorySink()),
        storage: new MemoryStorage(),
        redactor: new Redactor(),
        budget: new RequestBudget({ capacity: 1, refillPerSecond: 1 }),
        clock: { now: () => Date.now() },
      };
      assert.throws(
        () => factory({ vendor: 'seam', id: 's', apiKey: 'k' }, ctx),
        /cannot run a seam account/,
      );
      assert.throws(
        () =>
          factory({ vendor: 'august', id: 'a', brand: 'august', identifier: 'x@y.z', password: 'pw' }, ctx),
        (e: unknown) => e instanceof LockbridgeError && e.code === 'invalid_config',
      );
    });
  });

  describe('secrets', () => {
    it('no password, token, API key or PIN in logs or error messages', async () => {
      const h = track(makeDriver(emu, { liveUpdates: true }));
      const errors: string[] = [];
      const keep = async (p: Promise<unknown>) =>
        p.catch((e: Error) => errors.push(`${e.message} ${JSON.stringify(e)}`));
      await h.driver.start();
      await h.driver.listLocks();
      await h.driver.codes.create(home.frontDoor.LockID, { name: 'Secret', code: '804861' });
      await keep(h.driver.codes.create(home.frontDoor.LockID, { name: 'Again', code: '804861' }));
      emu.expireTokens();
      await h.driver.command(home.frontDoor.LockID, 'UNLOCK', opts());
      await keep(h.driver.command(home.garage.LockID, 'UNLOCK', opts()));
      const bad = track(makeDriver(emu, { password: 'hunter2-wrong', id: 'bad' }));
      await keep(bad.driver.start());
      const token = JSON.parse((await h.storage.read('august-session.json'))!).token as string;
      const text = h.sink.text() + bad.sink.text() + errors.join('\n');
      assert.ok(errors.length >= 3);
      assert.ok(h.sink.lines.length > 5);
      for (const secret of [DEMO_ACCOUNT.password, 'hunter2-wrong', token, emu.apiKey, '804861'])
        assert.ok(!text.includes(secret), `leaked ${secret.slice(0, 3)}...`);
    });
  });
});
