import assert from 'node:assert/strict';
import { mergeLastAction } from '../../src/hub/lock-state';
import { LockCache } from '../../src/hub/reconcile';
import type { DriverLock } from '../../src/vendors/driver';

describe('hub: lock state', () => {
  const at = '2026-11-21T10:00:00.000Z';
  const soon = '2026-11-21T10:00:02.000Z';

  it('keeps who did it when a nameless report of the same action follows', () => {
    const known = { action: 'UNLOCKED' as const, who: 'Alex', how: 'remote' as const, at };
    assert.equal(mergeLastAction(known, { action: 'UNLOCKED', how: 'remote', at: soon }), known);
    assert.equal(mergeLastAction(known, undefined), known);
    const other = { action: 'LOCKED' as const, how: 'manual' as const, at: soon };
    assert.equal(mergeLastAction(known, other), other);
    const later = { action: 'UNLOCKED' as const, how: 'keypad' as const, at: '2026-11-21T11:00:00.000Z' };
    assert.equal(mergeLastAction(known, later), later);
  });

  it('applies it to status updates in the cache', () => {
    const cache = new LockCache();
    const d: DriverLock = {
      vendorLockId: 'x',
      name: 'X',
      manufacturer: 'm',
      model: 'm',
      capabilities: ['lock'],
      status: {
        state: 'LOCKED',
        door: 'closed',
        battery: 50,
        batteryLow: false,
        online: true,
        lastAction: null,
      },
    };
    cache.reconcile('a', 'v', [d], 0, () => undefined);
    cache.update(
      'v_x',
      { state: 'UNLOCKED', lastAction: { action: 'UNLOCKED', who: 'Alex', how: 'remote', at } },
      1,
    );
    cache.update('v_x', { lastAction: { action: 'UNLOCKED', how: 'remote', at: soon } }, 2);
    assert.equal(cache.get('v_x')?.status.lastAction?.who, 'Alex');
    assert.equal(cache.idOf('a', 'x'), 'v_x');
  });
});
