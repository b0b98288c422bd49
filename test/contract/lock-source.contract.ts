import assert from 'node:assert/strict';
import type { LockSource } from '../../src/core/lock-source';
import type { LockEvent } from '../../src/core/events';
import { LockbridgeError, type ErrorCode } from '../../src/core/errors';
import type { TestVendorEmulator } from '../support/test-vendor/emulator';

/** What a LockSource implementation gives the contract suite. */
export interface ContractFixture {
  source: LockSource;
  /** The test vendor emulator behind the source, seeded like startHubFixture (front, back, garage). */
  emulator: TestVendorEmulator;
  /** Whether an access-code engine is behind the source. */
  codes: boolean;
  teardown(): Promise<void>;
}

export async function rejectsWith(promise: Promise<unknown>, code: ErrorCode): Promise<LockbridgeError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof LockbridgeError, `expected a LockbridgeError, got ${String(err)}`);
    assert.equal(err.code, code, `expected ${code}, got ${err.code}: ${err.message}`);
    return err;
  }
  assert.fail(`expected a rejection with ${code}`);
}

function waitFor<E extends LockEvent>(
  source: LockSource,
  predicate: (e: LockEvent) => e is E,
  ms = 3000,
): Promise<E> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error('event did not arrive'));
    }, ms);
    const unsubscribe = source.subscribe((e) => {
      if (predicate(e)) {
        clearTimeout(timer);
        unsubscribe();
        resolve(e);
      }
    });
  });
}

/**
 * The behaviour every LockSource must have, whatever carries it (the in-process hub, MQTT ...).
 * Each implementation runs this suite with its own setup.
 */
export function describeLockSourceContract(name: string, setup: () => Promise<ContractFixture>): void {
  describe(`LockSource contract: ${name}`, function () {
    this.timeout(15_000);
    let f: ContractFixture;
    beforeEach(async () => {
      f = await setup();
    });
    afterEach(async () => {
      await f.teardown();
    });

    it('lists every lock with its vendor, name, capabilities and state', async () => {
      const locks = await f.source.listLocks();
      const ids = locks.map((l) => l.id).sort();
      assert.deepEqual(ids, ['testvendor_back', 'testvendor_front', 'testvendor_garage']);
      const front = locks.find((l) => l.id === 'testvendor_front');
      assert.ok(front);
      assert.equal(front.name, 'Front Door');
      assert.equal(front.vendor, 'testvendor');
      assert.ok(front.capabilities.includes('open'));
      assert.equal(front.status.state, 'LOCKED');
      assert.equal(front.status.door, 'closed');
      assert.equal(front.status.battery, 90);
      const back = locks.find((l) => l.id === 'testvendor_back');
      assert.equal(back?.status.state, 'UNLOCKED');
    });

    it('gets one lock, and rejects an unknown one with not_found', async () => {
      const lock = await f.source.getLock('testvendor_garage');
      assert.equal(lock.status.door, 'open');
      await rejectsWith(f.source.getLock('testvendor_nope'), 'not_found');
    });

    it('unlocks, confirms the new state, and sends the command exactly once', async () => {
      const result = await f.source.command({
        lockId: 'testvendor_front',
        command: 'UNLOCK',
        transaction: 't-1',
      });
      assert.equal(result.status.state, 'UNLOCKED');
      assert.equal(result.transaction, 't-1');
      assert.ok(['push', 'readback', 'response'].includes(result.confirmedBy));
      assert.equal(f.emulator.commands.filter((c) => c.command === 'unlock').length, 1);
      assert.equal((await f.source.getLock('testvendor_front')).status.state, 'UNLOCKED');
    });

    it('refuses an expired command without sending it', async () => {
      await rejectsWith(
        f.source.command({ lockId: 'testvendor_front', command: 'UNLOCK', expiresAt: Date.now() - 1000 }),
        'expired',
      );
      assert.equal(f.emulator.commands.length, 0);
    });

    it('answers not_supported for a command the lock cannot do', async () => {
      await rejectsWith(f.source.command({ lockId: 'testvendor_back', command: 'OPEN' }), 'not_supported');
      assert.equal(f.emulator.commands.length, 0);
    });

    it('answers invalid_input for an unknown command and not_found for an unknown lock', async () => {
      await rejectsWith(
        f.source.command({ lockId: 'testvendor_front', command: 'EXPLODE' as 'LOCK' }),
        'invalid_input',
      );
      await rejectsWith(f.source.command({ lockId: 'testvendor_nope', command: 'LOCK' }), 'not_found');
    });

    it('reports lock_offline when the lock cannot be reached', async () => {
      f.emulator.locks.get('back')!.online = false;
      await rejectsWith(f.source.command({ lockId: 'testvendor_back', command: 'LOCK' }), 'lock_offline');
    });

    it('emits a state event and the activity when someone locks by hand', async () => {
      const state = waitFor(
        f.source,
        (e): e is Extract<LockEvent, { type: 'state' }> =>
          e.type === 'state' && e.lock.id === 'testvendor_back' && e.lock.status.state === 'LOCKED',
      );
      const activity = waitFor(
        f.source,
        (e): e is Extract<LockEvent, { type: 'activity' }> =>
          e.type === 'activity' && e.lockId === 'testvendor_back',
      );
      f.emulator.physical('back', 'locked', 'Bob');
      const [s, a] = await Promise.all([state, activity]);
      assert.equal(s.previous.state, 'UNLOCKED');
      assert.equal(a.action.who, 'Bob');
      assert.equal(a.action.how, 'manual');
    });

    it('answers not_supported for codes on a lock without keypad and for sharing the test vendor cannot do', async () => {
      await rejectsWith(f.source.listCodes('testvendor_garage'), 'not_supported');
      await rejectsWith(
        f.source.share({ kind: 'duplicate', lockId: 'testvendor_front', toLockHolderId: 'x' }),
        'not_supported',
      );
    });

    it('manages an access code end to end when an access-code engine is behind it', async function () {
      if (!f.codes) this.skip();
      const created = await f.source.createCode('testvendor_front', { name: 'Guest', code: '4826' });
      assert.equal(created.outcome, 'confirmed');
      const codes = await f.source.listCodes('testvendor_front');
      assert.ok(codes.some((c) => c.name === 'Guest'));
      const validation = await f.source.validateCode('testvendor_front', { name: 'Guest 2', code: '12' });
      assert.equal(validation.ok, false);
      assert.ok(validation.reasons.length > 0);
      const deleted = await f.source.deleteCode('testvendor_front', created.code.id);
      assert.equal(deleted.outcome, 'confirmed');
    });
  });
}
