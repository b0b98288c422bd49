import { sleep } from '../core/clock';
import { LockbridgeError, toLockbridgeError, type ErrorCode, type ErrorReason } from '../core/errors';
import type { CodeValidation, GenerateOptions } from '../core/lock-source';
import type {
  AccessCode,
  AccessCodeInput,
  CodeOperationResult,
  CodeRules,
  CodeSetInput,
  CodeSetResult,
  CodeStatus,
  Confirmation,
  Lock,
} from '../core/model';
import type { Logger } from '../core/logger';
import type { CodeDriver } from '../vendors/driver';
import type { CodeService, CodeServiceDeps } from '../hub/code-service';
import { waitForConfirmation, findTarget, judgeCode, matchesInput } from './confirm';
import { hasConstraint } from './constraints';
import { generateCode, generateCommonCode, type GenerateResult } from './generate';
import {
  CodeJournal,
  newOperationId,
  type CodeOperation,
  type JournalEntry,
  type JournalStore,
} from './journal';
import { resolveOptions, type CodeServiceOptions, type ResolvedOptions } from './options';
import { blockingReasons, type CodeReason } from './reasons';
import { validate } from './validate';

/** The code service plus what tests and the CLI need to watch the journal. */
export interface PinCodeService extends CodeService {
  /** Resolves when every operation resumed or followed in the background has ended, or stop() ran. */
  settled(): Promise<void>;
  /** The unfinished operations in the journal. */
  pending(): Promise<JournalEntry[]>;
}

/** A vendor answer that says the request did not take effect: never retried, the operation fails. */
const DEFINITIVE = new Set<ErrorCode>([
  'invalid_code',
  'code_conflict',
  'not_supported',
  'forbidden',
  'invalid_input',
  'not_found',
  'auth_failed',
  'unauthorized_client',
  'lock_offline',
  'lock_busy',
  'rate_limited',
  'jammed',
  'expired',
]);
/** A vendor answer that leaves open whether the request landed: read back before anything else. */
const AMBIGUOUS = new Set<ErrorCode>(['timeout', 'vendor_unavailable', 'vendor_error', 'internal']);
/** Refusals that say "not now": a live caller gets them, a background follow-up tries again later. */
const NOT_NOW = new Set<ErrorCode>(['rate_limited', 'lock_busy', 'lock_offline', 'auth_failed', 'not_ready']);

interface Target {
  lock: Lock;
  rules: CodeRules;
  codes: CodeDriver;
  vendorLockId: string;
}

interface Sent {
  /** The vendor's answer to the send, when it gave a code. */
  code?: AccessCode;
  /** The send failed for good; the operation is finished as failed. */
  error?: LockbridgeError;
  /** The send ended ambiguously; the operation is left to the background follower. */
  ambiguous?: LockbridgeError;
}

interface ConfirmPlan {
  timeoutMs: number;
  pollInitialMs: number;
  pollMaxMs: number;
}

export function createCodeService(
  deps: CodeServiceDeps,
  options?: CodeServiceOptions,
  /** Where the journal lives (default: files in deps.storage; cluster mode: Redis). */
  journal?: JournalStore,
): PinCodeService {
  return new PinService(deps, resolveOptions(options), journal);
}

class PinService implements PinCodeService {
  private readonly journal: JournalStore;
  private readonly log: Logger;
  /** Cluster mode: aborted when the account goes to another daemon (its follow-ups stop there). */
  private readonly accountStops = new Map<string, AbortController>();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly following = new Map<string, Promise<void>>();
  private stopper = new AbortController();

  constructor(
    private readonly deps: CodeServiceDeps,
    private readonly opts: ResolvedOptions,
    journal?: JournalStore,
  ) {
    this.log = deps.logger.child('pins');
    this.journal = journal ?? new CodeJournal(deps.storage, this.log);
  }

  // -------------------------------------------------------------------------------------------------
  // Lifecycle

  async start(): Promise<void> {
    if (this.stopper.signal.aborted) this.stopper = new AbortController();
    this.resume(await this.journal.all());
  }

  /** Cluster mode: this daemon took the account; carries on with its journaled operations. */
  async resumeAccount(account: string): Promise<void> {
    this.accountStops.get(account)?.abort();
    this.accountStops.delete(account);
    if (this.journal.ofAccount) this.resume(await this.journal.ofAccount(account));
  }

