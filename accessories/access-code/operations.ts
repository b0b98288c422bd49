import { LockbridgeError, isErrorCode } from '../../src/core/errors';
import type { LockEvent } from '../../src/core/events';
import type { AccessCode, CodeOperationResult } from '../../src/core/model';
import {
  OPERATION,
  STATUS,
  isOperation,
  type ControlPointRequest,
  type ControlPointResponse,
  type ResponseItem,
  type StatusCode,
} from './codec';
import { statusOfError } from './status';
import { homeKitCodeName, type AccessCodeStore } from './store';

/** The code engine as the Access Code service uses it, for one lock (the LockSource's code methods). */
export interface CodeBackend {
  list(): Promise<AccessCode[]>;
  create(name: string, code: string): Promise<CodeOperationResult>;
  update(codeId: string, code: string): Promise<CodeOperationResult>;
  remove(codeId: string): Promise<CodeOperationResult>;
}

/** Timers, injected so tests never wait on the wall clock. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface OperationsOptions {
  /** How long a write waits for the engine's confirmation before answering (see README, slow writes). */
  answerWithinMs: number;
  /** More items than this in one request: every item is answered "too many bulk operations". */
  maxBulk: number;
  timers: Timers;
  now(): number;
}

/** The engine follows an unfinished operation for an hour (src/pins followUpMs) before failing it. */
const FORGET_AFTER_MS = 65 * 60_000;

/** Codes that hold a place on the lock (the engine's activeCodes rule). */
const INACTIVE = new Set<AccessCode['status']>(['removed', 'removing', 'failed']);
export const activeOnLock = (codes: readonly AccessCode[]) => codes.filter((c) => !INACTIVE.has(c.status));

/** How one write ended, as the Home app hears it. */
interface Answer {
  status: StatusCode;
  /** Answered before the engine's final outcome: that outcome must bump ConfigurationState. */
  early?: boolean;
}

/**
 * Runs ControlPoint requests against the code engine. Every write goes through the engine (rules,
 * journal, read-back confirmation); nothing here talks to a vendor. One response per item, the
 * operation always echoed.
 */
export class AccessCodeOperations {
  /** Operations answered before their outcome, by the key their engine events carry (-> when). */
  private readonly early = new Map<string, number>();
  /** Operations the engine has journaled and not finished (seen in its events), by the same keys. */
  private readonly progress = new Map<string, number>();

  constructor(
    private readonly backend: CodeBackend,
    private readonly store: AccessCodeStore,
    private readonly options: OperationsOptions,
  ) {}

  async handle(request: ControlPointRequest): Promise<ControlPointResponse> {
    const operation = request.operation;
    const reply = (items: ResponseItem[]): ControlPointResponse => ({ operation, items });
    if (!isOperation(operation)) return reply([{ status: STATUS.invalidRequest }]);
    if (operation === OPERATION.list) return reply(await this.list());
    if (request.items.length === 0) return reply([{ status: STATUS.invalidRequest }]);
    if (request.items.length > this.options.maxBulk)
      return reply(
        request.items.map((i) => ({ identifier: i.identifier, status: STATUS.tooManyBulkOperations })),
      );
    const codes = activeOnLock(await this.backend.list());
    if (operation === OPERATION.read) return reply(request.items.map((i) => this.read(codes, i.identifier)));
    const deadline = this.deadline();
    try {
      const items: Array<Promise<ResponseItem>> = request.items.map((i) => {
        switch (operation) {
          case OPERATION.add:
            return this.add(codes, i.identifier, i.code, deadline.reached);
          case OPERATION.update:
            return this.update(codes, i.identifier, i.code, deadline.reached);
          default:
            return this.remove(codes, i.identifier, deadline.reached);
        }
      });
      const answered = await Promise.all(items);
      await this.store.save();
      return reply(answered);
    } finally {
      deadline.cancel();
    }
  }

  /**
   * An engine event for this lock. Returns true when it is a committed change that ConfigurationState
   * must count: a confirmed operation from any surface, or the failure of one the Home app was told
   * had succeeded (so it reads the codes again).
   */
  onCodeEvent(event: Extract<LockEvent, { type: 'code' }>): boolean {
    const keys = keysOf(event.code);
    const result = event.result;
    if (!result) {
      for (const k of keys) if (!this.progress.has(k)) this.progress.set(k, this.options.now());
      return false;
    }
    const wasEarly = keys.some((k) => this.early.has(k));
    for (const k of keys) {
      this.early.delete(k);
      this.progress.delete(k);
    }
    if (result.outcome === 'confirmed') {
      if (result.code.id && result.operation !== 'delete')
        this.store.assign(result.code.id, result.code.name);
      return true;
    }
    return result.outcome === 'failed' && wasEarly;
  }

  /** Whether an operation is between its journal entry and its outcome (its effects are on the way). */
  inFlight(): boolean {
    // An outcome whose event never came (the daemon restarted, a message was lost) must not stop the
    // poll for good: what is older than the engine's own follow-up window is forgotten.
    const stale = this.options.now() - FORGET_AFTER_MS;
    for (const map of [this.progress, this.early]) for (const [k, at] of map) if (at < stale) map.delete(k);
    return this.progress.size > 0;
  }

  private async list(): Promise<ResponseItem[]> {
    const all = await this.backend.list();
    const codes = activeOnLock(all);
    const items = codes.map((c) => ({ identifier: this.store.assign(c.id, c.name) }));
    this.store.retain(all.filter((c) => c.status !== 'removed').map((c) => c.id));
    await this.store.save();
    return items.sort((a, b) => a.identifier - b.identifier);
  }

