/*
 * The deadline chain: how "nothing is sent after the deadline" holds at every layer.
 *
 * 1. Here, a command gets its deadline: the earlier of its expiry (expiresAt, or arrival + the default
 *    expiry) and its start + its timeout (after that it is answered, so a send would be unowned).
 *    A CommandDeadline (src/core/deadline.ts) holds that instant and an AbortSignal that fires at it.
 *    The per-lock queue checks expiry before a command starts; a command that waited too long is
 *    refused `expired` and never reaches the driver.
 * 2. The driver gets { deadline, signal } in CommandOptions and passes the deadline on the request that
 *    acts (HttpRequest.deadline). Its own waits are bounded by it: August's re-login after a 401 and
 *    token refresh (beforeDeadline: the login goes on for the account, the command stops waiting),
 *    and the 423 busy retry (not waited for when it would end after the deadline).
 * 3. HttpClient (src/http/client.ts) checks the deadline after every wait: before asking the request
 *    budget (a 429 pause of the whole account that outlasts the deadline refuses at once, and a token
 *    wait is aborted by the signal), after the token, and after each Retry-After or backoff; the last
 *    check is right before axios writes the request. A retry whose wait would end after the deadline
 *    is not waited for. An unlock is never retried after a 429, a 5xx, a reset or a timeout, unless
 *    the vendor dedupes it by our request id (SmartphoneKey OpenLock is marked idempotent for that).
 * 4. The answer says what happened. The deadline notes each request written that may act, and each
 *    answer that says the vendor did nothing (a 4xx, a refused connection). When the deadline comes:
 *      - nothing went out, or every send was refused: `expired`, "not executed";
 *      - a send went out and no answer said "not done" (in flight, or accepted and still pending):
 *        `timeout` with reason `outcome_unknown`. The in-flight request is aborted; the lock's true
 *        state follows through the normal state events (push, the background read-back below, polls).
 *    Once the vendor has answered in time, the deadline is done: confirmation is reads only, bounded
 *    by the command timeout.
 * 5. State ordering (item 11): a reading (poll, read-back) notes where it began in the cache's write
 *    sequence; one that began before the command's last change only fills unknowns, and polls leave a
 *    lock alone while a command runs on it (LockCache). So the state shown never goes backwards.
 * 6. After a failed command the transitional state is replaced at once by what we knew (UNKNOWN after
 *    a timeout, when the vendor may have acted), and the truth is read in the background, so a
 *    rate-limit pause never delays the answer and the shown state never goes backwards.
 */
import { randomUUID } from 'node:crypto';
import { LockbridgeError, toLockbridgeError } from '../core/errors';
import { CommandDeadline, DEFAULT_SEND_MARGIN_MS } from '../core/deadline';
import type { Clock } from '../core/clock';
import type { CommandRequest, CommandResult, Confirmation, Lock, LockStatus } from '../core/model';
import { LOCK_COMMANDS, hasCapability } from '../core/model';
import type { Logger } from '../core/logger';
import type { VendorDriver } from '../vendors/driver';
import { CommandQueue } from './command-queue';
import { requestPriority } from '../http/budget';
import { COMMAND_CAPABILITY, commandTarget } from './lock-state';

export interface CommandRunnerDeps {
  clock: Clock;
  logger: Logger;
  timeoutMs: number;
  expiryMs: number;
  /** A request is not written with less than this left before the deadline (default 250 ms). */
  sendMarginMs?: number;
  /** Delays between read-backs while confirming a command. */
  readbackDelaysMs: number[];
  getLock(lockId: string): Lock;
  /** Throws not_ready when this process may not act on the lock's account (cluster mode). */
  driverFor(lockId: string): {
    driver: VendorDriver;
    vendorLockId: string;
    ready: boolean;
    /** Cluster mode: the lease check the deadline runs right before each request is written. */
    fence?: () => void;
  };
  /** Applies a change the command made (its transitional state, the vendor's answer) and emits it. */
  applyStatus(lockId: string, patch: Partial<LockStatus>): Lock;
  /** Where a reading starts, to be handed back with its result (see LockCache). */
  readingStart(): number;
  /** Applies a reading that started at `since`: if the lock changed since, it only fills unknowns. */
  applyReading(lockId: string, status: Partial<LockStatus>, since: number): Lock;
  /** A command starts or ends on a lock: polls leave its state alone meanwhile. */
  commandRunning(lockId: string, running: boolean): void;
  /** Resolves when the cached lock satisfies the predicate (a push arrived), or never. */
  waitForPush(lockId: string, predicate: (lock: Lock) => boolean, signal: AbortSignal): Promise<Lock>;
}

/**
 * Runs lock commands: validation, per-lock serial order, expiry (a command that waited past its expiry
 * is refused, never sent), a timeout on the whole command, and confirmation of the new state by the
 * vendor's answer, a push, or read-back. Every command ends in a result or a typed error.
 */
