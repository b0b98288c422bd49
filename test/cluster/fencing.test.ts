import assert from 'node:assert/strict';
import { LockHub } from '../../src/hub/hub';
import { EventFanout, type Unsubscribe } from '../../src/core/events';
import { LockbridgeError } from '../../src/core/errors';
import { MemorySink, RedactingLogger } from '../../src/core/logger';
import { MemoryStorage } from '../../src/core/storage';
import type { VendorAccountConfig } from '../../src/config/types';
import type { AccountOwnership, OwnershipChange } from '../../src/hub/ownership';
import { TestVendorEmulator } from '../support/test-vendor/emulator';
import { testVendorFactory } from '../support/test-vendor/driver';

/** An ownership the test turns on and off: `valid` is what the lease's local deadline says. */
class TestOwnership implements AccountOwnership {
  valid = true;
  private readonly changes = new EventFanout<OwnershipChange>(() => undefined);
  tokenOf(): number | undefined {
    return this.valid ? 7 : undefined;
  }
  check(account: string): number {
    if (!this.valid) throw new LockbridgeError('not_ready', `not holding ${account}`);
    return 7;
  }
  subscribe(listener: (change: OwnershipChange) => void): Unsubscribe {
    return this.changes.subscribe(listener);
  }
  emit(change: OwnershipChange): void {
    this.changes.emit(change);
  }
}

/**
 * The lease check sits with the deadline, right before a request is written: a command that waited
 * (here for the account's request budget) while its daemon's lease ran out is never sent.
 */
describe('cluster: the lease fences every vendor call (hub over the test vendor)', function () {
  this.timeout(20_000);
  let emulator: TestVendorEmulator;
  let hub: LockHub | undefined;
  let ownership: TestOwnership;

  beforeEach(async () => {
    emulator = new TestVendorEmulator();
    const url = await emulator.start();
    emulator.addLock({ id: 'front', name: 'Front Door', canOpen: true });
    ownership = new TestOwnership();
    hub = new LockHub({
      accounts: [
        {
          vendor: 'testvendor',
          id: 'tv',
          apiKey: emulator.apiKey,
          baseUrl: url,
          // One call, then one every 1.5 s: a command waits for the budget after the first poll.
          budget: { capacity: 1, refillPerSecond: 0.66 },
        } as unknown as VendorAccountConfig,
      ],
      drivers: { testvendor: testVendorFactory },
      storage: new MemoryStorage(),
      logger: new RedactingLogger(new MemorySink()),
      pollIntervalMs: 600_000,
      readbackDelaysMs: [50, 100, 200],
      commandTimeoutMs: 10_000,
      ownership,
    });
    await hub.start();
  });
  afterEach(async () => {
    await hub?.stop();
    await emulator.stop();
  });

  it('refuses not_ready, unsent, a command whose lease lapsed while it waited for the budget', async () => {
    const lockId = (await hub!.listLocks())[0].id;
    const waiting = hub!.command({ lockId, command: 'UNLOCK' });
    // The command passed every check and waits for the budget; the lease's local deadline passes.
    while (hub!.health().accounts[0].waitingCalls === 0) await new Promise((r) => setTimeout(r, 5));
    ownership.valid = false;
    await assert.rejects(waiting, (e: LockbridgeError) => e.code === 'not_ready');
    assert.deepEqual(emulator.commands, [], 'nothing reached the vendor');
  });

  it('sends when the lease holds, and refuses at once when it does not', async () => {
    const lockId = (await hub!.listLocks())[0].id;
    ownership.valid = false;
    await assert.rejects(
      hub!.command({ lockId, command: 'UNLOCK' }),
      (e: LockbridgeError) => e.code === 'not_ready',
    );
    ownership.valid = true;
    const result = await hub!.command({ lockId, command: 'UNLOCK' });
    assert.equal(result.status.state, 'UNLOCKED');
    assert.equal(emulator.commands.length, 1);
  });

  it('a lost account leaves the hub at once: no lock, a command answered not_ready, nothing sent', async () => {
    const lockId = (await hub!.listLocks())[0].id;
    const events: string[] = [];
    hub!.subscribe((e) => events.push(e.type === 'lock_removed' ? `removed:${String(e.handover)}` : e.type));
    ownership.valid = false;
    ownership.emit({ account: 'tv', held: false, token: 7 });
    assert.deepEqual(await hub!.listLocks(), []);
    assert.ok(events.includes('removed:true'), 'the removal is marked as a handover');
    await assert.rejects(
      hub!.command({ lockId, command: 'UNLOCK' }),
      (e: LockbridgeError) => e.code === 'not_ready',
    );
    assert.deepEqual(emulator.commands, []);
  });
});
