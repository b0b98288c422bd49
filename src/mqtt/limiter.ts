import { LockbridgeError } from '../core/errors';

/**
 * Caps how many requests run at once, so a flood of MQTT messages cannot queue unbounded work: past the
 * cap, a request is answered with rate_limited at once.
 */
export class InFlightLimiter {
  private running = 0;
  private readonly idle = new Set<() => void>();

  constructor(private readonly max: number) {}

  /** Requests running now (for `bridge/health`). */
  get inFlight(): number {
    return this.running;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.max)
      throw new LockbridgeError('rate_limited', `More than ${this.max} requests are running; try again`, {
        retryAfterMs: 1000,
        retryable: true,
      });
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      if (this.running === 0) for (const resolve of [...this.idle]) resolve();
    }
  }

  get size(): number {
    return this.running;
  }

  /** Resolves when nothing runs (stop waits for answers in flight, within its own timeout). */
  whenIdle(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.idle.delete(done);
        resolve();
      };
      this.idle.add(done);
    });
  }
}