  /** Cluster mode: the account went to another daemon; its follow-ups stop here at once. */
  releaseAccount(account: string): void {
    const stop = this.accountStops.get(account) ?? new AbortController();
    this.accountStops.set(account, stop);
    stop.abort(new LockbridgeError('not_ready', 'The account went to another daemon'));
  }

  /** The signal a follow-up of this entry stops on: the service stopping, or its account leaving. */
  private signalOf(entry: JournalEntry): AbortSignal {
    if (!entry.account) return this.stopper.signal;
    let stop = this.accountStops.get(entry.account);
    if (!stop || stop.signal.aborted) {
      stop = new AbortController();
      this.accountStops.set(entry.account, stop);
    }
    return AbortSignal.any([this.stopper.signal, stop.signal]);
  }

  private resume(entries: JournalEntry[]): void {
    if (entries.length > 0)
      this.log.info(`Resuming ${entries.length} unfinished code operation(s) from the journal`);
    // Requests journaled but not yet planned (the process stopped while reading the locks) are
    // planned again, by set; everything else carries on where it was.
    const unplanned = new Map<string, JournalEntry[]>();
    for (const entry of entries) {
      if (entry.phase !== 'planning') {
        this.follow(entry);
        continue;
      }
      const key = entry.setId ?? entry.id;
      unplanned.set(key, [...(unplanned.get(key) ?? []), entry]);
    }
    for (const [key, group] of unplanned)
      this.resumePlanning(
        group,
        entries.filter((e) => e.phase !== 'planning' && (e.setId ?? e.id) === key),
      );
  }

  async stop(): Promise<void> {
    this.stopper.abort(new LockbridgeError('shutting_down', 'The code service is stopping'));
    await Promise.allSettled([...this.following.values()]);
  }

  async settled(): Promise<void> {
    while (this.following.size > 0) await Promise.allSettled([...this.following.values()]);
  }

  pending(): Promise<JournalEntry[]> {
    return this.journal.all();
  }

  // -------------------------------------------------------------------------------------------------
  // Reads

  async list(lockId: string): Promise<AccessCode[]> {
    const t = this.target(lockId, false);
    const codes = await t.codes.list(t.vendorLockId);
    return codes.map((c) => ({ ...c, lockId }));
  }

  async validate(lockId: string, input: AccessCodeInput): Promise<CodeValidation> {
    checkInput(input);
    const t = this.target(lockId);
    const existing = await t.codes.list(t.vendorLockId);
    const v = validate(input.code, input.name, input.schedule, t.lock, {
      now: this.deps.clock.now(),
      existing,
      userId: input.userId,
    });
    return { ok: v.ok, reasons: v.reasons };
  }

  async generate(lockId: string, options: GenerateOptions = {}): Promise<string> {
    const t = this.target(lockId);
    const existing = await t.codes.list(t.vendorLockId);
    const g = generateCode(t.rules, { existing, avoid: options.avoid, length: options.length });
    if (!g.ok) throw invalidCode('No code can be generated for this lock', g.reasons, lockId);
    return g.code;
  }

  // -------------------------------------------------------------------------------------------------
  // Writes

  async create(lockId: string, input: AccessCodeInput): Promise<CodeOperationResult> {
    checkInput(input);
    const t = this.target(lockId);
    return this.queue(lockId, async () => {
      const existing = await t.codes.list(t.vendorLockId);
      let code = input.code;
      if (code === undefined && !vendorPicks(t.rules)) {
        const g = generateCode(t.rules, { existing });
        if (!g.ok) throw invalidCode('No code can be generated for this lock', g.reasons, lockId);
        code = g.code;
      }
      const v = validate(code, input.name, input.schedule, t.lock, {
        now: this.deps.clock.now(),
        existing,
        userId: input.userId,
      });
      this.refuseOrWarn(lockId, v.reasons);
      const e = this.newEntry('create', lockId, {
        name: input.name,
        code: code ?? '',
        schedule: input.schedule ?? { kind: 'always' },
        userId: input.userId,
      });
      e.preExistingIds = existing.map((c) => c.id);
      await this.record(e);
      return this.sendOrThrow(e, t);
    });
  }

