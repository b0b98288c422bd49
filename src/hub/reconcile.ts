import type { Lock, LockStatus } from '../core/model';
import { lockIdFor } from '../core/model';
import type { LockEvent } from '../core/events';
import type { DriverLock } from '../vendors/driver';
import { mergeLastAction, sameStatus, toLock } from './lock-state';

/**
 * The state cache: every lock of every account, keyed by Lockbridge id. Reconciling one account's
 * listing yields the events to emit (added, removed, state changed); nothing else writes to it.
 */
export class LockCache {
  private readonly locks = new Map<string, Lock>();
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

  /** Replaces one account's locks with a fresh listing. */
  reconcile(
    account: string,
    vendor: string,
    listed: DriverLock[],
    now: number,
    onConflict: (id: string) => void,
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

  /** Merges a partial status (push, command result); returns the event, or undefined if nothing changed. */
  update(id: string, patch: Partial<LockStatus>, now: number): LockEvent | undefined {
    const lock = this.locks.get(id);
    if (!lock) return undefined;
    const status: LockStatus = { ...lock.status, ...patch, updatedAt: new Date(now).toISOString() };
    if ('lastAction' in patch) status.lastAction = mergeLastAction(lock.status.lastAction, patch.lastAction);
    if (sameStatus(lock.status, status)) return undefined;
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
