import { LockbridgeError } from '../../core/errors';
import {
  WEEKDAYS,
  type Capability,
  type LastAction,
  type Schedule,
  type Share,
  type Weekday,
} from '../../core/model';
import type { DriverLock } from '../driver';
import { RRULE_DAYS } from '../../core/rrule';
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
export function unlocLockToDriverLock(lock: UnlocLock, access: UnlocAccess, push: boolean): DriverLock {
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
    },
  };
}

/**
 * A core Schedule as Unloc key timing: start/end (ISO or null for open-ended) and, for a weekly window,
 * a recurrence plus durationMinutes. [INF] the recurrence is written as an RFC 5545 RRULE
 * (FREQ=WEEKLY;BYDAY=..;BYHOUR=..;BYMINUTE=..) whose occurrences last durationMinutes.
 * One-time keys do not exist in Unloc.
 */
export function scheduleToUnlocKey(
  schedule: Schedule | undefined,
): Pick<UnlocKeyInput, 'start' | 'end' | 'recurrence' | 'durationMinutes'> {
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
      const duration = (s.endMinute - s.startMinute + 24 * 60) % (24 * 60) || 24 * 60;
      const days = s.days.map((d) => RRULE_DAYS[d]).join(',');
      return {
        start: s.start ?? null,
        end: s.end ?? null,
        recurrence: `FREQ=WEEKLY;BYDAY=${days};BYHOUR=${Math.floor(s.startMinute / 60)};BYMINUTE=${s.startMinute % 60}`,
        durationMinutes: duration,
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

/** The reverse of scheduleToUnlocKey; a recurrence we cannot read is reported as its window only. */
export function unlocKeyToSchedule(
  key: Pick<UnlocKey, 'start' | 'end' | 'recurrence' | 'durationMinutes'>,
): Schedule {
  const recurring = key.recurrence ? parseRecurrence(key.recurrence, key.durationMinutes ?? null) : undefined;
  if (recurring) {
    return {
      kind: 'recurring',
      ...recurring,
      ...(key.start ? { start: key.start } : {}),
      ...(key.end ? { end: key.end } : {}),
    };
  }
  if (key.start && key.end) return { kind: 'time_bound', start: key.start, end: key.end };
  return { kind: 'always' };
}

function parseRecurrence(
  rrule: string,
  durationMinutes: number | null,
): { days: Weekday[]; startMinute: number; endMinute: number } | undefined {
  const parts = new Map(
    rrule.split(';').map((p) => {
      const [k, v] = p.split('=');
      return [k?.toUpperCase() ?? '', v ?? ''] as const;
    }),
  );
  if (parts.get('FREQ') !== 'WEEKLY') return undefined;
  const byDay = (parts.get('BYDAY') ?? '').split(',').filter(Boolean);
  const days = WEEKDAYS.filter((d) => byDay.includes(RRULE_DAYS[d]));
  if (days.length === 0 || days.length !== byDay.length) return undefined;
  const hour = Number(parts.get('BYHOUR') ?? 0);
  const minute = Number(parts.get('BYMINUTE') ?? 0);
  if (!Number.isInteger(hour) || !Number.isInteger(minute) || hour > 23 || minute > 59) return undefined;
  const startMinute = hour * 60 + minute;
  const duration = durationMinutes && durationMinutes > 0 ? Math.min(durationMinutes, 24 * 60) : 24 * 60;
  return { days, startMinute, endMinute: (startMinute + duration) % (24 * 60) };
}

export function unlocKeyToShare(key: UnlocKey, lockId: string): Share {
  return {
    id: key.id,
    kind: 'key',
    lockId,
    with: key.toUser?.id ?? '',
    state: key.state,
    start: key.start ?? undefined,
    end: key.end,
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
    userId: str('userId') ?? '',
    userName: str('userName') ?? '',
  };
}