  async update(
    lockId: string,
    codeId: string,
    input: Partial<AccessCodeInput>,
  ): Promise<CodeOperationResult> {
    if (!input || typeof input !== 'object')
      throw new LockbridgeError('invalid_input', 'An update needs fields');
    const t = this.target(lockId);
    return this.queue(lockId, async () => {
      const existing = await t.codes.list(t.vendorLockId);
      const current = existing.find((c) => c.id === codeId);
      if (!current) throw new LockbridgeError('not_found', 'No such code on this lock', { lockId });
      const v = validate(input.code, input.name, input.schedule, t.lock, {
        now: this.deps.clock.now(),
        existing,
        replacingId: codeId,
        userId: input.userId ?? current.userId,
      });
      this.refuseOrWarn(lockId, v.reasons);
      const e = this.newEntry('update', lockId, {
        name: input.name,
        code: input.code,
        schedule: input.schedule,
        userId: input.userId,
      });
      e.codeId = codeId;
      await this.record(e);
      return this.sendOrThrow(e, t);
    });
  }

  async delete(lockId: string, codeId: string): Promise<CodeOperationResult> {
    const t = this.target(lockId, false);
    return this.queue(lockId, async () => {
      const e = this.newEntry('delete', lockId, {});
      e.codeId = codeId;
      await this.record(e);
      return this.sendOrThrow(e, t);
    });
  }

