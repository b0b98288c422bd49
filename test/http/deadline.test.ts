import assert from 'node:assert/strict';
import { CommandDeadline, OUTCOME_UNKNOWN } from '../../src/core/deadline';
import { LockbridgeError } from '../../src/core/errors';
import { EmulatorServer } from '../../src/emulators/kit';
import { RequestBudget } from '../../src/http/budget';
import { HttpClient } from '../../src/http/client';

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

async function answerOf(promise: Promise<unknown>): Promise<LockbridgeError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof LockbridgeError, String(err));
    return err;
  }
  assert.fail('expected a refusal');
}

describe('core: CommandDeadline (injected clock)', () => {
  it('passes by the clock, and answers expired until something that may act was sent', () => {
    const clock = manualClock();
    const deadline = new CommandDeadline(clock.now() + 1000, clock, 'lock-1');
    assert.equal(deadline.passed(), false);
    assert.equal(deadline.remainingMs(), 1000);
    clock.advance(1000);
    assert.equal(deadline.passed(), true);
    assert.equal(deadline.signal.aborted, true, 'the signal fires when the clock says so');
    assert.equal(deadline.error().code, 'expired');
    assert.match(deadline.error().message, /not executed/);
    deadline.noteSent();
    const unknown = deadline.error();
    assert.equal(unknown.code, 'timeout');
    assert.deepEqual(
      unknown.reasons.map((r) => r.code),
      [OUTCOME_UNKNOWN],
    );
    assert.equal(unknown.lockId, 'lock-1');
    deadline.noteRefused();
    assert.equal(deadline.error().code, 'expired', 'a refused send did nothing');
    deadline.dispose();
  });
});

describe('http: the deadline in HttpClient (injected clock, real server)', () => {
  let server: EmulatorServer;
  let url: string;
  beforeEach(async () => {
    server = new EmulatorServer({ name: 'x', errorShape: (status, message) => ({ status, message }) });
    server.route('PUT', '/lock', () => ({ status: 200, body: { ok: true } }));
    url = await server.listen();
  });
  afterEach(() => server.close());

  it('a budget paused past the deadline refuses at once, and nothing is sent', async () => {
    const clock = manualClock();
    const budget = new RequestBudget({ capacity: 5, refillPerSecond: 5 }, clock.now);
    budget.pause(5_000);
    const client = new HttpClient({ vendor: 'x', baseURL: url, budget });
    const deadline = new CommandDeadline(clock.now() + 1_000, clock);
    const err = await answerOf(client.request({ method: 'PUT', url: '/lock', deadline }));
    assert.equal(err.code, 'expired');
    assert.equal(server.requests.length, 0);
    deadline.dispose();
  });

  it('a deadline that passes while waiting for a token: the request is never written', async () => {
    const clock = manualClock();
    const budget = new RequestBudget({ capacity: 1, refillPerSecond: 1 }, clock.now);
    await budget.take();
    const client = new HttpClient({ vendor: 'x', baseURL: url, budget });
    // The token is due in 1 s by the budget's clock; the deadline is 2 s away.
    const deadline = new CommandDeadline(clock.now() + 2_000, clock);
    const pending = answerOf(client.request({ method: 'PUT', url: '/lock', deadline }));
    // The clock jumps past the deadline before the waiter is served.
    clock.advance(2_500);
    const err = await pending;
    assert.equal(err.code, 'expired');
    assert.equal(server.requests.length, 0);
    deadline.dispose();
  });

  it('a Retry-After beyond the deadline is not waited for, even where a retry is allowed', async () => {
    server.faults.rateLimit(1, 30);
    const client = new HttpClient({ vendor: 'x', baseURL: url, maxRetryWaitMs: 60_000 });
    const deadline = new CommandDeadline(Date.now() + 5_000);
    const err = await answerOf(client.request({ method: 'PUT', url: '/lock', deadline }));
    assert.equal(err.code, 'expired', 'the 429 says the vendor did nothing');
    assert.equal(server.requests.length, 1);
    deadline.dispose();
  });
});

describe('http: the send margin (a request must have time to reach the vendor)', () => {
  let server: EmulatorServer;
  let url: string;
  beforeEach(async () => {
    server = new EmulatorServer({ name: 'x', errorShape: (status, message) => ({ status, message }) });
    server.route('PUT', '/unlock', () => ({ status: 200, body: { ok: true } }));
    url = await server.listen();
  });
  afterEach(() => server.close());

  it('a request with less than the margin left is not written: expired, nothing at the vendor', async () => {
    const clock = manualClock();
    const client = new HttpClient({ vendor: 'x', baseURL: url });
    // 100 ms left, 250 ms needed to arrive in time.
    const deadline = new CommandDeadline(clock.now() + 100, clock, 'lock-1', 250);
    const err = await answerOf(client.request({ method: 'PUT', url: '/unlock', deadline }));
    assert.equal(err.code, 'expired');
    assert.equal(server.requests.length, 0);
    deadline.dispose();
  });

  it('a request with more than the margin left goes out', async () => {
    const clock = manualClock();
    const client = new HttpClient({ vendor: 'x', baseURL: url });
    const deadline = new CommandDeadline(clock.now() + 1_000, clock, 'lock-1', 250);
    const res = await client.request({ method: 'PUT', url: '/unlock', deadline });
    assert.equal(res.status, 200);
    assert.equal(server.requests.length, 1);
    deadline.dispose();
  });

  it('a budget wait that would leave less than the margin is refused at once', async () => {
    const clock = manualClock();
    const budget = new RequestBudget({ capacity: 5, refillPerSecond: 5 }, clock.now);
    budget.pause(800);
    const client = new HttpClient({ vendor: 'x', baseURL: url, budget });
    // The pause ends 200 ms before the deadline: too late to arrive with a 250 ms margin.
    const deadline = new CommandDeadline(clock.now() + 1_000, clock, 'lock-1', 250);
    const err = await answerOf(client.request({ method: 'PUT', url: '/unlock', deadline }));
    assert.equal(err.code, 'expired');
    assert.equal(server.requests.length, 0);
    deadline.dispose();
  });
});
