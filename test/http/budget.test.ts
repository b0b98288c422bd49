import assert from 'node:assert/strict';
import { RequestBudget } from '../../src/http/budget';

describe('http: RequestBudget', () => {
  it('gives a burst of capacity tokens, then refills at its rate', () => {
    let now = 0;
    const b = new RequestBudget({ capacity: 3, refillPerSecond: 2 }, () => now);
    assert.equal(b.delayMs(), 0);
    for (let i = 0; i < 3; i++) void b.take();
    assert.equal(b.taken, 3);
    assert.equal(b.delayMs(), 500);
    now += 500;
    assert.equal(b.delayMs(), 0);
  });

  it('pauses every request of the account after a 429', () => {
    let now = 0;
    const b = new RequestBudget({ capacity: 10, refillPerSecond: 10 }, () => now);
    b.pause(2000);
    assert.equal(b.delayMs(), 2000);
    now += 2000;
    assert.equal(b.delayMs(), 0);
  });
});
