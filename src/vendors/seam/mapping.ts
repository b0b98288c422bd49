/**
 * Pure functions between Seam payloads and the core model. No I/O here: everything is tested with
 * payloads shaped like the OpenAPI schema and like the fake's answers.
 */
import { LockbridgeError } from '../../core/errors';
import type {
  AccessCode,
  ActionMethod,
  Capability,
  CodeConstraint,
  CodeRules,
  CodeStatus,
  LastAction,
  LockStatus,
  Schedule,
} from '../../core/model';
import type { DriverLock, DriverPush } from '../driver';
import type { SeamAccessCode, SeamDevice, SeamEvent } from './types';

/** Seam's schema allows 4..9 digit codes where a device does not list its own lengths. */
export const SEAM_DEFAULT_CODE_LENGTHS = [4, 5, 6, 7, 8, 9];
const LOW_BATTERY_LEVEL = 0.2;

export type DriverStatus = DriverLock['status'];

export function lockName(device: SeamDevice): string {
  const p = device.properties;
  const nickname = typeof device.nickname === 'string' ? device.nickname : undefined;
  return nickname || p.appearance?.name || p.name || device.display_name || device.device_id;
}

export function statusFromDevice(device: SeamDevice): DriverStatus {
  const p = device.properties;
  const level = typeof p.battery?.level === 'number' ? p.battery.level : p.battery_level;
  const battery = typeof level === 'number' ? Math.round(Math.max(0, Math.min(1, level)) * 100) : null;
  const batteryLow =
    p.battery?.status === 'low' ||
    p.battery?.status === 'critical' ||
    (typeof level === 'number' && level < LOW_BATTERY_LEVEL);
  return {
    state: p.locked === true ? 'LOCKED' : p.locked === false ? 'UNLOCKED' : 'UNKNOWN',
    door: p.door_open === true ? 'open' : p.door_open === false ? 'closed' : 'unknown',
    battery,
    batteryLow,
    online: p.online !== false,
    lastAction: null,
  };
}

export function capabilitiesFor(device: SeamDevice, options: { mobileKeys?: boolean } = {}): Capability[] {
  const caps: Capability[] = [];
  const supported = device.capabilities_supported ?? [];
  if (supported.includes('lock')) {
    if (device.can_remotely_lock !== false) caps.push('lock');
    if (device.can_remotely_unlock !== false) caps.push('unlock');
    caps.push('lock_state');
  }
  if (device.properties.door_open !== undefined) caps.push('door_sensor');
  if (device.properties.battery !== undefined || device.properties.battery_level !== undefined)
    caps.push('battery');
  if (supported.includes('access_code')) caps.push('access_codes', 'access_code_schedules');
  if (options.mobileKeys) caps.push('mobile_keys');
  // Events reach the hub as push (webhooks, or events/list polling inside the driver).
  caps.push('push');
  return caps;
}

/**
 * The code rules of a device, as Seam declares them. Constraints are kept exactly as they come,
 * unknown ones included, so the access-code engine can say what it does not understand.
 */
export function codeRulesFor(device: SeamDevice): CodeRules | undefined {
  if (!(device.capabilities_supported ?? []).includes('access_code')) return undefined;
  const p = device.properties;
  const constraints: CodeConstraint[] = Array.isArray(p.code_constraints)
    ? p.code_constraints
        .filter((c) => c && typeof c.constraint_type === 'string')
        .map((c) => ({ ...c }) as CodeConstraint)
    : [];
  const lengths =
    Array.isArray(p.supported_code_lengths) && p.supported_code_lengths.length > 0
      ? [...p.supported_code_lengths].sort((a, b) => a - b)
      : [...SEAM_DEFAULT_CODE_LENGTHS];
  return {
    lengths,
    numeric: true,
    maxActive: typeof p.max_active_codes_supported === 'number' ? p.max_active_codes_supported : null,
    schedules: ['always', 'time_bound', 'one_time'],
    constraints,
    canSpecifyCode: !constraints.some((c) => c.constraint_type === 'cannot_specify_pin_code'),
  };
}

export function deviceToDriverLock(device: SeamDevice, options: { mobileKeys?: boolean } = {}): DriverLock {
  const p = device.properties;
  const lock: DriverLock = {
    vendorLockId: device.device_id,
    name: lockName(device),
    manufacturer: p.model?.manufacturer_display_name || p.manufacturer || 'Seam',
    model: p.model?.display_name || device.device_type,
    capabilities: capabilitiesFor(device, options),
    status: statusFromDevice(device),
  };
  if (typeof p.serial_number === 'string') lock.serialNumber = p.serial_number;
  const rules = codeRulesFor(device);
  if (rules) lock.codeRules = rules;
  return lock;
}

// -- access codes ------------------------------------------------------------------------------------

/** Core schedule -> Seam's fields. Seam has no recurring codes. */
export function scheduleToSeam(schedule: Schedule | undefined): {
  starts_at?: string;
  ends_at?: string;
  is_one_time_use?: boolean;
} {
  if (!schedule || schedule.kind === 'always') return {};
  if (schedule.kind === 'time_bound') return { starts_at: schedule.start, ends_at: schedule.end };
  if (schedule.kind === 'one_time') {
    // Seam takes both times or neither ("Both starts_at and ends_at must be provided if one is").
    if (!schedule.start !== !schedule.end)
      throw new LockbridgeError(
        'invalid_input',
        'A one-time Seam code needs both start and end, or neither',
        {
          vendor: 'seam',
        },
      );
    return schedule.start && schedule.end
      ? { is_one_time_use: true, starts_at: schedule.start, ends_at: schedule.end }
      : { is_one_time_use: true };
  }
  throw new LockbridgeError('not_supported', 'Seam access codes cannot hold recurring schedules', {
    vendor: 'seam',
  });
}