  async createSet(input: CodeSetInput): Promise<CodeSetResult> {
    if (
      !input ||
      typeof input.name !== 'string' ||
      !Array.isArray(input.lockIds) ||
      input.lockIds.length === 0
    )
      throw new LockbridgeError('invalid_input', 'A code set needs a name and at least one lock');
    if (input.code !== undefined && typeof input.code !== 'string')
      throw new LockbridgeError('invalid_input', 'An access code must be given as a string');
    const lockIds = [...new Set(input.lockIds)];
    const reasons: CodeReason[] = [];
    const targets: Target[] = [];
    for (const lockId of lockIds) {
      try {
        targets.push(this.target(lockId));
      } catch (err) {
        const e = toLockbridgeError(err);
        if (e.code !== 'not_supported') throw e;
        reasons.push(
          tag({ code: 'codes_not_supported', message: e.message, detail: { severity: 'error' } }, lockId),
        );
      }
    }
    if (reasons.length > 0) throw invalidCode('Some locks cannot take this code', reasons);

    // The request is journaled before anything else (reading the locks takes seconds for many): a
    // crash from here on loses nothing, and the next start plans and sends it.
    const setId = newOperationId();
    const entries = targets.map((t) => {
      const e = this.newEntry('create', t.lock.id, {
        name: input.name,
        code: input.code,
        schedule: input.schedule ?? { kind: 'always' },
      });
      e.phase = 'planning';
      e.setId = setId;
      if (input.codePerLock) e.codePerLock = true;
      return e;
    });
    for (const e of entries) await this.record(e);

    try {
      await this.plan(entries, targets);
    } catch (err) {
      // The caller hears why (a code that does not fit, a vendor that cannot be read) and nothing
      // was sent: the request leaves the journal.
      for (const e of entries) await this.journal.remove(e);
      throw err;
    }

    const results: CodeSetResult['results'] = new Array(entries.length);
    let next = 0;
    const worker = async () => {
      while (next < entries.length) {
        const i = next++;
        const e = entries[i];
        try {
          const result = await this.queue(e.lockId, () => this.sendOrThrow(e, targets[i]));
          results[i] = { lockId: e.lockId, ok: result.outcome !== 'failed', result };
        } catch (err) {
          const le = toLockbridgeError(err);
          results[i] = { lockId: e.lockId, ok: false, error: { code: le.code, message: le.message } };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.setConcurrency, entries.length) }, worker));
    return { name: input.name, results };
  }

  /**
   * Plans a journaled code set: reads each lock's codes, chooses the code each lock gets (the one
   * given, one shared code, or one per lock), validates it, and moves the entries from `planning` to
   * `requested`. `siblings` are entries of the same set planned before a crash: their code is kept.
   * Throws invalid_code (every reason) when no code fits; the entries are then left as they were.
   */
  private async plan(
    entries: JournalEntry[],
    targets: Target[],
    siblings: JournalEntry[] = [],
  ): Promise<void> {
    const first = entries[0];
    const name = first.input.name ?? '';
    const schedule = first.input.schedule;
    const perLock = first.codePerLock === true;
    const given = first.input.code ?? (perLock ? undefined : siblings.find((e) => e.input.code)?.input.code);
    const reasons: CodeReason[] = [];
    const existing = await Promise.all(targets.map((t) => t.codes.list(t.vendorLockId)));

    const codes: Array<string | undefined> = targets.map(() => given);
    if (given === undefined) {
      if (perLock) {
        targets.forEach((t, i) => {
          if (vendorPicks(t.rules)) return;
          const g = generateCode(t.rules, { existing: existing[i] });
          if (g.ok) codes[i] = g.code;
          else reasons.push(...g.reasons.map((r) => tag(r, t.lock.id)));
        });
      } else {
        targets.forEach((t) => {
          if (vendorPicks(t.rules))
            reasons.push(
              tag(
                {
                  code: 'cannot_specify_pin_code',
                  message:
                    'This lock chooses its own codes, so no shared code can be set: ask for a code per lock',
                  detail: { severity: 'error' },
                },
                t.lock.id,
              ),
            );
        });
        if (reasons.length === 0) {
          const g: GenerateResult = generateCommonCode(
            targets.map((t, i) => ({ rules: t.rules, existing: existing[i] })),
          );
          if (g.ok) codes.fill(g.code);
          else reasons.push(...g.reasons);
        }
      }
    }
    if (blockingReasons(reasons).length > 0) throw invalidCode('No code fits these locks', reasons);

    const now = this.deps.clock.now();
    targets.forEach((t, i) => {
      const v = validate(codes[i], name, schedule, t.lock, { now, existing: existing[i] });
      reasons.push(...v.reasons.map((r) => tag(r, t.lock.id)));
    });
    this.refuseOrWarn(undefined, reasons);

    for (const [i, e] of entries.entries()) {
      e.input.code = codes[i] ?? '';
      e.preExistingIds = existing[i].map((c) => c.id);
      e.phase = 'requested';
      await this.record(e);
    }
  }

  /**
   * Resumes a code set the process journaled but did not plan before it stopped: plans it (retrying
   * while the vendor cannot be read, until followUpMs after the request), then follows each lock's
   * operation to its end. A set no code fits ends as failed, with an event per lock.
   */
  private resumePlanning(entries: JournalEntry[], siblings: JournalEntry[]): void {
    const key = `plan:${entries[0].setId ?? entries[0].id}`;
    if (this.following.has(key)) return;
    const run: Promise<void> = (async () => {
      let wait = this.opts.resumeRetryMs;
      const signal = this.signalOf(entries[0]);
      while (!signal.aborted) {
        try {
          const targets = entries.map((e) => this.target(e.lockId));
          await this.plan(entries, targets, siblings);
          for (const e of entries) this.follow(e);
          return;
        } catch (err) {
          const e = toLockbridgeError(err);
          const late = entries[0].createdAt + this.opts.followUpMs <= this.deps.clock.now();
          if (e.code === 'invalid_code' || late) {
            const why = late
              ? new LockbridgeError('timeout', 'The code set could not be planned in time')
              : e;
            for (const entry of entries)
              await this.finish(entry, 'failed', 'none', this.codeOf(entry, 'failed'), why);
            return;
          }
          this.log.debug(`Code set ${key}: cannot plan yet (${e.code}); retrying`);
        }
        await sleep(wait, signal).catch(() => undefined);
        wait = Math.min(wait * 2, this.opts.followUpPollMs);
      }
    })()
      .catch((err: unknown) => {
        this.log.error(`Code set ${key}: journal error (${toLockbridgeError(err).code})`);
      })
      .finally(() => {
        if (this.following.get(key) === run) this.following.delete(key);
      });
    this.following.set(key, run);
  }

  // -------------------------------------------------------------------------------------------------
  // The operation machine: requested -> (sending) -> pending -> confirmed | failed

  /** Sends a journaled operation and confirms it; a definitive vendor refusal rejects. */
  private async sendOrThrow(entry: JournalEntry, t: Target): Promise<CodeOperationResult> {
    const sent = await this.send(entry, t, true);
    if (sent.error) throw sent.error;
    if (sent.ambiguous) {
      this.follow(entry);
      return this.result(entry, 'pending', 'none', this.codeOf(entry, 'pending'), sent.ambiguous);
    }
    return this.confirm(entry, t, sent.code, {
      timeoutMs: this.deps.confirmTimeoutMs,
      pollInitialMs: this.opts.pollInitialMs,
      pollMaxMs: this.opts.pollMaxMs,
    });
  }

  /**
   * Sends unless a read-back shows the request already landed. The `sending` marker (with a send
   * count) is written before the vendor call, so after a crash the journal says the call may have
   * happened and the resume reads back first.
   */
  private async send(entry: JournalEntry, t: Target, live: boolean): Promise<Sent> {
    if (entry.phase === 'pending') return {};
    if (entry.phase === 'sending') {
      const landed = await this.landed(entry, t);
      if (landed) return this.adopt(entry, landed.code);
    }
    entry.phase = 'sending';
    entry.sends += 1;
    await this.record(entry);
    try {
      const code = await this.callVendor(entry, t);
      if (code && entry.codeId === undefined) entry.codeId = code.id;
      return this.adopt(entry, code);
    } catch (err) {
      const e = toLockbridgeError(err);
      if (entry.operation === 'delete' && e.code === 'not_found') return this.adopt(entry, undefined);
      // A resend refused as a duplicate, or a timeout: the first request may have landed.
      if (AMBIGUOUS.has(e.code) || entry.sends > 1) {
        const landed = await this.landed(entry, t).catch(() => undefined);
        if (landed) return this.adopt(entry, landed.code);
      }
      if (AMBIGUOUS.has(e.code) || !DEFINITIVE.has(e.code) || (!live && NOT_NOW.has(e.code))) {
        this.log.warn(
          `Code ${entry.operation} ${entry.id} on ${entry.lockId}: the vendor answer was unclear (${e.code}); following up`,
        );
        return { ambiguous: e };
      }
      await this.finish(entry, 'failed', 'none', this.codeOf(entry, 'failed'), e);
      return { error: e };
    }
  }

  private async adopt(entry: JournalEntry, code: AccessCode | undefined): Promise<Sent> {
    if (code && entry.codeId === undefined) entry.codeId = code.id;
    entry.phase = 'pending';
    await this.record(entry);
    return { code };
  }

  private async callVendor(entry: JournalEntry, t: Target): Promise<AccessCode | undefined> {
    const input = entry.input;
    switch (entry.operation) {
      case 'create':
        return t.codes.create(t.vendorLockId, {
          name: input.name ?? '',
          // '' asks the vendor to choose (cannot_specify_pin_code locks).
          code: input.code ?? '',
          schedule: input.schedule,
          userId: input.userId,
        });
      case 'update':
        return t.codes.update(t.vendorLockId, entry.codeId ?? '', definedFields(input));
      case 'delete':
        await t.codes.delete(t.vendorLockId, entry.codeId ?? '');
        return undefined;
    }
  }

  /** Whether the vendor already shows the operation's effect (a read-back before any resend). */
  private async landed(entry: JournalEntry, t: Target): Promise<{ code?: AccessCode } | undefined> {
    const codes = await t.codes.list(t.vendorLockId);
    const found = findTarget(entry, codes);
    if (entry.operation === 'delete') {
      return found === undefined || found.status === 'removed' || found.status === 'removing'
        ? {}
        : undefined;
    }
    if (!found) return undefined;
    if (entry.operation === 'update' && !matchesInput(entry, found)) return undefined;
    return { code: found };
  }

  private async confirm(
    entry: JournalEntry,
    t: Target,
    answer: AccessCode | undefined,
    plan: ConfirmPlan,
  ): Promise<CodeOperationResult> {
    if (answer) {
      const verdict = judgeCode(entry, answer, false, this.deps.clock.now());
      if (verdict.state === 'confirmed') return this.finish(entry, 'confirmed', 'response', answer);
      if (verdict.state === 'failed')
        return this.finish(entry, 'failed', 'response', answer, failure(verdict.why));
    }
    this.emit(entry, this.codeOf(entry, entry.operation === 'delete' ? 'removing' : 'pending', answer));
    const outcome = await waitForConfirmation({
      entry,
      lockId: entry.lockId,
      readBack: () => t.codes.list(t.vendorLockId),
      subscribe: (listener) => this.deps.subscribeCodePush(listener),
      timeoutMs: plan.timeoutMs,
      pollInitialMs: plan.pollInitialMs,
      pollMaxMs: plan.pollMaxMs,
      signal: this.stopper.signal,
      now: () => this.deps.clock.now(),
    });
    const v = outcome.verdict;
    if (v.state === 'confirmed') return this.finish(entry, 'confirmed', outcome.by, v.code);
    if (v.state === 'failed') return this.finish(entry, 'failed', outcome.by, v.code, failure(v.why));
    // Not confirmed in time: the journal keeps it and a follower carries on in the background.
    if (!this.stopper.signal.aborted) this.follow(entry);
    const late = new LockbridgeError(
      'timeout',
      'The lock has not confirmed the code yet; still following it',
      {
        lockId: entry.lockId,
      },
    );
    return this.result(entry, 'pending', 'none', this.codeOf(entry, 'pending', v.code ?? answer), late);
  }

  /**
   * Carries an operation to its end in the background: resumed from the journal at start, or left
   * pending by a timeout or an unclear vendor answer. Unreachable vendors are retried with backoff
   * until followUpMs after the request, then the operation fails with `timeout`.
   */
  private follow(entry: JournalEntry): void {
    if (this.following.has(entry.id)) return;
    const run: Promise<void> = (async () => {
      let wait = this.opts.resumeRetryMs;
      const signal = this.signalOf(entry);
      while (!signal.aborted) {
        const left = entry.createdAt + this.opts.followUpMs - this.deps.clock.now();
        if (left <= 0) {
          const e = new LockbridgeError('timeout', 'The code was not confirmed in time', {
            lockId: entry.lockId,
          });
          await this.finish(entry, 'failed', 'none', this.codeOf(entry, 'failed'), e);
          return;
        }
        try {
          const t = this.target(entry.lockId, false);
          const sent = await this.send(entry, t, false);
          if (sent.error) return;
          if (!sent.ambiguous) {
            const r = await this.confirm(entry, t, sent.code, {
              timeoutMs: left,
              pollInitialMs: 0,
              pollMaxMs: this.opts.followUpPollMs,
            });
            if (r.outcome !== 'pending') return;
          }
        } catch (err) {
          const e = toLockbridgeError(err);
          this.log.debug(
            `Code ${entry.operation} ${entry.id}: cannot reach the vendor yet (${e.code}); retrying`,
          );
        }
        await sleep(wait, signal).catch(() => undefined);
        wait = Math.min(wait * 2, this.opts.followUpPollMs);
      }
    })()
      .catch((err: unknown) => {
        // Only a storage failure lands here; the entry stays in the journal for the next start.
        this.log.error(`Code ${entry.operation} ${entry.id}: journal error (${toLockbridgeError(err).code})`);
      })
      .finally(() => {
        if (this.following.get(entry.id) === run) this.following.delete(entry.id);
      });
    this.following.set(entry.id, run);
  }

  private async finish(
    entry: JournalEntry,
    outcome: 'confirmed' | 'failed',
    by: Confirmation,
    code: AccessCode | undefined,
    error?: LockbridgeError,
  ): Promise<CodeOperationResult> {
    await this.journal.remove(entry);
    const status: CodeStatus =
      outcome === 'failed' ? 'failed' : (code?.status ?? (entry.operation === 'delete' ? 'removed' : 'set'));
    const final = this.codeOf(entry, status, code);
    const result = this.result(entry, outcome, by, final, error);
    const how = outcome === 'confirmed' ? `confirmed by ${by}` : `failed (${error?.code ?? 'unknown'})`;
    this.log.info(`Code ${entry.operation} ${entry.id} on ${entry.lockId} ${how}`);
    this.deps.emit({ type: 'code', lockId: entry.lockId, code: final, result });
    return result;
  }

  // -------------------------------------------------------------------------------------------------
  // Helpers

  private target(lockId: string, needRules = true): Target {
    const lock = this.deps.getLock(lockId);
    const { driver, vendorLockId } = this.deps.driverFor(lockId);
    if (!driver.codes)
      throw new LockbridgeError('not_supported', 'This lock has no access codes', { lockId });
    const rules = lock.codeRules;
    if (!rules && needRules)
      throw new LockbridgeError('not_supported', 'This lock does not declare access-code rules', { lockId });
    return { lock, rules: rules ?? emptyRules(), codes: driver.codes, vendorLockId };
  }

  private queue<T>(lockId: string, fn: () => Promise<T>): Promise<T> {
    // Operations on one lock are sent one at a time (validation sees the codes sent before it).
    const previous = this.queues.get(lockId) ?? Promise.resolve();
    const run = previous.then(fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(lockId, tail);
    void tail.then(() => {
      if (this.queues.get(lockId) === tail) this.queues.delete(lockId);
    });
    return run;
  }

  private newEntry(operation: CodeOperation, lockId: string, input: JournalEntry['input']): JournalEntry {
    const now = this.deps.clock.now();
    return {
      id: newOperationId(),
      account: this.deps.getLock(lockId).account,
      operation,
      lockId,
      input,
      phase: 'requested',
      sends: 0,
      createdAt: now,
      updatedAt: now,
    };
  }

  private async record(entry: JournalEntry): Promise<void> {
    entry.updatedAt = this.deps.clock.now();
    await this.journal.put(entry);
    if (entry.phase === 'requested') this.emit(entry, this.codeOf(entry, 'requested'));
  }

  private emit(entry: JournalEntry, code: AccessCode): void {
    this.deps.emit({ type: 'code', lockId: entry.lockId, code });
  }

  private refuseOrWarn(lockId: string | undefined, reasons: CodeReason[]): void {
    if (blockingReasons(reasons).length > 0)
      throw invalidCode('The code does not fit the lock', reasons, lockId);
    for (const r of reasons) this.log.warn(`${lockId ?? 'code set'}: ${r.message}`);
  }

  private codeOf(entry: JournalEntry, status: CodeStatus, vendor?: AccessCode): AccessCode {
    const base: AccessCode = vendor
      ? { ...vendor }
      : {
          id: entry.codeId ?? '',
          lockId: entry.lockId,
          name: entry.input.name ?? '',
          schedule: entry.input.schedule ?? { kind: 'always' },
          status,
        };
    if (!vendor) {
      if (entry.input.code) base.code = entry.input.code;
      if (entry.input.userId !== undefined) base.userId = entry.input.userId;
    }
    return { ...base, lockId: entry.lockId, status };
  }

  private result(
    entry: JournalEntry,
    outcome: CodeOperationResult['outcome'],
    confirmedBy: Confirmation,
    code: AccessCode,
    error?: LockbridgeError,
  ): CodeOperationResult {
    const out: CodeOperationResult = {
      operation: entry.operation,
      lockId: entry.lockId,
      code,
      outcome,
      confirmedBy,
    };
    if (error) out.error = { code: error.code, message: error.message };
    return out;
  }
}

