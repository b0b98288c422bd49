import type { Lock, LockStatus } from '../core/model';
import { lockIdFor, sameDescription } from '../core/model';
import type { LockEvent } from '../core/events';
import type { DriverLock } from '../vendors/driver';
import { mergeLastAction, sameStatus, toLock } from './lock-state';

/**
 * The state cache: every lock of every account, keyed by Lockbridge id. Reconciling one account's
 * listing yields the events to emit (added, removed, re-described, state changed); nothing else writes
 * to it.
 *
 * Readings are ordered by when they began, not by when they arrive. Every change a command or a push
 * makes takes the next number of a write sequence; a reading (a poll, a read-back) notes the sequence
 * when it starts (readingStart). A reading that began before a lock's last change is older news: it
 * only fills what we do not know (state UNKNOWN, door unknown, battery or last action missing). And
 * while a command runs on a lock, polls leave its state alone: the command's own answer, push or
 * read-back settles it, so the state shown never goes backwards within one command.
 */
export class LockCache {
  private readonly locks = new Map<string, Lock>();
  private seq = 0;
  /** Lock id -> the write sequence number of its last change by a command or push. */
  private readonly lastWrite = new Map<string, number>();
  /** Lock id -> commands running on it. */
  private readonly commanding = new Map<string, number>();
  /** account -> vendor lock id -> Lockbridge id, so a push finds its lock without scanning. */
  private readonly byVendorId = new Map<string, Map<string, string>>();

  get(id: string): Lock | undefined {
    return this.locks.get(id);
  }

  all(): Lock[] {
    return [...this.locks.values()];
  }

  /** The Lockbridge id of an account's lock, by the vendor's id. */
  idOf(account: string, vendorLockId: string): string | undefined {
    return this.byVendorId.get(account)?.get(vendorLockId);
  }

  private index(lock: Lock): void {
    let m = this.byVendorId.get(lock.account);
    if (!m) this.byVendorId.set(lock.account, (m = new Map()));
    m.set(lock.vendorLockId, lock.id);
  }

  private unindex(lock: Lock): void {
    this.byVendorId.get(lock.account)?.delete(lock.vendorLockId);
  }

  ofAccount(account: string): Lock[] {
    return this.all().filter((l) => l.account === account);
  }

  get size(): number {
    return this.locks.size;
  }

  /** Where a reading starts in the write sequence; hand it back with the reading's result. */
  readingStart(): number {
    return this.seq;
  }

  /** Whether a reading that started at `since` is older than the lock's last change. */
  private staleSince(id: string, since: number | undefined): boolean {
    return since !== undefined && (this.lastWrite.get(id) ?? 0) > since;
  }

  /** A command starts (true) or ends (false) on a lock: polls leave its state alone meanwhile. */
  commandRunning(id: string, running: boolean): void {
    const n = (this.commanding.get(id) ?? 0) + (running ? 1 : -1);
    if (n > 0) this.commanding.set(id, n);
    else this.commanding.delete(id);
  }

  /** Replaces one account's locks with a fresh listing. */
  reconcile(
    account: string,
    vendor: string,
    listed: DriverLock[],
    now: number,
    onConflict: (id: string) => void,
    /** readingStart() taken before the listing was requested. */
    since?: number,
  ): LockEvent[] {
    const events: LockEvent[] = [];
    const seen = new Set<string>();
    for (const d of listed) {
      const id = lockIdFor(vendor, d.vendorLockId);
      const existing = this.locks.get(id);
      if (existing && existing.account !== account) {
        // The same lock reached through a second account: the first account keeps it.
        onConflict(id);
        continue;
      }
      if (seen.has(id)) continue;
      seen.add(id);
      const next = toLock(id, account, vendor, d, now);
      if (existing && (this.staleSince(id, since) || this.commanding.has(id)))
        next.status = { ...fillUnknowns(existing.status, next.status), updatedAt: existing.status.updatedAt };
      if (!existing) {
        this.locks.set(id, next);
        this.index(next);
        events.push({ type: 'lock_added', lock: next });
        continue;
      }
      // A listing without a newer activity must not erase the last action we learned by push.
      if (!next.status.lastAction && existing.status.lastAction)
        next.status.lastAction = existing.status.lastAction;
      const changed = !sameStatus(existing.status, next.status);
      if (!changed) next.status.updatedAt = existing.status.updatedAt;
      this.locks.set(id, next);
      if (!sameDescription(existing, next))
        events.push({ type: 'lock_changed', lock: next, previous: existing });
      if (changed) events.push({ type: 'state', lock: next, previous: existing.status });
    }
    for (const lock of this.ofAccount(account)) {
      if (!seen.has(lock.id)) {
        this.locks.delete(lock.id);
        this.unindex(lock);
        events.push({ type: 'lock_removed', lockId: lock.id, lock });
      }
    }
    return events;
  }

  /**
   * Merges a partial status (push, command result); returns the event, or undefined if nothing
   * changed. With `since`, the patch is a reading that started then: older than the lock's last
   * change, it only fills unknowns, and it is not itself a change that orders later readings.
   */
  update(id: string, patch: Partial<LockStatus>, now: number, since?: number): LockEvent | undefined {
    const lock = this.locks.get(id);
    if (!lock) return undefined;
    if (this.staleSince(id, since)) patch = fillUnknowns(lock.status, patch);
    const status: LockStatus = { ...lock.status, ...patch, updatedAt: new Date(now).toISOString() };
    if ('lastAction' in patch) status.lastAction = mergeLastAction(lock.status.lastAction, patch.lastAction);
    if (sameStatus(lock.status, status)) return undefined;
    if (since === undefined) this.lastWrite.set(id, ++this.seq);
    const next: Lock = { ...lock, status };
    this.locks.set(id, next);
    return { type: 'state', lock: next, previous: lock.status };
  }

  /** Marks every lock of an account unreachable (vendor outage): surfaces show "No Response". */
  markAccountOffline(account: string, now: number): LockEvent[] {
    const events: LockEvent[] = [];
    for (const lock of this.ofAccount(account)) {
      const e = this.update(lock.id, { online: false }, now);
      if (e) events.push(e);
    }
    return events;
  }

  removeAccount(account: string): void {
    for (const lock of this.ofAccount(account)) this.locks.delete(lock.id);
    this.byVendorId.delete(account);
  }
}

/** What an older reading may still tell us: only the fields we do not know. */
export function fillUnknowns(known: LockStatus, reading: Partial<LockStatus>): LockStatus {
  const out: Partial<LockStatus> = {};
  if (reading.state !== undefined && known.state === 'UNKNOWN') out.state = reading.state;
  if (reading.door !== undefined && known.door === 'unknown') out.door = reading.door;
  if (reading.battery !== undefined && known.battery === null) out.battery = reading.battery;
  if (reading.lastAction !== undefined && known.lastAction === null) out.lastAction = reading.lastAction;
  if (reading.keys !== undefined && known.keys === undefined) out.keys = reading.keys;
  return { ...known, ...out };
}