  private read(codes: AccessCode[], identifier: number | undefined): ResponseItem {
    if (identifier === undefined) return { status: STATUS.invalidRequest };
    const code = this.codeOf(codes, identifier);
    if (!code) return { identifier, status: STATUS.notFound };
    return { identifier, code: code.code, flags: 0, status: STATUS.success };
  }

  private async add(
    codes: AccessCode[],
    identifier: number | undefined,
    pin: string | undefined,
    deadline: Promise<void>,
  ): Promise<ResponseItem> {
    if (pin === undefined || pin === '') return { identifier, status: STATUS.invalidRequest };
    // The Home app changes a code by adding it again under the code's identifier.
    const mine = identifier !== undefined ? this.codeOf(codes, identifier) : undefined;
    if (mine && identifier !== undefined) return this.update(codes, identifier, pin, deadline);
    const same = codes.find((c) => c.code === pin);
    if (same) {
      // The same PIN already on the lock: an Add repeated (its answer was lost) gets the code's
      // identifier; nothing is sent. A PIN that belongs to another code is a duplicate.
      const sameId = this.store.assign(same.id, same.name);
      if (identifier !== undefined && identifier !== sameId)
        return { identifier, code: pin, flags: 0, status: STATUS.duplicate };
      return { identifier: sameId, code: pin, flags: 0, status: STATUS.success };
    }
    const n = this.store.allocate();
    const name = homeKitCodeName(n);
    const answer = await this.bounded(this.backend.create(name, pin), [name], deadline, (r) => {
      if (r.code.id) this.store.assign(r.code.id, name);
    });
    return { identifier: n, code: pin, flags: 0, status: answer.status };
  }

  private async update(
    codes: AccessCode[],
    identifier: number | undefined,
    pin: string | undefined,
    deadline: Promise<void>,
  ): Promise<ResponseItem> {
    if (identifier === undefined || pin === undefined || pin === '')
      return { identifier, code: pin, status: STATUS.invalidRequest };
    const code = this.codeOf(codes, identifier);
    if (!code) return { identifier, code: pin, status: STATUS.notFound };
    if (code.code === pin) return { identifier, code: pin, flags: 0, status: STATUS.success };
    const answer = await this.bounded(this.backend.update(code.id, pin), [code.id], deadline);
    return { identifier, code: pin, flags: 0, status: answer.status };
  }

  private async remove(
    codes: AccessCode[],
    identifier: number | undefined,
    deadline: Promise<void>,
  ): Promise<ResponseItem> {
    if (identifier === undefined) return { status: STATUS.invalidRequest };
    const code = this.codeOf(codes, identifier);
    if (!code) return { identifier, status: STATUS.notFound };
    const answer = await this.bounded(this.backend.remove(code.id), [code.id], deadline);
    return { identifier, status: answer.status };
  }

  private codeOf(codes: AccessCode[], identifier: number): AccessCode | undefined {
    const codeId = this.store.codeIdOf(identifier);
    return codeId === undefined ? undefined : codes.find((c) => c.id === codeId);
  }

  /**
   * The slow-write rule. The answer is the engine's outcome when it comes before the deadline:
   * confirmed (read back) or still pending after the vendor accepted -> success; refused -> its
   * status. At the deadline, an operation the engine has journaled is answered success (the journal
   * carries it to the lock, and its confirmation or failure bumps ConfigurationState so the Home
   * app reads the codes again); one not yet journaled is answered "unknown".
   */
  private async bounded(
    operation: Promise<CodeOperationResult>,
    keys: string[],
    deadline: Promise<void>,
    onResult: (r: CodeOperationResult) => void = () => undefined,
  ): Promise<Answer> {
    const settled = operation.then(
      (r): Answer => {
        onResult(r);
        if (r.outcome === 'failed') return { status: r.error ? statusOfError(errorOf(r)) : STATUS.unknown };
        if (r.outcome === 'pending') this.markEarly(keys);
        return { status: STATUS.success, early: r.outcome === 'pending' };
      },
      (err: unknown): Answer => ({ status: statusOfError(err) }),
    );
    const late = deadline.then((): Answer => {
      const journaled = keys.some((k) => this.progress.has(k));
      if (journaled) this.markEarly(keys);
      return journaled ? { status: STATUS.success, early: true } : { status: STATUS.unknown, early: true };
    });
    return Promise.race([settled, late]);
  }

  private markEarly(keys: string[]): void {
    for (const k of keys) this.early.set(k, this.options.now());
  }

  private deadline(): { reached: Promise<void>; cancel(): void } {
    let handle: unknown;
    const reached = new Promise<void>((resolve) => {
      handle = this.options.timers.setTimeout(resolve, this.options.answerWithinMs);
    });
    return { reached, cancel: () => this.options.timers.clearTimeout(handle) };
  }
}

/** The keys an engine event can be matched by: the vendor code id, and the name a Home app code has. */
function keysOf(code: AccessCode): string[] {
  const keys: string[] = [];
  if (code.id) keys.push(code.id);
  if (code.name) keys.push(code.name);
  return keys;
}

/** A failed outcome's error as a typed error (its code is one of ERROR_CODES, sent as text). */
function errorOf(r: CodeOperationResult): LockbridgeError {
  const e = r.error ?? { code: 'internal', message: 'The operation failed' };
  return new LockbridgeError(isErrorCode(e.code) ? e.code : 'vendor_error', e.message);
}
