import assert from 'node:assert/strict';
import type {
  AugustAccountConfig,
  SmartphoneKeyAccountConfig,
  VendorAccountConfig,
} from '../../src/config/types';
import { OUTCOME_UNKNOWN } from '../../src/core/deadline';
import { LockbridgeError } from '../../src/core/errors';
import { MemorySink, RedactingLogger } from '../../src/core/logger';
import { lockIdFor, type CommandRequest } from '../../src/core/model';
import { MemoryStorage } from '../../src/core/storage';
import type { EmulatorServer } from '../../src/emulators/kit';
import type { AugustEmulator } from '../../src/emulators/august/server';
import { DEMO_ACCOUNT, type DemoHousehold } from '../../src/emulators/august/seed';
import type { SmartphoneKeyEmulator } from '../../src/emulators/smartphonekey';
import { LockHub } from '../../src/hub/hub';
import { createAugustDriver, type AugustTuning } from '../../src/vendors/august/driver';
import { vendorDrivers } from '../../src/vendors/registry';
import type { DriverFactory } from '../../src/vendors/driver';
import { startEmulator, until } from '../emulators/august/helpers';
import { startHubFixture, type HubFixture } from '../support/hub-fixture';
import { SPK, seededSpk } from '../emulators/smartphonekey/fixture';

/**
 * The deadline chain end to end: a LockHub with the real vendor drivers, real HTTP to the vendor
 * emulators, faults injected at the vendor. Each case checks the vendor side: no request of the
 * command arrived after its deadline, and the answer says whether it was executed.
 */

const TUNING: Partial<AugustTuning> = {
  retry: { retries: 3, baseDelayMs: 5, maxDelayMs: 20 },
  busyRetries: 2,
  busyRetryDelayMs: 300,
  reconnectDelayMs: 10,
  maxReconnectDelayMs: 50,
};

async function answerOf(promise: Promise<unknown>): Promise<LockbridgeError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof LockbridgeError, `expected a LockbridgeError, got ${String(err)}`);
    return err;
  }
  assert.fail('the command must not succeed');
}

/** The answer to a command that went out and may have acted: timeout, reason outcome_unknown. */
function assertOutcomeUnknown(err: LockbridgeError): void {
  assert.equal(err.code, 'timeout', err.message);
  assert.match(err.message, /outcome unknown/);
  assert.deepEqual(
    err.reasons.map((r) => r.code),
    [OUTCOME_UNKNOWN],
  );
}

/** Every arrival at the vendor for the path, and whether any came after the deadline. */
function arrivals(server: EmulatorServer, method: string, path: RegExp, deadline: number) {
  const all = server.requestsTo(method, path);
  return { count: all.length, late: all.filter((r) => r.at > deadline).map((r) => r.at - deadline) };
}

function startHub(account: VendorAccountConfig, factory: DriverFactory): LockHub {
  return new LockHub({
    accounts: [account],
    drivers: { [account.vendor]: factory },
    storage: new MemoryStorage(),
    logger: new RedactingLogger(new MemorySink()),
    pollIntervalMs: 60_000,
    // A long command timeout: only the expiry bounds these commands.
    commandTimeoutMs: 20_000,
    readbackDelaysMs: [50, 100, 200],
  });
}

