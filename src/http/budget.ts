import { AsyncLocalStorage } from 'node:async_hooks';
import { LockbridgeError } from '../core/errors';

export interface BudgetOptions {
  /** Burst size. */
  capacity: number;
  /** Tokens added per second. */
  refillPerSecond: number;
  /**
   * How long a request may wait for a token before it fails with rate_limited (default 15 min: bulk
   * work such as a code set to hundreds of locks queues rather than fails; interactive calls carry
   * their own deadline through their abort signal).
   */
  maxWaitMs?: number;
}

export type RequestPriority = 'high' | 'normal';

/**
 * The priority of the HTTP requests made inside a call chain. The hub runs lock commands under
 * 'high', so an unlock never waits behind a bulk code set, without drivers having to pass it along.
 */
export const requestPriority = new AsyncLocalStorage<RequestPriority>();

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
  deadline: number;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * A per-account request budget (token bucket). Every HTTP call of one account takes a token, so an
 * account never exceeds its vendor's rate whatever the number of locks and consumers. Waiting
 * requests are served in order, high priority first; a 429 pauses the whole bucket until the vendor's
 * Retry-After has passed.
 */
export class RequestBudget {
  private tokens: number;
  private last: number;
  private pausedUntil = 0;
  private readonly queues: Record<RequestPriority, Waiter[]> = { high: [], normal: [] };
  private timer?: NodeJS.Timeout;
  private readonly successListeners = new Set<() => void>();
  /** Total tokens taken (vendor calls attempted); benchmarks, tests and `bridge/health` read it. */
  taken = 0;
  /** Vendor calls that ended in an error answer or a transport failure (for `bridge/health`). */
  failed = 0;

  constructor(
    private readonly options: BudgetOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = options.capacity;
    this.last = now();
  }

  private refill(): void {
    const t = this.now();
    const elapsed = (t - this.last) / 1000;
    this.last = t;
    this.tokens = Math.min(this.options.capacity, this.tokens + elapsed * this.options.refillPerSecond);
  }

  /** Milliseconds until a token is free (0 = now), not counting requests already waiting. */
  delayMs(): number {
    this.refill();
    const pause = Math.max(0, this.pausedUntil - this.now());
    if (this.tokens >= 1) return pause;
    const need = ((1 - this.tokens) / this.options.refillPerSecond) * 1000;
    return Math.max(pause, Math.ceil(need));
  }

  get pending(): number {
    return this.queues.high.length + this.queues.normal.length;
  }

  /** Takes a token, waiting in line for one if needed. */
  take(
    signal?: AbortSignal,
    priority: RequestPriority = requestPriority.getStore() ?? 'normal',
  ): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.pending === 0 && this.delayMs() === 0) {
      this.tokens -= 1;
      this.taken++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        deadline: this.now() + (this.options.maxWaitMs ?? 15 * 60_000),
        signal,
      };
      if (signal) {
        waiter.onAbort = () => {
          this.remove(waiter);
          reject(signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.queues[priority].push(waiter);
      this.drain();
    });
  }

  private remove(waiter: Waiter): void {
    for (const q of Object.values(this.queues)) {
      const i = q.indexOf(waiter);
      if (i >= 0) q.splice(i, 1);
    }
    if (this.pending === 0 && this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private settle(waiter: Waiter): void {
    if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
  }

  private drain(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const now = this.now();
    for (const q of Object.values(this.queues)) {
      for (const w of q.filter((x) => x.deadline <= now)) {
        this.remove(w);
        this.settle(w);
        w.reject(
          new LockbridgeError('rate_limited', 'Request budget exhausted for this account', {
            retryAfterMs: this.delayMs(),
            retryable: true,
          }),
        );
      }
    }
    while (this.pending > 0 && this.delayMs() === 0) {
      const w = this.queues.high.shift() ?? this.queues.normal.shift();
      if (!w) break;
      this.tokens -= 1;
      this.taken++;
      this.settle(w);
      w.resolve();
    }
    if (this.pending > 0) {
      const nextDeadline =
        Math.min(...[...this.queues.high, ...this.queues.normal].map((w) => w.deadline)) - now;
      this.timer = setTimeout(() => this.drain(), Math.max(1, Math.min(this.delayMs(), nextDeadline)));
    }
  }

  /**
   * The HTTP layer reports each successful answer here: the budget is the one object every call of an
   * account passes, so it is where the account learns that the vendor answers again (the hub then
   * ends a poll backoff).
   */
  noteFailure(): void {
    this.failed++;
  }

  noteSuccess(): void {
    for (const listener of this.successListeners) listener();
  }

  onSuccess(listener: () => void): () => void {
    this.successListeners.add(listener);
    return () => this.successListeners.delete(listener);
  }

  /** Called on a 429: nobody on this account sends before the vendor allows it. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }
}
