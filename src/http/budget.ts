import { LockbridgeError } from '../core/errors';
import { sleep } from '../core/clock';

export interface BudgetOptions {
  /** Burst size. */
  capacity: number;
  /** Tokens added per second. */
  refillPerSecond: number;
  /** How long a request may wait for a token before it fails with rate_limited. */
  maxWaitMs?: number;
}

/**
 * A per-account request budget (token bucket). Every HTTP call of one account takes a token, so an
 * account never exceeds its vendor's rate whatever the number of locks and consumers. A 429 pauses the
 * whole bucket until the vendor's Retry-After has passed.
 */
export class RequestBudget {
  private tokens: number;
  private last: number;
  private pausedUntil = 0;
  private waiters = 0;
  /** Total tokens taken; benchmarks and tests read it. */
  taken = 0;

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

  /** Milliseconds until a token is free (0 = now). */
  delayMs(): number {
    this.refill();
    const pause = Math.max(0, this.pausedUntil - this.now());
    if (this.tokens >= 1) return pause;
    const need = ((1 - this.tokens) / this.options.refillPerSecond) * 1000;
    return Math.max(pause, Math.ceil(need));
  }

  /** Takes a token, waiting for one if needed. */
  async take(signal?: AbortSignal): Promise<void> {
    const maxWait = this.options.maxWaitMs ?? 30_000;
    const started = this.now();
    this.waiters++;
    try {
      for (;;) {
        const delay = this.delayMs();
        if (delay === 0) {
          this.tokens -= 1;
          this.taken++;
          return;
        }
        if (this.now() - started + delay > maxWait) {
          throw new LockbridgeError('rate_limited', 'Request budget exhausted for this account', {
            retryAfterMs: delay,
            retryable: true,
          });
        }
        await sleep(Math.min(delay, 1000), signal);
      }
    } finally {
      this.waiters--;
    }
  }

  /** Called on a 429: nobody on this account sends before the vendor allows it. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  get pending(): number {
    return this.waiters;
  }
}
