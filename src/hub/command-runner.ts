import { randomUUID } from 'node:crypto';
import { LockbridgeError, toLockbridgeError } from '../core/errors';
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
  /** Delays between read-backs while confirming a command. */
  readbackDelaysMs: number[];
  getLock(lockId: string): Lock;
  driverFor(lockId: string): { driver: VendorDriver; vendorLockId: string; ready: boolean };
  /** Applies a status patch to the cache and emits the change. */
  applyStatus(lockId: string, patch: Partial<LockStatus>): Lock;
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

  constructor(private readonly deps: CommandRunnerDeps) {}

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
    // Under 'high' priority, the command's requests (and its read-backs) pass bulk work such as code
    // sets and polls in the account's request budget.
    return this.queue.run(lock.id, () => requestPriority.run('high', () => this.execute(request, expiresAt)));
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
    const { driver, vendorLockId, ready } = this.deps.driverFor(request.lockId);
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
    const before = this.deps.getLock(request.lockId).status;
    const { target, transitional } = commandTarget(request.command);
    try {
      if (transitional) this.deps.applyStatus(request.lockId, { state: transitional });
      const outcome = await abortable(
        driver.command(vendorLockId, request.command, {
          signal: controller.signal,
          // Ours and new for every command, never the caller's transaction: a vendor that dedupes by
          // request id (SmartphoneKey) would turn a reused transaction into a silent no-op.
          requestId: randomUUID(),
        }),
        controller.signal,
      );
      let confirmedBy: Confirmation;
      let status: LockStatus;
      if (outcome.status) {
        status = this.deps.applyStatus(request.lockId, outcome.status).status;
        confirmedBy = 'response';
      } else if (outcome.momentary) {
        status = this.deps.applyStatus(request.lockId, { state: 'OPEN' }).status;
        confirmedBy = 'momentary';
      } else if (request.command === 'STATUS') {
        status = this.deps.applyStatus(request.lockId, (await driver.getLock(vendorLockId)).status).status;
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
      const error = toLockbridgeError(controller.signal.aborted ? (controller.signal.reason ?? err) : err);
      // Never leave a transitional state behind: read back the truth, or fall back to what we knew.
      if (transitional && error.code !== 'shutting_down')
        await this.restore(request.lockId, driver, vendorLockId, before, error);
      throw error.lockId
        ? error
        : new LockbridgeError(error.code, error.message, { ...error, lockId: request.lockId });
    } finally {
      clearTimeout(timer);
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
          const read = await driver.getLock(vendorLockId);
          if (target.includes(read.status.state) || read.status.state === 'JAMMED') {
            return {
              status: this.deps.applyStatus(lockId, read.status).status,
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

  private async restore(
    lockId: string,
    driver: VendorDriver,
    vendorLockId: string,
    before: LockStatus,
    error: LockbridgeError,
  ) {
    try {
      const read = await withTimeout(driver.getLock(vendorLockId), 5000);
      this.deps.applyStatus(lockId, read.status);
    } catch {
      this.deps.applyStatus(lockId, error.code === 'jammed' ? { state: 'JAMMED' } : { state: before.state });
    }
  }

  /** Aborts running commands and refuses new ones. */
  async close(): Promise<void> {
    for (const c of this.inFlight)
      c.abort(new LockbridgeError('shutting_down', 'Lockbridge is shutting down'));
    await this.queue.close();
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

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new LockbridgeError('timeout', 'Read-back timed out')), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
