import { LockbridgeError } from '../core/errors';

/**
 * Commands to one lock run one at a time, in arrival order; different locks run in parallel. The queue
 * only orders work: each task enforces its own expiry and timeout (see hub.ts), so a task waiting
 * behind a slow one is refused, not executed, if it expires meanwhile.
 */
export class CommandQueue {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly depth = new Map<string, number>();
  private closed = false;

  constructor(private readonly maxDepth = 50) {}

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    if (this.closed)
      return Promise.reject(new LockbridgeError('shutting_down', 'Lockbridge is shutting down'));
    const depth = this.depth.get(key) ?? 0;
    if (depth >= this.maxDepth) {
      return Promise.reject(
        new LockbridgeError('lock_busy', 'Too many commands are waiting for this lock', { lockId: key }),
      );
    }
    this.depth.set(key, depth + 1);
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(
      () => task(),
      () => task(),
    );
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      const left = (this.depth.get(key) ?? 1) - 1;
      if (left <= 0) {
        this.depth.delete(key);
        if (this.tails.get(key) === tail) this.tails.delete(key);
      } else this.depth.set(key, left);
    });
    return result;
  }

  /** Commands queued or running for a lock. */
  pending(key: string): number {
    return this.depth.get(key) ?? 0;
  }

  /** Commands queued or running, over all locks. */
  total(): number {
    let sum = 0;
    for (const depth of this.depth.values()) sum += depth;
    return sum;
  }

  /** Refuses new commands and waits for the running ones to settle. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.tails.values()]);
  }
}
