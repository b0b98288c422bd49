/** Which failures may be retried, and how long to wait. Pure functions, tested on their own. */

export interface RetryPolicy {
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 250, maxDelayMs: 10_000 };

export type FailureKind =
  | { kind: 'status'; status: number; retryAfterMs?: number }
  /** The connection was refused: the request never reached the server. */
  | { kind: 'refused' }
  /** Reset or closed mid-request: the server may or may not have acted on it. */
  | { kind: 'reset' }
  | { kind: 'timeout' };

/**
 * A request may be retried when it never reached the vendor (connection refused), or when acting twice
 * is harmless (idempotent requests, including a command the vendor dedupes by our request id, on 429,
 * 502, 503, resets and timeouts). A non-idempotent call (an unlock, a code create) is never retried
 * after a 429, a 5xx, a reset or a timeout: the caller gets the answer and decides, with its deadline.
 */
export function isRetryable(failure: FailureKind, idempotent: boolean): boolean {
  switch (failure.kind) {
    case 'refused':
      return true;
    case 'status':
      return (
        idempotent &&
        (failure.status === 429 || failure.status === 502 || failure.status === 503 || failure.status === 504)
      );
    case 'reset':
    case 'timeout':
      return idempotent;
  }
}

/** Exponential backoff with full jitter; a Retry-After from the vendor wins when it is longer. */
export function backoffMs(
  attempt: number,
  policy: RetryPolicy,
  retryAfterMs?: number,
  random = Math.random,
): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  const jittered = Math.round(exp / 2 + random() * (exp / 2));
  return retryAfterMs !== undefined ? Math.max(retryAfterMs, jittered) : jittered;
}

/** Parses Retry-After: seconds, or an HTTP date. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const s = String(value).trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const date = Date.parse(s);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