export function scheduleFromSeam(code: SeamAccessCode): Schedule {
  const start = code.starts_at ?? undefined;
  const end = code.ends_at ?? undefined;
  if (code.is_one_time_use) {
    const s: Schedule = { kind: 'one_time' };
    if (start) s.start = start;
    if (end) s.end = end;
    return s;
  }
  if (code.type === 'time_bound' && start && end) return { kind: 'time_bound', start, end };
  return { kind: 'always' };
}

/**
 * setting -> pending, set -> set, removing -> removing; unset means "not on the lock": before a
 * time-bound code starts it is pending, after it ends it is removed. A code with errors failed.
 */
export function codeStatusFromSeam(code: SeamAccessCode, now: number): CodeStatus {
  const failed = (code.errors ?? []).some((e) => /failed|error/i.test(String(e.error_code ?? '')));
  if (failed && code.status !== 'set') return 'failed';
  switch (code.status) {
    case 'setting':
      return 'pending';
    case 'set':
      return 'set';
    case 'removing':
      return 'removing';
    case 'unset': {
      const ends = code.ends_at ? Date.parse(code.ends_at) : NaN;
      if (!Number.isNaN(ends) && ends <= now) return 'removed';
      return 'pending';
    }
    default:
      return 'unknown';
  }
}

export function accessCodeFromSeam(code: SeamAccessCode, now: number): AccessCode {
  const out: AccessCode = {
    id: code.access_code_id,
    lockId: code.device_id,
    name: code.name ?? '',
    schedule: scheduleFromSeam(code),
    status: codeStatusFromSeam(code, now),
  };
  if (typeof code.code === 'string') out.code = code.code;
  const errors = (code.errors ?? []).map((e) => String(e.error_code ?? e.message));
  if (errors.length > 0) out.errors = errors;
  return out;
}

// -- events ------------------------------------------------------------------------------------------

/**
 * Seam's lock.locked / lock.unlocked `method` (ST 1.977.0 enum: keycode, manual, automatic, unknown, remote,
 * card; 1.721.0 had `seamapi` instead of remote). A remote unlock may say how it travelled: `is_via_bluetooth`
 * (the provider's app over Bluetooth) or `is_via_nfc` (a phone or fob tapped on the lock), both in ST 1.977.0.
 * `card` is a card or fob presented to the lock: the model's `tag`.
 */
const METHOD_HOW: Record<string, ActionMethod> = {
  keycode: 'keypad',
  manual: 'manual',
  automatic: 'auto',
  remote: 'remote',
  seamapi: 'remote',
  card: 'tag',
  unknown: 'unknown',
};

export function howFromMethod(method: string | undefined, event: Partial<SeamEvent> = {}): ActionMethod {
  if (method === 'remote' && event.is_via_nfc === true) return 'tag';
  if (method === 'remote' && event.is_via_bluetooth === true) return 'bluetooth';
  return (method && Object.hasOwn(METHOD_HOW, method) && METHOD_HOW[method]) || 'unknown';
}

/** Event types after which the set of locks may have changed. */
const LOCKS_CHANGED = new Set([
  'device.added',
  'device.removed',
  'device.deleted',
  'device.converted_to_unmanaged',
  'device.unmanaged.converted_to_managed',
  'device.name_changed',
  'connected_account.connected',
  'connected_account.disconnected',
  'connected_account.deleted',
  'connected_account.completed_first_sync',
]);

/**
 * Lock and device events -> pushes. Access-code events are left to the driver, which reads the code
 * back (an event does not carry the code's name or schedule). `who` is resolved by the caller from an
 * access code id to its name, never to its PIN.
 */
export function pushesFromEvent(
  event: SeamEvent,
  who?: (accessCodeId: string) => string | undefined,
): DriverPush[] {
  const deviceId = event.device_id;
  if (LOCKS_CHANGED.has(event.event_type)) return [{ type: 'locks_changed' }];
  if (!deviceId) return [];
  const at = event.occurred_at || event.created_at;
  switch (event.event_type) {
    case 'lock.locked':
    case 'lock.unlocked': {
      const state = event.event_type === 'lock.locked' ? 'LOCKED' : 'UNLOCKED';
      const action: LastAction = { action: state, how: howFromMethod(event.method, event), at };
      const name = event.access_code_id ? who?.(event.access_code_id) : undefined;
      if (name) action.who = name;
      return [
        { type: 'status', vendorLockId: deviceId, status: { state, lastAction: action } },
        { type: 'activity', vendorLockId: deviceId, action },
      ];
    }
    case 'device.connected':
    case 'device.connection_stabilized':
      return [{ type: 'status', vendorLockId: deviceId, status: { online: true } }];
    case 'device.disconnected':
      return [{ type: 'status', vendorLockId: deviceId, status: { online: false } }];
    case 'device.low_battery':
    case 'device.battery_status_changed': {
      const status: Partial<Omit<LockStatus, 'updatedAt'>> = {};
      if (typeof event.battery_level === 'number') status.battery = Math.round(event.battery_level * 100);
      status.batteryLow =
        event.event_type === 'device.low_battery' ||
        event.battery_status === 'low' ||
        event.battery_status === 'critical';
      return [{ type: 'status', vendorLockId: deviceId, status }];
    }
    default:
      return [];
  }
}

export function isAccessCodeEvent(event: SeamEvent): boolean {
  return event.event_type.startsWith('access_code.') && typeof event.access_code_id === 'string';
}
