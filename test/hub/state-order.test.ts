import assert from 'node:assert/strict';
import type { Lock, LockState } from '../../src/core/model';
import { LockCache } from '../../src/hub/reconcile';
import type { DriverLock } from '../../src/vendors/driver';
import { startHubFixture, type HubFixture } from '../support/hub-fixture';

function listed(state: LockState, battery: number | null = 80): DriverLock {
  return {
    vendorLockId: 'x',
    name: 'X',
    manufacturer: 'm',
    model: 'm',
    capabilities: ['lock', 'unlock'],
    status: { state, door: 'closed', battery, batteryLow: false, online: true, lastAction: null },
  };
}

describe('hub: readings are ordered by when they began', () => {
  it('a poll that began before a change only fills unknowns', () => {
    const cache = new LockCache();
    cache.reconcile('a', 'v', [listed('LOCKED', null)], 0, () => undefined);
    const since = cache.readingStart();
    cache.update('v_x', { state: 'UNLOCKED' }, 1);
    const events = cache.reconcile('a', 'v', [listed('LOCKED', 55)], 2, () => undefined, since);
    assert.equal(cache.get('v_x')?.status.state, 'UNLOCKED', 'the older reading does not undo the change');
    assert.equal(cache.get('v_x')?.status.battery, 55, 'but tells what we did not know');
    assert.equal(events.length, 1);
    // A reading that began after the change applies in full.
    const fresh = cache.readingStart();
    cache.reconcile('a', 'v', [listed('LOCKED', 55)], 3, () => undefined, fresh);
    assert.equal(cache.get('v_x')?.status.state, 'LOCKED');
  });

  it('a read-back older than a push is dropped; a newer one applies', () => {
    const cache = new LockCache();
    cache.reconcile('a', 'v', [listed('LOCKED')], 0, () => undefined);
    const since = cache.readingStart();
    cache.update('v_x', { state: 'UNLOCKED' }, 1);
    assert.equal(cache.update('v_x', { state: 'LOCKED' }, 2, since), undefined);
    assert.equal(cache.get('v_x')?.status.state, 'UNLOCKED');
    cache.update('v_x', { state: 'LOCKED' }, 3, cache.readingStart());
    assert.equal(cache.get('v_x')?.status.state, 'LOCKED');
  });

  it('while a command runs on a lock, polls leave its state alone', () => {
    const cache = new LockCache();
    cache.reconcile('a', 'v', [listed('LOCKED')], 0, () => undefined);
    cache.commandRunning('v_x', true);
    cache.update('v_x', { state: 'UNLOCKING' }, 1);
    cache.reconcile('a', 'v', [listed('LOCKED')], 2, () => undefined, cache.readingStart());
    assert.equal(cache.get('v_x')?.status.state, 'UNLOCKING');
    cache.commandRunning('v_x', false);
    cache.reconcile('a', 'v', [listed('LOCKED')], 3, () => undefined, cache.readingStart());
    assert.equal(cache.get('v_x')?.status.state, 'LOCKED');
  });
});

describe('hub: the state shown never goes backwards during a command (test vendor, real HTTP)', () => {
  let f: HubFixture;
  afterEach(async () => f?.stop());

  async function statesDuring(run: () => Promise<unknown>): Promise<LockState[]> {
    const seen: LockState[] = [];
    const off = f.hub.subscribe((e) => {
      // Consecutive events with the same state (a push adding who did it) count once.
      if (e.type !== 'state' || e.lock.id !== 'testvendor_front') return;
      const state = (e.lock as Lock).status.state;
      if (seen[seen.length - 1] !== state) seen.push(state);
    });
    try {
      await run();
    } finally {
      off();
    }
    return seen;
  }

  for (const push of [true, false]) {
    it(`a poll read before the unlock landed and answered while it runs is not shown (push ${push ? 'on' : 'off'})`, async () => {
      f = await startHubFixture({ emulator: { commandDelayMs: 400, push } });
      assert.equal((await f.hub.getLock('testvendor_front')).status.state, 'LOCKED');
      // The vendor reads the lock as locked now and answers the poll in 150 ms, while the unlock runs.
      f.emulator.server.faults.add({ count: 1, method: 'GET', path: /^\/locks$/, holdAnswerMs: 150 });
      const states = await statesDuring(async () => {
        const polled = f.hub.refresh();
        await waitUntil(() => f.emulator.server.requestsTo('GET', '/locks').length >= 2);
        const result = await f.hub.command({ lockId: 'testvendor_front', command: 'UNLOCK' });
        assert.equal(result.status.state, 'UNLOCKED');
        await polled;
      });
      assert.deepEqual(states, ['UNLOCKING', 'UNLOCKED']);
    });
  }

  it('a poll read before the command and answered after it ended does not undo it', async () => {
    f = await startHubFixture({ emulator: { commandDelayMs: 10 } });
    f.emulator.server.faults.add({ count: 1, method: 'GET', path: /^\/locks$/, holdAnswerMs: 600 });
    const states = await statesDuring(async () => {
      const polled = f.hub.refresh();
      await waitUntil(() => f.emulator.server.requestsTo('GET', '/locks').length >= 2);
      await f.hub.command({ lockId: 'testvendor_front', command: 'UNLOCK' });
      await polled;
    });
    assert.deepEqual(states, ['UNLOCKING', 'UNLOCKED']);
    assert.equal((await f.hub.getLock('testvendor_front')).status.state, 'UNLOCKED');
  });
});

async function waitUntil(check: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(check(), 'condition not reached');
}
