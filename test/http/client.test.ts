import assert from 'node:assert/strict';
import { EmulatorServer } from '../../src/emulators/kit';
import { HttpClient } from '../../src/http/client';
import { RequestBudget } from '../../src/http/budget';
import { backoffMs, isRetryable, parseRetryAfter } from '../../src/http/retry';
import { LockbridgeError } from '../../src/core/errors';
import { MemorySink, RedactingLogger } from '../../src/core/logger';
import { Redactor } from '../../src/core/redact';
import { rejectsWith } from '../contract/lock-source.contract';

describe('http: retry rules', () => {
  it('retries refused connections for any request, 429/5xx/resets/timeouts only when idempotent', () => {
    assert.equal(isRetryable({ kind: 'status', status: 429 }, false), false);
    assert.equal(isRetryable({ kind: 'status', status: 429 }, true), true);
    assert.equal(isRetryable({ kind: 'refused' }, false), true);
    for (const status of [502, 503]) {
      assert.equal(isRetryable({ kind: 'status', status }, true), true);
      assert.equal(isRetryable({ kind: 'status', status }, false), false);
    }
    assert.equal(isRetryable({ kind: 'timeout' }, false), false);
    assert.equal(isRetryable({ kind: 'reset' }, false), false);
    assert.equal(isRetryable({ kind: 'timeout' }, true), true);
    assert.equal(isRetryable({ kind: 'status', status: 500 }, true), false);
    assert.equal(isRetryable({ kind: 'status', status: 404 }, true), false);
  });

  it('backs off exponentially with jitter, and a longer Retry-After wins', () => {
    const policy = { retries: 5, baseDelayMs: 100, maxDelayMs: 1000 };
    assert.equal(
      backoffMs(0, policy, undefined, () => 0),
      50,
    );
    assert.equal(
      backoffMs(0, policy, undefined, () => 1),
      100,
    );
    assert.equal(
      backoffMs(3, policy, undefined, () => 1),
      800,
    );
    assert.equal(
      backoffMs(10, policy, undefined, () => 1),
      1000,
    );
    assert.equal(
      backoffMs(0, policy, 5000, () => 1),
      5000,
    );
    assert.equal(parseRetryAfter('2'), 2000);
    // An HTTP date is read against one injected clock reading (HTTP dates have whole seconds).
    const now = Date.parse('2026-11-26T10:00:00.000Z');
    assert.equal(parseRetryAfter(new Date(now + 3000).toUTCString(), now), 3000);
    assert.equal(parseRetryAfter(new Date(now - 3000).toUTCString(), now), 0);
    assert.equal(parseRetryAfter('soon'), undefined);
  });
});