describe('hub: a command is never sent after its deadline (real drivers, emulators, faults)', function () {
  this.timeout(20_000);

  describe('August', () => {
    let emu: AugustEmulator;
    let home: DemoHousehold;
    let hub: LockHub;
    const id = (vendorLockId: string) => lockIdFor('august', vendorLockId);
    const command = (lock: string, cmd: CommandRequest['command'], inMs: number) => {
      const expiresAt = Date.now() + inMs;
      return { expiresAt, promise: hub.command({ lockId: id(lock), command: cmd, expiresAt }) };
    };
    const remote = (lock: string, verb: string) => new RegExp(`^/remoteoperate/${lock}/${verb}$`);

    beforeEach(async () => {
      ({ emu, home } = await startEmulator());
      const account: AugustAccountConfig = {
        vendor: 'august',
        id: 'home',
        brand: 'august',
        baseUrl: emu.url,
        identifier: DEMO_ACCOUNT.email,
        password: DEMO_ACCOUNT.password,
        apiKey: emu.apiKey,
      };
      hub = startHub(account, (config, context) => createAugustDriver(config, context, TUNING));
      await hub.start();
      assert.equal(hub.accounts()[0].state, 'connected');
    });
    afterEach(async () => {
      await hub.stop();
      await emu.close();
    });

    it('429 on an unlock: answered rate_limited, the unlock is never sent again', async () => {
      emu.faults.rateLimit(1, 2, { path: /remoteoperate/ });
      const { expiresAt, promise } = command(home.frontDoor.LockID, 'UNLOCK', 700);
      const err = await answerOf(promise);
      assert.equal(err.code, 'rate_limited', err.message);
      const sent = arrivals(emu.server, 'PUT', remote(home.frontDoor.LockID, 'unlock'), expiresAt);
      assert.deepEqual(sent, { count: 1, late: [] });
    });

    it('429 with a Retry-After beyond the deadline on a lock (idempotent): expired, no second send', async () => {
      emu.faults.rateLimit(1, 2, { path: /remoteoperate/ });
      const { expiresAt, promise } = command(home.frontDoor.LockID, 'LOCK', 700);
      const err = await answerOf(promise);
      assert.equal(err.code, 'expired', err.message);
      assert.match(err.message, /not executed/);
      const sent = arrivals(emu.server, 'PUT', remote(home.frontDoor.LockID, 'lock'), expiresAt);
      assert.deepEqual(sent, { count: 1, late: [] });
    });

    it('an account-wide 429 pause: another lock’s command waits, and is refused, never sent late', async () => {
      emu.faults.rateLimit(1, 2, { path: /remoteoperate/ });
      const first = await answerOf(command(home.frontDoor.LockID, 'UNLOCK', 5_000).promise);
      assert.equal(first.code, 'rate_limited');
      // The account is paused for 2 s: a command that must go out within 0.6 s is refused.
      const { expiresAt, promise } = command(home.apartment.LockID, 'UNLOCK', 600);
      const err = await answerOf(promise);
      assert.equal(err.code, 'expired', err.message);
      assert.deepEqual(arrivals(emu.server, 'PUT', remote(home.apartment.LockID, 'unlock'), expiresAt), {
        count: 0,
        late: [],
      });
      // One whose deadline outlasts the pause waits for it and goes out in time.
      const later = command(home.apartment.LockID, 'UNLOCK', 8_000);
      const result = await later.promise;
      assert.equal(result.status.state, 'UNLOCKED');
      assert.deepEqual(
        arrivals(emu.server, 'PUT', remote(home.apartment.LockID, 'unlock'), later.expiresAt),
        { count: 1, late: [] },
      );
    });

    it('401 mid-command with a re-login that ends after the deadline: the unlock is not resent', async () => {
      emu.faults.failNext(1, 401, { path: /remoteoperate/ });
      emu.faults.latency(1_500, { method: 'POST', path: /^\/session$/, count: 1 });
      const { expiresAt, promise } = command(home.frontDoor.LockID, 'UNLOCK', 700);
      const err = await answerOf(promise);
      assert.equal(err.code, 'expired', err.message);
      // Let the re-login finish: the command must still not be sent.
      await until(() => emu.server.requestsTo('POST', '/session').length >= 2, 're-login');
      await hub.refresh();
      assert.deepEqual(arrivals(emu.server, 'PUT', remote(home.frontDoor.LockID, 'unlock'), expiresAt), {
        count: 1,
        late: [],
      });
    });

    it('423 (lock busy): the busy retry is not sent after the deadline', async () => {
      emu.faults.failNext(3, 423, { path: /remoteoperate/ });
      const { expiresAt, promise } = command(home.frontDoor.LockID, 'UNLOCK', 500);
      const err = await answerOf(promise);
      assert.equal(err.code, 'expired', err.message);
      const sent = arrivals(emu.server, 'PUT', remote(home.frontDoor.LockID, 'unlock'), expiresAt);
      assert.deepEqual(sent.late, []);
      assert.ok(sent.count >= 1 && sent.count <= 2, `${sent.count} sends`);
    });

    it('no answer before the deadline: timeout, outcome unknown; the true state follows', async () => {
      emu.faults.latency(1_500, { path: /remoteoperate/, count: 1 });
      const { expiresAt, promise } = command(home.frontDoor.LockID, 'UNLOCK', 500);
      const err = await answerOf(promise);
      assertOutcomeUnknown(err);
      assert.deepEqual(arrivals(emu.server, 'PUT', remote(home.frontDoor.LockID, 'unlock'), expiresAt), {
        count: 1,
        late: [],
      });
      // The vendor acted late (its own latency): the hub shows it once it reads it.
      await until(async () => {
        await hub.refresh();
        return (await hub.getLock(id(home.frontDoor.LockID))).status.state === 'UNLOCKED';
      }, 'the unlock shows');
    });

    it('a dropped connection after the unlock went out: the same answer as no answer (timeout, outcome unknown), UNKNOWN shown', async () => {
      const states: string[] = [];
      hub.subscribe((e) => {
        if (e.type === 'state' && e.lock.id === id(home.frontDoor.LockID)) states.push(e.lock.status.state);
      });
      emu.faults.dropNext(1, { path: /remoteoperate/ });
      const { expiresAt, promise } = command(home.frontDoor.LockID, 'UNLOCK', 5_000);
      const err = await answerOf(promise);
      assertOutcomeUnknown(err);
      // Never resent: the vendor may have acted.
      assert.deepEqual(arrivals(emu.server, 'PUT', remote(home.frontDoor.LockID, 'unlock'), expiresAt), {
        count: 1,
        late: [],
      });
      // The old state (LOCKED) is a guess the door may contradict: UNKNOWN until the vendor says.
      assert.deepEqual(states.slice(0, 2), ['UNLOCKING', 'UNKNOWN']);
    });
  });

  describe('SmartphoneKey (OPEN is deduplicated by our request id, so it may be retried)', () => {
    let emu: SmartphoneKeyEmulator;
    let hub: LockHub;

    beforeEach(async () => {
      emu = seededSpk();
      const url = await emu.start();
      const account: SmartphoneKeyAccountConfig = {
        vendor: 'smartphonekey',
        id: 'spk',
        baseUrl: url,
        jwt: SPK.jwtAlice,
        userId: SPK.alice,
      };
      const factory = vendorDrivers.smartphonekey;
      assert.ok(factory);
      hub = startHub(account, factory);
      await hub.start();
    });
    afterEach(async () => {
      await hub.stop();
      await emu.close();
    });

    it('429 with a Retry-After beyond the deadline: expired, and no second OpenLock', async () => {
      emu.server.faults.rateLimit(1, 2, { path: /OpenLock$/ });
      const expiresAt = Date.now() + 700;
      const err = await answerOf(
        hub.command({ lockId: lockIdFor('smartphonekey', '101'), command: 'OPEN', expiresAt }),
      );
      assert.equal(err.code, 'expired', err.message);
      assert.deepEqual(arrivals(emu.server, 'POST', /^\/locks\/101\/OpenLock$/, expiresAt), {
        count: 1,
        late: [],
      });
    });

    it('a 502 and a retry that would land after the deadline: outcome unknown, nothing late', async () => {
      emu.server.faults.failNext(1, 502, { path: /OpenLock$/, latencyMs: 600 });
      const expiresAt = Date.now() + 500;
      const err = await answerOf(
        hub.command({ lockId: lockIdFor('smartphonekey', '101'), command: 'OPEN', expiresAt }),
      );
      assert.equal(err.code, 'timeout', err.message);
      assert.deepEqual(arrivals(emu.server, 'POST', /^\/locks\/101\/OpenLock$/, expiresAt).late, []);
    });
  });

  describe('the per-lock queue (test vendor)', () => {
    let f: HubFixture;
    afterEach(async () => f?.stop());

    it('a command waiting behind a slow one is answered expired at its expiry, and never sent', async () => {
      f = await startHubFixture({
        emulator: { commandDelayMs: 1_000 },
        hub: { commandTimeoutMs: 10_000, readbackDelaysMs: [500, 1_000, 2_000] },
      });
      const settled: string[] = [];
      const slow = f.hub.command({ lockId: 'testvendor_front', command: 'UNLOCK' }).then(
        () => settled.push('slow'),
        () => settled.push('slow failed'),
      );
      await until(() => f.emulator.commands.length === 1, 'the first command sent');
      const err = await answerOf(
        f.hub.command({ lockId: 'testvendor_front', command: 'LOCK', expiresAt: Date.now() + 200 }),
      );
      settled.push('waiting');
      assert.equal(err.code, 'expired', err.message);
      await slow;
      assert.deepEqual(settled, ['waiting', 'slow'], 'answered before the command it waited behind');
      assert.deepEqual(
        f.emulator.commands.map((c) => c.command),
        ['unlock'],
      );
    });
  });
});
