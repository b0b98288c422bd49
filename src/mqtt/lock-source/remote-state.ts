import type { AccountStatus, LockEvent } from '../../core/events';
import { sameDescription, type Lock, type LockStatus } from '../../core/model';
import { decodeLockInfo, decodeState, unknownStatus } from '../wire';
import { isObject } from '../params';

/**
 * What the MQTT lock source knows of the daemon's locks, from the retained topics, and the events that
 * follow from each message (so the source emits what the hub would have).
 */
export class RemoteState {
  private statuses = new Map<string, LockStatus>();
  private infos = new Map<string, unknown>();
  private accountList: AccountStatus[] = [];
  /** Whether bridge/locks has arrived at least once. */
  listed = false;

  locks(): Lock[] {
    return [...this.infos.keys()].map((id) => this.lock(id)).filter((l): l is Lock => l !== undefined);
  }

  lock(id: string): Lock | undefined {
    const info = this.infos.get(id);
    if (info === undefined) return undefined;
    return decodeLockInfo(info, this.statuses.get(id) ?? unknownStatus());
  }

  accounts(): AccountStatus[] {
    return this.accountList.map((a) => ({ ...a }));
  }

  /** `<base>/<lock>/state`; an empty payload (a cleared retained state) forgets the status. */
  onState(lockId: string, payload: unknown): LockEvent[] {
    const previous = this.statuses.get(lockId);
    if (payload === undefined) {
      this.statuses.delete(lockId);
      return [];
    }
    const status = decodeState(payload);
    if (!status) return [];
    this.statuses.set(lockId, status);
    const lock = this.lock(lockId);
    if (!lock || !previous || JSON.stringify(previous) === JSON.stringify(status)) return [];
    return [{ type: 'state', lock, previous }];
  }

  /** `<base>/bridge/locks`: the whole list; added and removed locks become events after the first. */
  onLocks(payload: unknown): LockEvent[] {
    if (!Array.isArray(payload)) return [];
    const next = new Map<string, unknown>();
    for (const entry of payload) {
      if (isObject(entry) && typeof entry.id === 'string') next.set(entry.id, entry);
    }
    const before = new Map([...this.infos.keys()].map((id) => [id, this.lock(id)]));
    const first = !this.listed;
    this.infos = next;
    this.listed = true;
    if (first) return [];
    const events: LockEvent[] = [];
    for (const [id, lock] of before) {
      if (!next.has(id) && lock) events.push({ type: 'lock_removed', lockId: id, lock });
    }
    for (const id of next.keys()) {
      const lock = this.lock(id);
      if (!lock) continue;
      const previous = before.get(id);
      if (!before.has(id)) events.push({ type: 'lock_added', lock });
      else if (previous && !sameDescription(previous, lock))
        events.push({ type: 'lock_changed', lock, previous });
    }
    return events;
  }

  /** `<base>/bridge/accounts`: a changed account becomes an event. */
  onAccounts(payload: unknown): LockEvent[] {
    if (!Array.isArray(payload)) return [];
    const next = payload.filter(
      (a): a is AccountStatus => isObject(a) && typeof a.account === 'string' && typeof a.state === 'string',
    );
    const before = new Map(this.accountList.map((a) => [a.account, JSON.stringify(a)]));
    this.accountList = next;
    return next
      .filter((a) => before.get(a.account) !== JSON.stringify(a))
      .map((status): LockEvent => ({ type: 'account', status }));
  }
}