describe('http: HttpClient against a real server', () => {
  let server: EmulatorServer;
  let url: string;
  let hits = 0;
  beforeEach(async () => {
    hits = 0;
    server = new EmulatorServer({ name: 'x', errorShape: (status, message) => ({ status, message }) });
    server.route('GET', '/thing', () => ({ status: 200, body: { ok: true, n: ++hits } }));
    server.route('POST', '/unlock', () => ({ status: 200, body: { n: ++hits } }));
    server.route('GET', '/slow', async () => {
      hits++;
      await new Promise((r) => setTimeout(r, 300));
      return { status: 200, body: {} };
    });
    server.route('POST', '/slow', async () => {
      hits++;
      await new Promise((r) => setTimeout(r, 300));
      return { status: 200, body: {} };
    });
    url = await server.listen();
  });
  afterEach(() => server.close());

  const client = (extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) =>
    new HttpClient({
      vendor: 'x',
      baseURL: url,
      retry: { retries: 3, baseDelayMs: 5, maxDelayMs: 20 },
      ...extra,
    });

  it('waits for Retry-After on a 429, then succeeds', async () => {
    server.faults.rateLimit(1, 1);
    const started = Date.now();
    const res = await client().request<{ ok: boolean }>({ method: 'GET', url: '/thing' });
    assert.equal(res.data.ok, true);
    assert.ok(Date.now() - started >= 950, 'the retry waited for Retry-After');
    assert.equal(server.requestsTo('GET', '/thing').length, 2);
  });

  it('never retries a non-idempotent request after a 429: the caller gets rate_limited', async () => {
    server.faults.rateLimit(1, 0);
    const err = await rejectsWith(client().request({ method: 'POST', url: '/unlock' }), 'rate_limited');
    assert.equal(err.retryAfterMs, 0);
    assert.equal(server.requestsTo('POST', '/unlock').length, 1);
  });

  it('retries an idempotent GET on 502/503 and a dropped connection', async () => {
    server.faults.failNext(1, 502).failNext(1, 503).dropNext(1);
    const res = await client().request<{ n: number }>({ method: 'GET', url: '/thing' });
    assert.equal(res.data.n, 1);
    assert.equal(server.requestsTo('GET', '/thing').length, 4);
  });

  it('never retries a non-idempotent call after a 502, a drop or a timeout', async () => {
    server.faults.failNext(1, 502);
    await rejectsWith(client().request({ method: 'POST', url: '/unlock' }), 'vendor_unavailable');
    server.faults.dropNext(1);
    // A drop after the write is an unknown outcome, answered like no answer at all.
    const dropped = await rejectsWith(client().request({ method: 'POST', url: '/unlock' }), 'timeout');
    assert.deepEqual(
      dropped.reasons.map((r) => r.code),
      ['outcome_unknown'],
    );
    await rejectsWith(client().request({ method: 'POST', url: '/slow', timeoutMs: 100 }), 'timeout');
    await new Promise((r) => setTimeout(r, 350));
    assert.equal(server.requestsTo('POST', '/unlock').length, 2);
    assert.equal(server.requestsTo('POST', '/slow').length, 1, 'the timed-out POST was sent once');
  });

  it('a PUT marked idempotent: false is not retried', async () => {
    server.route('PUT', '/op', () => ({ status: 200, body: {} }));
    server.faults.failNext(1, 503);
    await rejectsWith(
      client().request({ method: 'PUT', url: '/op', idempotent: false }),
      'vendor_unavailable',
    );
    assert.equal(server.requestsTo('PUT', '/op').length, 1);
  });

  it('maps statuses to error codes and fails fast on a long Retry-After', async () => {
    for (const [status, code] of [
      [401, 'auth_failed'],
      [403, 'forbidden'],
      [404, 'not_found'],
      [423, 'lock_busy'],
      [501, 'not_supported'],
    ] as const) {
      server.faults.failNext(1, status);
      await rejectsWith(client().request({ method: 'GET', url: '/thing' }), code);
    }
    server.faults.rateLimit(1, 120);
    const err = await rejectsWith(client().request({ method: 'GET', url: '/thing' }), 'rate_limited');
    assert.equal(err.retryAfterMs, 120_000);
  });

  it('never puts a secret in an error or a log line', async () => {
    const sink = new MemorySink();
    const redactor = new Redactor();
    const secret = 'sk_live_SUPERSECRET_123';
    redactor.addSecret(secret);
    const c = client({
      logger: new RedactingLogger(sink, { redactor }),
      redactor,
      headers: { authorization: `Bearer ${secret}` },
    });
    server.faults.failNext(1, 401, { message: `bad token ${secret}` });
    const err = await rejectsWith(
      c.request({ method: 'GET', url: `/thing?api_key=${secret}` }),
      'auth_failed',
    );
    const everything = `${err.message} ${JSON.stringify(err)} ${JSON.stringify(err.toJSON())} ${sink.text()}`;
    assert.ok(!everything.includes(secret), everything);
    assert.ok(
      server.requests.at(-1)?.headers.authorization?.includes(secret),
      'the secret did reach the server',
    );
  });

  it('spends one budget token per request sent, and waits when the bucket is empty', async () => {
    const budget = new RequestBudget({ capacity: 2, refillPerSecond: 10 });
    const c = client({ budget });
    const started = Date.now();
    await Promise.all([1, 2, 3, 4].map(() => c.request({ method: 'GET', url: '/thing' })));
    assert.equal(budget.taken, 4);
    assert.ok(Date.now() - started >= 150, 'two requests waited for refill');
  });

  it('fails with rate_limited when the budget cannot give a token in time', async () => {
    const budget = new RequestBudget({ capacity: 1, refillPerSecond: 0.01, maxWaitMs: 100 });
    const c = client({ budget });
    await c.request({ method: 'GET', url: '/thing' });
    const err = await c.request({ method: 'GET', url: '/thing' }).catch((e: unknown) => e);
    assert.ok(err instanceof LockbridgeError && err.code === 'rate_limited');
    assert.equal(hits, 1);
  });
});
