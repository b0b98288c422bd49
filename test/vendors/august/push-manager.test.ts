import assert from 'node:assert/strict';
import { PushResyncSchedule } from '../../../src/vendors/august/push-manager';
import { Backoff } from '../../../src/vendors/august/live';

describe('august push: resync schedule and reconnect backoff', () => {
  it('lists from the API while push is down or nothing is cached; from the cache until the resync is due', () => {
    const s = new PushResyncSchedule(30 * 60_000);
    assert.equal(s.needsFullListing(0, true, true), true, 'never listed');
    s.markFull(0, s.beginFull());
    assert.equal(s.needsFullListing(1000, false, true), true, 'push down');
    assert.equal(s.needsFullListing(1000, true, false), true, 'nothing cached');
    assert.equal(s.needsFullListing(30 * 60_000 - 1, true, true), false);
    assert.equal(s.needsFullListing(30 * 60_000, true, true), true, 'the slow resync');
  });

  it('a resync asked for while a listing runs is not consumed by that listing', () => {
    const s = new PushResyncSchedule(30 * 60_000);
    s.markFull(0, s.beginFull());
    const g = s.beginFull();
    s.requestResync(); // push came back while the listing was in flight
    s.markFull(10, g);
    assert.equal(s.needsFullListing(20, true, true), true);
    s.markFull(20, s.beginFull());
    assert.equal(s.needsFullListing(30, true, true), false);
  });

  it('backoff doubles up to its ceiling, with jitter within 20 % but never above the ceiling, and starts over after reset', () => {
    const low = new Backoff(1000, 60_000, () => 0);
    assert.deepEqual(
      [1, 2, 3, 4].map(() => low.next()),
      [800, 1600, 3200, 6400],
    );
    const high = new Backoff(1000, 60_000, () => 1);
    for (let i = 0; i < 10; i++) high.next();
    assert.equal(high.next(), 60_000, 'never above the ceiling');
    high.reset();
    assert.equal(high.next(), 1200);
  });
});