export class CommandRunner {
  private readonly queue = new CommandQueue();
  private readonly inFlight = new Set<AbortController>();
  /** Read-backs after a failed command, which go on after its answer; stop() ends them. */
  private readonly restoring = new Set<Promise<void>>();
  private readonly closing = new AbortController();

  constructor(private readonly deps: CommandRunnerDeps) {}

  /** Commands queued or running, over all locks (for `bridge/health`). */
  queued(): number {
    return this.queue.total();
  }

  async run(request: CommandRequest): Promise<CommandResult> {
    if (
      !request ||
      typeof request !== 'object' ||
      !(LOCK_COMMANDS as readonly string[]).includes(request.command)
    ) {
      throw new LockbridgeError('invalid_input', `Unknown command; use one of ${LOCK_COMMANDS.join(', ')}`);
    }
    const lock = this.deps.getLock(request.lockId);
    if (request.command !== 'STATUS' && !hasCapability(lock, COMMAND_CAPABILITY[request.command])) {
      throw new LockbridgeError('not_supported', `${lock.name} cannot ${request.command.toLowerCase()}`, {
        lockId: lock.id,
        vendor: lock.vendor,
      });
    }
    const now = this.deps.clock.now();
    const expiresAt = request.expiresAt ?? now + this.deps.expiryMs;
    if (expiresAt <= now) throw this.expired(lock.id);
    // A command waiting behind others on its lock is answered `expired` at its expiry, not when its
    // turn comes; when the turn comes it is skipped.
    const waiting = new CommandDeadline(expiresAt, this.deps.clock, lock.id);
    let started = false;
    const turn = this.queue.run(lock.id, () => {
      if (waiting.passed()) throw this.expired(lock.id);
      started = true;
      waiting.dispose();
      // Under 'high' priority, the command's requests (and its read-backs) pass bulk work such as
      // code sets and polls in the account's request budget.
      return requestPriority.run('high', () => this.execute(request, expiresAt));
    });
    try {
      return await Promise.race([
        turn,
        new Promise<never>((_, reject) =>
          waiting.signal.addEventListener(
            'abort',
            () => {
              if (!started) reject(this.expired(lock.id));
            },
            { once: true },
          ),
        ),
      ]);
    } finally {
      waiting.dispose();
    }
  }

  private expired(lockId: string): LockbridgeError {
    return new LockbridgeError(
      'expired',
      'The command expired before it could be sent; it was not executed',
      { lockId },
    );
  }

  private async execute(request: CommandRequest, expiresAt: number): Promise<CommandResult> {
    const started = this.deps.clock.now();
    // Checked again here: the command may have waited behind others.
    if (started >= expiresAt) throw this.expired(request.lockId);
    const { driver, vendorLockId, ready, fence } = this.deps.driverFor(request.lockId);
    if (!ready) {
      throw new LockbridgeError('vendor_unavailable', 'The account of this lock is not connected', {
        lockId: request.lockId,
      });
    }
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timeoutMs = request.timeoutMs ?? this.deps.timeoutMs;
    const timer = setTimeout(
      () =>
        controller.abort(
          new LockbridgeError('timeout', `No confirmation within ${timeoutMs} ms`, {
            lockId: request.lockId,
          }),
        ),
      timeoutMs,
    );
    // Nothing is sent after the expiry, nor after the command's own timeout (it is answered by then).
    const deadline = new CommandDeadline(
      Math.min(expiresAt, started + timeoutMs),
      this.deps.clock,
      request.lockId,
      this.deps.sendMarginMs ?? DEFAULT_SEND_MARGIN_MS,
      fence,
    );
    const sendSignal = AbortSignal.any([controller.signal, deadline.signal]);
    let sending = true;
    const before = this.deps.getLock(request.lockId).status;
    const { target, transitional } = commandTarget(request.command);
    this.deps.commandRunning(request.lockId, true);
    try {
      if (transitional) this.deps.applyStatus(request.lockId, { state: transitional });
      const outcome = await abortable(
        driver.command(vendorLockId, request.command, {
          signal: sendSignal,
          deadline,
          // Ours and new for every command, never the caller's transaction: a vendor that dedupes by
          // request id (SmartphoneKey) would turn a reused transaction into a silent no-op.
          requestId: randomUUID(),
        }),
        sendSignal,
      );
      // The vendor answered in time: what is left are reads, bounded by the command timeout.
      sending = false;
      deadline.dispose();
      let confirmedBy: Confirmation;
      let status: LockStatus;
      if (outcome.status) {
        status = this.deps.applyStatus(request.lockId, outcome.status).status;
        confirmedBy = 'response';
      } else if (outcome.momentary) {
        status = this.deps.applyStatus(request.lockId, { state: 'OPEN' }).status;
        confirmedBy = 'momentary';
      } else if (request.command === 'STATUS') {
        const since = this.deps.readingStart();
        const read = await driver.getLock(vendorLockId);
        status = this.deps.applyReading(request.lockId, read.status, since).status;
        confirmedBy = 'readback';
      } else {
        ({ status, confirmedBy } = await this.confirm(
          request.lockId,
          driver,
          vendorLockId,
          target,
          controller.signal,
        ));
      }
      if (status.state === 'JAMMED' && request.command !== 'STATUS') {
        throw new LockbridgeError('jammed', 'The lock reports it is jammed', { lockId: request.lockId });
      }
      if (target.length > 0 && !target.includes(status.state) && confirmedBy !== 'momentary') {
        throw new LockbridgeError(
          'vendor_error',
          `The lock reports ${status.state} after ${request.command}`,
          { lockId: request.lockId },
        );
      }
      return {
        lockId: request.lockId,
        command: request.command,
        transaction: request.transaction,
        confirmedBy,
        status,
        durationMs: this.deps.clock.now() - started,
      };
    } catch (err) {
      // While sending, the deadline's answer wins: it knows whether anything went out.
      const error = toLockbridgeError(
        sending && deadline.passed()
          ? deadline.error()
          : controller.signal.aborted
            ? (controller.signal.reason ?? err)
            : err,
      );
      // Never leave a transitional state behind: read back the truth, or fall back to what we knew.
      if (transitional && error.code !== 'shutting_down')
        this.restore(request.lockId, driver, vendorLockId, before, error);
      throw error.lockId
        ? error
        : new LockbridgeError(error.code, error.message, { ...error, lockId: request.lockId });
    } finally {
      clearTimeout(timer);
      deadline.dispose();
      this.deps.commandRunning(request.lockId, false);
      this.inFlight.delete(controller);
    }
  }