function vendorPicks(rules: CodeRules): boolean {
  return rules.canSpecifyCode === false || hasConstraint(rules.constraints, 'cannot_specify_pin_code');
}

function emptyRules(): CodeRules {
  return { lengths: [], numeric: false, maxActive: null, schedules: [], constraints: [] };
}

function checkInput(input: AccessCodeInput): void {
  if (!input || typeof input !== 'object' || typeof input.name !== 'string')
    throw new LockbridgeError('invalid_input', 'An access code needs a name');
  if (input.code !== undefined && typeof input.code !== 'string')
    throw new LockbridgeError('invalid_input', 'An access code must be given as a string');
}

function invalidCode(message: string, reasons: ErrorReason[], lockId?: string): LockbridgeError {
  const codes = [...new Set(blockingReasons(reasons).map((r) => r.code))].join(', ');
  return new LockbridgeError('invalid_code', `${message}: ${codes}`, { reasons, lockId });
}

function tag<R extends ErrorReason>(r: R, lockId: string): R {
  return { ...r, detail: { ...r.detail, lockId } };
}

function failure(why: string): LockbridgeError {
  return new LockbridgeError('vendor_error', why);
}

function definedFields(input: JournalEntry['input']): Partial<AccessCodeInput> {
  const out: Partial<AccessCodeInput> = {};
  if (input.name !== undefined) out.name = input.name;
  if (input.code !== undefined) out.code = input.code;
  if (input.schedule !== undefined) out.schedule = input.schedule;
  if (input.userId !== undefined) out.userId = input.userId;
  return out;
}
