import type { AccessCode } from '../core/model';
import type { Unsubscribe } from '../core/events';
import type { JournalEntry } from './journal';
import { scheduleWindow } from './schedules';

export type Verdict =
  | { state: 'confirmed'; code?: AccessCode }
  | { state: 'failed'; code?: AccessCode; why: string }
  | { state: 'waiting'; code?: AccessCode };

/** Finds the code an operation is about in a vendor listing, or undefined when it is not there. */
export function findTarget(entry: JournalEntry, codes: readonly AccessCode[]): AccessCode | undefined {
  if (entry.codeId !== undefined) return codes.find((c) => c.id === entry.codeId);
  if (entry.operation !== 'create') return undefined;
  // A create whose answer was lost: the new code is one that was not there before and matches.
  const before = new Set(entry.preExistingIds ?? []);
  return codes.find((c) => !before.has(c.id) && matchesInput(entry, c));
}

/** Whether a vendor code carries what the operation asked for (fields the vendor hides are skipped). */
export function matchesInput(entry: JournalEntry, code: AccessCode): boolean {
  const want = entry.input;
  if (want.name !== undefined && code.name !== want.name) return false;
  if (want.code && code.code !== undefined && code.code !== want.code) return false;
  if (want.userId !== undefined && code.userId !== undefined && code.userId !== want.userId) return false;
  return true;
}

/** What a vendor listing says about an operation. */
export function judgeListing(entry: JournalEntry, codes: readonly AccessCode[], now: number): Verdict {
  return judgeCode(entry, findTarget(entry, codes), true, now);
}

/**
 * A code whose schedule starts later cannot be on the lock yet (Seam keeps it `unset` until then), so
 * the vendor listing it as accepted is the confirmation; a later failure arrives as a code push.
 */
function startsLater(entry: JournalEntry, now: number): boolean {
  const schedule = entry.input.schedule;
  if (!schedule) return false;
  const { start } = scheduleWindow(schedule);
  return start !== undefined && start > now;
}

/**
 * What one code says about an operation. `complete` is true for a full listing (a code missing from
 * it is gone) and false for a single pushed code.
 */
export function judgeCode(
  entry: JournalEntry,
  code: AccessCode | undefined,
  complete: boolean,
  now: number,
): Verdict {
  if (entry.operation === 'delete') {
    if (code === undefined) return complete ? { state: 'confirmed' } : { state: 'waiting' };
    if (code.status === 'removed') return { state: 'confirmed', code };
    return { state: 'waiting', code };
  }
  if (code === undefined) {
    // An update whose code vanished cannot succeed; a new code may not be listed yet.
    if (complete && entry.operation === 'update')
      return { state: 'failed', why: 'The code is no longer on the lock' };
    return { state: 'waiting' };
  }
  if (code.status === 'failed') return { state: 'failed', code, why: 'The lock refused the code' };
  if (code.status === 'set' && matchesInput(entry, code)) return { state: 'confirmed', code };
  if (code.status === 'pending' && startsLater(entry, now) && matchesInput(entry, code))
    return { state: 'confirmed', code };
  return { state: 'waiting', code };
}

export interface ConfirmArgs {
  entry: JournalEntry;
  lockId: string;
  readBack(): Promise<AccessCode[]>;
  subscribe(listener: (lockId: string, code: AccessCode) => void): Unsubscribe;
  timeoutMs: number;
  /** First read-back delay; doubles up to pollMaxMs. 0 reads back at once. */
  pollInitialMs: number;
  pollMaxMs: number;
  signal?: AbortSignal;
  now(): number;
}

export interface ConfirmOutcome {
  verdict: Verdict;
  by: 'push' | 'readback' | 'none';
}

/**
 * Waits for a push or a read-back to settle an operation, whichever comes first, until the timeout.
 * A read-back that fails is retried on the next tick. Every timer and subscription is released.
 */
export function waitForConfirmation(args: ConfirmArgs): Promise<ConfirmOutcome> {
  return new Promise((resolve) => {
    let done = false;
    let last: Verdict = { state: 'waiting' };
    let pollTimer: NodeJS.Timeout | undefined;
    let delay = Math.max(args.pollInitialMs, 1);
    const finish = (outcome: ConfirmOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      clearTimeout(pollTimer);
      unsubscribe();
      args.signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const onAbort = () => finish({ verdict: last, by: 'none' });
    const unsubscribe = args.subscribe((lockId, code) => {
      if (done || lockId !== args.lockId) return;
      const target = findTarget(args.entry, [code]);
      if (target === undefined) return;
      const verdict = judgeCode(args.entry, target, false, args.now());
      if (verdict.state !== 'waiting') finish({ verdict, by: 'push' });
      else last = verdict;
    });
    const deadline = setTimeout(() => finish({ verdict: last, by: 'none' }), Math.max(args.timeoutMs, 0));
    const poll = async () => {
      if (done) return;
      try {
        const codes = await args.readBack();
        if (done) return;
        const verdict = judgeListing(args.entry, codes, args.now());
        if (verdict.state !== 'waiting') return finish({ verdict, by: 'readback' });
        last = verdict;
      } catch {
        // The vendor may be briefly unreachable; the next tick or the deadline settles it.
      }
      if (done) return;
      pollTimer = setTimeout(() => void poll(), delay);
      delay = Math.min(delay * 2, args.pollMaxMs);
    };
    if (args.signal?.aborted) return onAbort();
    args.signal?.addEventListener('abort', onAbort, { once: true });
    if (args.pollInitialMs <= 0) void poll();
    else {
      pollTimer = setTimeout(() => void poll(), delay);
      delay = Math.min(delay * 2, args.pollMaxMs);
    }
  });
}
