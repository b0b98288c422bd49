import { LockbridgeError } from '../../core/errors';
import { WEEKDAYS, type Capability, type LastAction, type Schedule, type Share } from '../../core/model';
import type { DriverLock } from '../driver';
import { recurrenceToWindow, windowToRecurrence } from './recurrence';
import type { UnlocKey, UnlocKeyEvent, UnlocKeyInput, UnlocLock } from './types';

/** How the driver reaches a lock holder's locks. */
export type UnlocAccess = 'admin' | 'duplicate';

/** E.164: a plus, a non-zero country digit, up to 15 digits in all. */
export function isE164(phone: string): boolean {
  return /^\+[1-9]\d{6,14}$/.test(phone);
}

/**
 * An Unloc lock as a DriverLock. Unloc has no remote lock or unlock and reports no lock state: users
 * open through the Unloc app with a key. So the state is always UNKNOWN (never guessed), there is no
 * 'lock'/'unlock'/'lock_state', and `online` means "present in the account" (Unloc reports no
 * connectivity). Locks of a holder reached only with lockHolder.duplicateLocks can only be duplicated.
 */
/**
 * `keys`: the lock's keys in the holder's key listing (GET /lock-holders/{lh}/keys, developer.unloc.app
 * keys-2), where it was read; the listing's keysCreatedCount is not used (created so far, or held now?
 * the documents do not say).
 */
export function unlocLockToDriverLock(
  lock: UnlocLock,
  access: UnlocAccess,
  push: boolean,
  keys?: number,
): DriverLock {
  const battery = typeof lock.battery === 'number' ? Math.max(0, Math.min(100, lock.battery)) : null;
  const capabilities: Capability[] = ['duplicate'];
  if (access === 'admin') {
    capabilities.push('keys');
    if (push) capabilities.push('push');
  }
  if (battery !== null) capabilities.push('battery');
  return {
    vendorLockId: lock.id,
    name: lock.name || `Unloc lock ${lock.id}`,
    manufacturer: lock.vendor ? `Unloc (${lock.vendor})` : 'Unloc',
    model: lock.duplicatedFromLockId ? 'Duplicated lock' : 'Lock',
    capabilities,
    status: {
      state: 'UNKNOWN',
      door: 'unknown',
      battery,
      batteryLow: battery !== null && battery <= 20,
      online: true,
      lastAction: null,
      ...(keys !== undefined ? { keys } : {}),
    },
  };
}

/**
 * A core Schedule as Unloc key timing: start/end (ISO, or null for open-ended) and, for a weekly
 * window, the documented recurrence object (recurrence.ts). `durationMinutes` is the key's total
 * validity from start (changelog "Key Duration"), so it is never the length of one occurrence: an end
 * is sent instead. One-time keys do not exist in Unloc.
 */
export function scheduleToUnlocKey(
  schedule: Schedule | undefined,
): Pick<UnlocKeyInput, 'start' | 'end' | 'recurrence'> {
  const s = schedule ?? { kind: 'always' };
  switch (s.kind) {
    case 'always':
      return { start: null, end: null };
    case 'time_bound':
      checkWindow(s.start, s.end);
      return { start: s.start, end: s.end };
    case 'recurring': {
      if (s.days.length === 0 || s.days.some((d) => !WEEKDAYS.includes(d)))
        throw new LockbridgeError('invalid_input', 'A recurring key needs at least one valid weekday');
      for (const m of [s.startMinute, s.endMinute]) {
        if (!Number.isInteger(m) || m < 0 || m >= 24 * 60)
          throw new LockbridgeError('invalid_input', 'Recurring key times must be minutes 0..1439');
      }
      if (s.start && s.end) checkWindow(s.start, s.end);
      return {
        start: s.start ?? null,
        end: s.end ?? null,
        recurrence: windowToRecurrence(s.days, s.startMinute, s.endMinute),
      };
    }
    case 'one_time':
      throw new LockbridgeError('not_supported', 'Unloc keys cannot be one-time');
  }
}

function checkWindow(start: string, end: string): void {
  const a = Date.parse(start);
  const b = Date.parse(end);
  if (Number.isNaN(a) || Number.isNaN(b))
    throw new LockbridgeError('invalid_input', 'Key start and end must be ISO 8601 dates');
  if (b <= a) throw new LockbridgeError('invalid_input', 'Key end must be after its start');
}

/** When a key stops: its end, or start + durationMinutes (its total validity), or never. */
function keyEnd(key: Pick<UnlocKey, 'start' | 'end' | 'durationMinutes'>): string | null {
  if (typeof key.end === 'string' && key.end) return key.end;
  const from = typeof key.start === 'string' ? Date.parse(key.start) : Number.NaN;
  const minutes = key.durationMinutes;
  if (Number.isNaN(from) || typeof minutes !== 'number' || !Number.isFinite(minutes) || minutes <= 0)
    return null;
  return new Date(from + minutes * 60_000).toISOString();
}

/**
 * The reverse of scheduleToUnlocKey, for whatever Unloc answers: a recurrence core cannot express (or
 * cannot read) is reported as its validity window only. Never throws.
 */
export function unlocKeyToSchedule(
  key: Pick<UnlocKey, 'start' | 'end' | 'recurrence' | 'durationMinutes'>,
): Schedule {
  const start = typeof key.start === 'string' && key.start ? key.start : undefined;
  const end = keyEnd(key) ?? undefined;
  const window = recurrenceToWindow(key.recurrence);
  if (window) return { kind: 'recurring', ...window, ...(start ? { start } : {}), ...(end ? { end } : {}) };
  if (start && end) return { kind: 'time_bound', start, end };
  return { kind: 'always' };
}

export function unlocKeyToShare(key: UnlocKey, lockId: string): Share {
  return {
    id: key.id,
    kind: 'key',
    lockId,
    with: key.toUser?.id ?? '',
    state: key.state,
    start: key.start ?? undefined,
    end: keyEnd(key),
  };
}

/** A duplicate as a Share: shared with a lock holder id or a phone number. */
export function duplicateToShare(
  duplicateLockId: string,
  lockId: string,
  to: string,
  state = 'active',
): Share {
  return { id: duplicateLockId, kind: 'duplicate', lockId, with: to, state };
}

/** A key event (someone opened with an Unloc key in the app) as the lock's last action. */
export function keyEventToAction(event: UnlocKeyEvent): LastAction | undefined {
  if (event.action !== 'unlocked') return undefined;
  const at = Number.isNaN(Date.parse(event.created)) ? new Date().toISOString() : event.created;
  return { action: 'UNLOCKED', who: event.userName || undefined, how: 'app', at };
}

/** Checks the shape of an incoming webhook body. */
export function parseKeyEvent(body: unknown): UnlocKeyEvent | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  const str = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : undefined);
  const id = str('id');
  const lockId = str('lockId');
  const action = str('action');
  if (!id || !lockId || !action) return undefined;
  return {
    id,
    action,
    lockId,
    created: str('created') ?? '',
    keyId: str('keyId') ?? '',
    lockName: str('lockName') ?? '',
    // v1 Key Events say userId, v2 Access Events appUserId (webhooks-guide).
    userId: str('userId') ?? str('appUserId') ?? '',
    userName: str('userName') ?? '',
  };
}
