import { LockbridgeError } from './errors';
import { systemClock, type Clock } from './clock';

/** The reason code a `timeout` carries when a request went out and no answer came in time. */
export const OUTCOME_UNKNOWN = 'outcome_unknown';

/**
 * The least time a request must have left when it is written (default). A request needs time to reach
 * the vendor: one written 10 ms before the deadline arrives after it (40 ms late was seen on a loaded
 * machine, over loopback). Over the internet, allow more (commands.sendMarginMs).
 */
export const DEFAULT_SEND_MARGIN_MS = 250;

/**
 * The deadline of one lock command, carried from the hub down to the HTTP layer. Nothing that carries
 * it is sent after it: every wait (request budget, Retry-After, backoff, re-login, busy retry) and the
 * moment just before a request is written check it. Its signal aborts at the deadline, so a wait or an
 * unanswered request ends then rather than later.
 *
 * It also keeps what the vendor may have done, so the command ends with the right answer:
 *   - nothing that could act was sent, or every send was refused (4xx): `expired`, not executed;
 *   - a send went out and its answer did not say "not done": `timeout`, outcome unknown.
 */
export class CommandDeadline {
  private readonly controller = new AbortController();
  private readonly timer?: NodeJS.Timeout;
  /** Sends whose answer did not (yet) say the vendor left the lock alone. */
  private inDoubt = 0;

  constructor(
    /** Epoch ms: the last moment a request may be written. */
    readonly at: number,
    private readonly clock: Clock = systemClock,
    private readonly lockId?: string,
    /** A request is not written with less than this left before `at` (it would arrive late). */
    readonly sendMarginMs = 0,
    /**
     * Cluster mode: throws (not_ready) unless this process still holds the lock's account (its lease,
     * with the send margin). Checked with the deadline right before a request is written, so a
     * command is sent only if its deadline AND the lease hold: a stale owner's late call never goes out.
     */
    private readonly fence?: () => void,
  ) {
    const ms = at - clock.now();
    if (ms <= 0) this.fire();
    else {
      this.timer = setTimeout(() => this.fire(), ms);
      this.timer.unref?.();
    }
  }

  /** Aborts at the deadline (with the answer the command gets at that moment). */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  remainingMs(): number {
    return Math.max(0, this.at - this.clock.now());
  }

  /** The time left to write a request that must arrive before the deadline. */
  sendableMs(): number {
    return Math.max(0, this.remainingMs() - this.sendMarginMs);
  }

  /**
   * The last check before a request is written: throws the command's answer when the deadline has
   * come or is nearer than the send margin (the request would reach the vendor after it).
   */
  checkSend(): void {
    this.check();
    this.fence?.();
    if (this.sendMarginMs > 0 && this.remainingMs() < this.sendMarginMs) throw this.error();
  }

  /** True once the deadline has come, by the injected clock or by the timer. */
  passed(): boolean {
    if (!this.controller.signal.aborted && this.clock.now() >= this.at) this.fire();
    return this.controller.signal.aborted;
  }

  /** Throws the command's answer when the deadline has come: call it after every wait, before a send. */
  check(): void {
    if (this.passed()) throw this.error();
  }

  /** A request that may act on the lock is about to be written. */
  noteSent(): void {
    this.inDoubt++;
  }

  /** The vendor answered a send with a refusal that means nothing happened (429, 423, 401 ...). */
  noteRefused(): void {
    if (this.inDoubt > 0) this.inDoubt--;
  }

  /** Whether something that may have acted went out. */
  get outcomeUnknown(): boolean {
    return this.inDoubt > 0;
  }

  /** The answer of a command whose deadline came: expired (not executed) or timeout (outcome unknown). */
  error(): LockbridgeError {
    if (this.outcomeUnknown)
      return new LockbridgeError(
        'timeout',
        'The command was sent but its deadline passed before the vendor answered: outcome unknown; the lock state will follow when the vendor reports it',
        {
          lockId: this.lockId,
          reasons: [{ code: OUTCOME_UNKNOWN, message: 'Sent to the vendor; no answer before the deadline' }],
        },
      );
    return new LockbridgeError(
      'expired',
      'The command reached its deadline before it was sent; it was not executed',
      {
        lockId: this.lockId,
      },
    );
  }

  /** Stops the timer (the command ended). */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  private fire(): void {
    if (this.timer) clearTimeout(this.timer);
    if (!this.controller.signal.aborted) this.controller.abort(this.error());
  }
}

/** Resolves with the promise, or rejects with the deadline's answer when it comes first. */
export function beforeDeadline<T>(promise: Promise<T>, deadline: CommandDeadline | undefined): Promise<T> {
  if (!deadline) return promise;
  if (deadline.passed()) return Promise.reject(deadline.error());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(deadline.error());
    deadline.signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        deadline.signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        deadline.signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