  private async confirm(
    lockId: string,
    driver: VendorDriver,
    vendorLockId: string,
    target: string[],
    signal: AbortSignal,
  ): Promise<{ status: LockStatus; confirmedBy: Confirmation }> {
    const done = (lock: Lock) => target.includes(lock.status.state) || lock.status.state === 'JAMMED';
    const local = new AbortController();
    const onAbort = () => local.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const push = this.deps
        .waitForPush(lockId, done, local.signal)
        .then((lock) => ({ status: lock.status, confirmedBy: 'push' as const }));
      const readback = (async () => {
        for (const delay of this.deps.readbackDelaysMs) {
          await sleepAbortable(delay, local.signal);
          const since = this.deps.readingStart();
          const read = await driver.getLock(vendorLockId);
          if (target.includes(read.status.state) || read.status.state === 'JAMMED') {
            return {
              status: this.deps.applyReading(lockId, read.status, since).status,
              confirmedBy: 'readback' as const,
            };
          }
        }
        throw new LockbridgeError('timeout', 'The lock did not confirm the command', {
          lockId,
          retryable: true,
        });
      })();
      return await Promise.race([push, readback, rejectOnAbort(local.signal)]);
    } finally {
      signal.removeEventListener('abort', onAbort);
      local.abort(new LockbridgeError('internal', 'confirmation settled'));
    }
  }

  /**
   * Never leaves a transitional state behind: shows what we know (JAMMED, UNKNOWN after a timeout, else
   * the state before the command) at once, so the answer
   * is not held up, then reads the truth in the background. That reading is ordered like any other:
   * if a later command or push changed the lock meanwhile, it only fills unknowns.
   */
  private restore(
    lockId: string,
    driver: VendorDriver,
    vendorLockId: string,
    before: LockStatus,
    error: LockbridgeError,
  ): void {
    // A timeout means the vendor may have acted: showing the old state would be a guess that goes
    // backwards when the command did land (UNLOCKING -> LOCKED -> UNLOCKED). UNKNOWN is what we know
    // until the reading below (or a push or poll) says. A refusal (expired, 4xx ...) did nothing.
    const shown = error.code === 'jammed' ? 'JAMMED' : error.code === 'timeout' ? 'UNKNOWN' : before.state;
    this.deps.applyStatus(lockId, { state: shown });
    const since = this.deps.readingStart();
    const reading = withTimeout(driver.getLock(vendorLockId), 5000, this.closing.signal)
      .then((read) => void this.deps.applyReading(lockId, read.status, since))
      .catch(() => undefined)
      .finally(() => this.restoring.delete(reading));
    this.restoring.add(reading);
  }

  /** Aborts running commands and refuses new ones. */
  async close(): Promise<void> {
    for (const c of this.inFlight)
      c.abort(new LockbridgeError('shutting_down', 'Lockbridge is shutting down'));
    await this.queue.close();
    this.closing.abort(new LockbridgeError('shutting_down', 'Lockbridge is shutting down'));
    await Promise.allSettled([...this.restoring]);
  }
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return Promise.race([promise, rejectOnAbort(signal)]);
}

function sleepAbortable(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

async function withTimeout<T>(promise: Promise<T>, ms: number, signal: AbortSignal): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      rejectOnAbort(signal),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new LockbridgeError('timeout', 'Read-back timed out')), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
