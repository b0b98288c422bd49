/**
 * Reading msg properties into typed requests. Every function either returns a well-formed value or
 * throws an invalid_input LockbridgeError that names the property; no msg can crash a node.
 */
import { LOCK_COMMANDS, WEEKDAYS, type LockCommand, type Schedule, type Weekday } from '../../src/core/model';
import { invalidInput } from './errors';

export type Obj = Record<string, unknown>;

export function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** A required string field of an object, e.g. payload.email. */
export function need(obj: Obj, key: string, where = 'msg.payload'): string {
  const v = str(obj[key]);
  if (v === undefined) throw invalidInput(`${where}.${key} is required (a string)`);
  return v.slice(0, 500);
}

/** The lock: msg.lock (an id, or a lock object with an id), else the lock chosen in the editor. */
export function readLockId(msg: Obj, configured: string | undefined): string {
  const fromMsg = isObj(msg.lock) ? str(msg.lock.id) : str(msg.lock);
  if (msg.lock !== undefined && msg.lock !== null && fromMsg === undefined)
    throw invalidInput('msg.lock must be a lock id (a string) or an object with an id');
  const id = fromMsg ?? str(configured);
  if (id === undefined) throw invalidInput('No lock: choose one in the node or set msg.lock');
  if (id.length > 200) throw invalidInput('msg.lock is too long to be a lock id');
  return id;
}

/** LOCK, UNLOCK, OPEN or STATUS from msg.command, a string payload, or the node's setting. */
export function readCommand(msg: Obj, configured: string | undefined): LockCommand {
  const raw = msg.command ?? (typeof msg.payload === 'string' ? msg.payload : undefined) ?? configured;
  const value = typeof raw === 'string' ? raw.trim().toUpperCase() : '';
  if (!(LOCK_COMMANDS as readonly string[]).includes(value)) {
    throw invalidInput(
      `The command must be one of ${LOCK_COMMANDS.join(', ')} (in msg.payload or msg.command)`,
    );
  }
  return value as LockCommand;
}

/** An instant as ISO 8601, from an ISO string or epoch milliseconds. */
function instant(value: unknown, field: string): string {
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw invalidInput(`${field} must be an ISO 8601 date or epoch milliseconds`);
  return new Date(ms).toISOString();
}

function optionalInstant(value: unknown, field: string): string | undefined {
  return value === undefined || value === null || value === '' ? undefined : instant(value, field);
}

/** "HH:MM" or minutes after midnight. */
function minuteOfDay(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 1440) return value;
  const m = typeof value === 'string' ? /^(\d{1,2}):(\d{2})$/.exec(value.trim()) : null;
  if (m && Number(m[1]) <= 24 && Number(m[2]) < 60) return Math.min(1440, Number(m[1]) * 60 + Number(m[2]));
  throw invalidInput(`${field} must be "HH:MM" or minutes after midnight`);
}

/**
 * A schedule from a msg or the editor: {kind:'always'}, {kind:'time_bound', start, end},
 * {kind:'recurring', days, startMinute|startTime, endMinute|endTime}, {kind:'one_time'}; a bare
 * {start, end} means time_bound. Undefined when absent.
 */
export function readSchedule(value: unknown, field = 'schedule'): Schedule | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (!isObj(value)) throw invalidInput(`${field} must be an object with a kind`);
  const kind =
    value.kind ?? (value.start !== undefined || value.end !== undefined ? 'time_bound' : undefined);
  switch (kind) {
    case 'always':
      return { kind: 'always' };
    case 'time_bound': {
      const start = instant(value.start, `${field}.start`);
      const end = instant(value.end, `${field}.end`);
      if (Date.parse(end) <= Date.parse(start))
        throw invalidInput(`${field}.end must be after ${field}.start`);
      return { kind: 'time_bound', start, end };
    }
    case 'recurring': {
      const days = value.days;
      if (
        !Array.isArray(days) ||
        days.length === 0 ||
        !days.every((d) =>
          (WEEKDAYS as readonly unknown[]).includes(typeof d === 'string' ? d.toLowerCase() : d),
        )
      )
        throw invalidInput(`${field}.days must list days among ${WEEKDAYS.join(', ')}`);
      const out: Schedule = {
        kind: 'recurring',
        days: days.map((d) => String(d).toLowerCase() as Weekday),
        startMinute: minuteOfDay(value.startMinute ?? value.startTime, `${field}.startMinute`),
        endMinute: minuteOfDay(value.endMinute ?? value.endTime, `${field}.endMinute`),
      };
      const start = optionalInstant(value.start, `${field}.start`);
      const end = optionalInstant(value.end, `${field}.end`);
      if (start) out.start = start;
      if (end) out.end = end;
      return out;
    }
    case 'one_time': {
      const out: Schedule = { kind: 'one_time' };
      const start = optionalInstant(value.start, `${field}.start`);
      const end = optionalInstant(value.end, `${field}.end`);
      if (start) out.start = start;
      if (end) out.end = end;
      return out;
    }
    default:
      throw invalidInput(`${field}.kind must be always, time_bound, recurring or one_time`);
  }
}

/** An access code (PIN) from a msg: digits as a string or a number; never echoed in errors. */
export function readPin(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const pin = typeof value === 'number' && Number.isInteger(value) && value >= 0 ? String(value) : value;
  if (typeof pin !== 'string' || pin.length > 32) throw invalidInput(`${field} must be a string of digits`);
  return pin.trim();
}

/** A list of ids from an array or a comma-separated string. */
export function readIdList(value: unknown, field: string): string[] {
  const items = typeof value === 'string' ? value.split(/[\s,]+/) : value;
  if (!Array.isArray(items)) throw invalidInput(`${field} must be a list of ids`);
  const ids = items.map((v) => str(v)).filter((v): v is string => v !== undefined);
  if (ids.length === 0 || ids.length !== items.filter((v) => v !== '').length)
    throw invalidInput(`${field} must be a non-empty list of ids (strings)`);
  return ids;
}
