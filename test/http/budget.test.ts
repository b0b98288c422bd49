import assert from 'node:assert/strict';
import { RequestBudget, requestPriority } from '../../src/http/budget';

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

describe('http: RequestBudget queue', () => {
  it('serves waiting requests in order, high priority first', async () => {
    const b = new RequestBudget({ capacity: 1, refillPerSecond: 50 });
    await b.take();
    const order: string[] = [];
    const waits = [
      b.take(undefined, 'normal').then(() => order.push('n1')),
      b.take(undefined, 'normal').then(() => order.push('n2')),
      b.take(undefined, 'high').then(() => order.push('h1')),
    ];
    await Promise.all(waits);
    assert.deepEqual(order, ['h1', 'n1', 'n2']);
    assert.equal(b.taken, 4);
  });

  it('takes the priority of the call chain from requestPriority', async () => {
    const b = new RequestBudget({ capacity: 1, refillPerSecond: 50 });
    await b.take();
    const order: string[] = [];
    const normal = b.take().then(() => order.push('normal'));
    const high = requestPriority.run('high', () => b.take()).then(() => order.push('high'));
    await Promise.all([normal, high]);
    assert.deepEqual(order, ['high', 'normal']);
  });

  it('lets a waiting request go when its signal aborts, and leaves no timer', async () => {
    const b = new RequestBudget({ capacity: 1, refillPerSecond: 0.001 });
    await b.take();
    const controller = new AbortController();
    const waiting = b.take(controller.signal);
    controller.abort(new Error('gave up'));
    await assert.rejects(waiting, /gave up/);
    assert.equal(b.pending, 0);
  });
});
