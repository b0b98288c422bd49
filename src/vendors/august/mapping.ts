/**
 * Pure functions from August/Yale payloads to the core model, and from core schedules to PIN command
 * fields. No I/O here: every function is tested on the captured fixtures.
 */
import { LockbridgeError } from '../../core/errors';
import {
  WEEKDAYS,
  type AccessCode,
  type ActionMethod,
  type Capability,
  type CodeRules,
  type CodeStatus,
  type DoorState,
  type LastAction,
  type LockState,
  type LockStatus,
  type Schedule,
  type ScheduleKind,
} from '../../core/model';
import type { DriverLock } from '../driver';
import { RRULE_DAYS } from '../../core/rrule';
import { MAX_PINS_PER_LOCK } from './paths';
import type {
  AugustActivity,
  AugustCapabilities,
  AugustLockDetail,
  AugustPin,
  AugustPinCommand,
  AugustPinsByState,
  AugustPushMessage,
  AugustRemoteOperateResult,
  PinAccessType,
} from './types';
import { PIN_STATES } from './types';

// ---------------------------------------------------------------------------------------------------
// Lock and door states

/** yalexs lock.py LOCKED_STATUS, UNLOCKED_STATUS ... (plain `lock`/`unlock` included). */
const LOCK_STATE_BY_STATUS: Record<string, LockState> = {
  lock: 'LOCKED',
  locked: 'LOCKED',
  kAugLockState_Locked: 'LOCKED',
  kAugLockState_SecureMode: 'LOCKED',
  unlock: 'UNLOCKED',
  unlocked: 'UNLOCKED',
  kAugLockState_Unlocked: 'UNLOCKED',
  locking: 'LOCKING',
  kAugLockState_Locking: 'LOCKING',
  unlocking: 'UNLOCKING',
  kAugLockState_Unlocking: 'UNLOCKING',
  // Unlatch (Type 17) pulls the latch: the door can be opened.
  unlatched: 'OPEN',
  kAugLockState_Unlatched: 'OPEN',
  unlatching: 'OPENING',
  kAugLockState_Unlatching: 'OPENING',
  jammed: 'JAMMED',
  kAugLockState_Jammed: 'JAMMED',
  kAugLockState_UnknownStaticPosition: 'JAMMED',
  FAILED_BRIDGE_ERROR_LOCK_JAMMED: 'JAMMED',
  unknown: 'UNKNOWN',
  'not-advertising': 'UNKNOWN',
};

/** The lock state a status string names, or undefined when it names none (bridge events ...). */
export function lockStateFrom(status: string | undefined): LockState | undefined {
  return status === undefined ? undefined : LOCK_STATE_BY_STATUS[status];
}

/**
 * yalexs lock.py OPEN_STATUS / CLOSED_STATUS. Anything else (kAugDoorState_Ajar, kAugDoorState_Unknown)
 * is an unknown door on a lock that does have DoorSense.
 */
const DOOR_BY_STATE: Record<string, DoorState> = {
  open: 'open',
  kAugDoorState_Open: 'open',
  kAugLockDoorState_Open: 'open',
  closed: 'closed',
  kAugDoorState_Closed: 'closed',
  kAugLockDoorState_Closed: 'closed',
};

export function doorStateFrom(doorState: string | undefined): DoorState {
  return (doorState && DOOR_BY_STATE[doorState]) || 'unknown';
}

/** yalexs lock.py DISABLE_STATUS: DoorSense off or not calibrated. */
const DOORSENSE_OFF = new Set(['init', 'kAugDoorState_Init', '']);

/** yalexs lock.py: DoorSense is on when LockStatus has a doorState that is not a "disabled" value. */
export function hasDoorSense(detail: AugustLockDetail): boolean {
  const doorState = detail.LockStatus?.doorState;
  return typeof doorState === 'string' && !DOORSENSE_OFF.has(doorState);
}

/** yalexs: no bridge means no remote access; a bridge with a status says online or not. */
export function bridgeOnline(detail: AugustLockDetail): boolean {
  const bridge = detail.Bridge;
  if (!bridge) return false;
  if (bridge.status?.current) return bridge.status.current === 'online';
  return bridge.operative !== false;
}

const LOW_BATTERY = 0.2;

export function batteryFrom(detail: AugustLockDetail): { battery: number | null; batteryLow: boolean } {
  const raw =
    typeof detail.battery === 'number' && detail.battery >= 0
      ? detail.battery
      : typeof detail.batteryInfo?.level === 'number' && detail.batteryInfo.level >= 0
        ? detail.batteryInfo.level
        : undefined;
  if (raw === undefined) return { battery: null, batteryLow: false };
  const warning = detail.batteryInfo?.warningState;
  const warned = warning !== undefined && warning !== 'lock_state_battery_warning_none';
  return { battery: Math.round(Math.min(1, raw) * 100), batteryLow: raw < LOW_BATTERY || warned };
}

/**
 * yalexs lock.py unlatch_supported: the capabilities answer's `lock.unlatch` when there is one, else
 * Type 17 (Linus L2).
 */
export function supportsUnlatch(
  detail: Pick<AugustLockDetail, 'Type'>,
  capabilities?: AugustCapabilities,
): boolean {
  if (capabilities?.lock) return capabilities.lock.unlatch === true;
  return detail.Type === 17;
}

export function supportsEntryCodes(detail: AugustLockDetail): boolean {
  return detail.keypad !== undefined || detail.supportsEntryCodes === true;
}

/** Type 1 takes "always" PINs only; Type 2 and up take schedules unless the lock says otherwise. */
export function supportsSchedules(detail: AugustLockDetail): boolean {
  if (detail.accessSchedulesAllowed === false) return false;
  return (detail.Type ?? 0) >= 2 || detail.accessSchedulesAllowed === true;
}

export function statusFromDetail(detail: AugustLockDetail): Omit<LockStatus, 'updatedAt'> {
  return {
    state: lockStateFrom(detail.LockStatus?.status) ?? 'UNKNOWN',
    door: doorStateFrom(detail.LockStatus?.doorState),
    ...batteryFrom(detail),
    online: bridgeOnline(detail),
    lastAction: null,
  };
}

const DEFAULT_PIN_LENGTHS = { min: 4, max: 6 };

export function codeRulesFor(detail: AugustLockDetail, capabilities?: AugustCapabilities): CodeRules {
  const min = capabilities?.keypad?.pinLengthMin ?? DEFAULT_PIN_LENGTHS.min;
  const max = Math.max(min, capabilities?.keypad?.pinLengthMax ?? DEFAULT_PIN_LENGTHS.max);
  const lengths: number[] = [];
  for (let n = min; n <= max; n++) lengths.push(n);
  const schedules: ScheduleKind[] = supportsSchedules(detail)
    ? ['always', 'time_bound', 'recurring', 'one_time']
    : ['always'];
  return {
    lengths,
    numeric: true,
    maxActive: MAX_PINS_PER_LOCK,
    schedules,
    constraints: [],
    onePerUser: true,
    canSpecifyCode: true,
  };
}

export interface LockMappingOptions {
  /** Shown when the lock does not name its maker. */
  manufacturer: string;
  capabilities?: AugustCapabilities;
  /** Live updates are on for this account. */
  push?: boolean;
}

function firmwareOf(value: AugustLockDetail['currentFirmwareVersion']): string | undefined {
  if (typeof value === 'string' && value && !value.startsWith('undefined-')) return value;
  if (typeof value === 'string' && value.startsWith('undefined-')) return value.slice('undefined-'.length);
  return undefined;
}

function manufacturerOf(detail: AugustLockDetail, fallback: string): string {
  const m = detail.hostLockInfo?.manufacturer;
  if (m) return m.charAt(0).toUpperCase() + m.slice(1);
  if (detail.skuNumber?.startsWith('AUG-')) return 'August';
  return fallback;
}

export function capabilitiesOf(
  detail: AugustLockDetail,
  options: Pick<LockMappingOptions, 'push' | 'capabilities'> = {},
): Capability[] {
  const caps: Capability[] = ['lock', 'unlock', 'lock_state', 'lock_users'];
  if (supportsUnlatch(detail, options.capabilities)) caps.push('open');
  if (hasDoorSense(detail)) caps.push('door_sensor');
  if (batteryFrom(detail).battery !== null) caps.push('battery');
  if (supportsEntryCodes(detail)) {
    caps.push('access_codes');
    if (supportsSchedules(detail)) caps.push('access_code_schedules');
  }
  if (options.push) caps.push('push');
  return caps;
}

export function mapLockDetail(detail: AugustLockDetail, options: LockMappingOptions): DriverLock {
  const lock: DriverLock = {
    vendorLockId: detail.LockID,
    name: detail.LockName,
    manufacturer: manufacturerOf(detail, options.manufacturer),
    model: detail.skuNumber && detail.skuNumber !== 'NONE' ? detail.skuNumber : `Type ${detail.Type ?? '?'}`,
    capabilities: capabilitiesOf(detail, options),
    status: statusFromDetail(detail),
  };
  if (detail.SerialNumber) lock.serialNumber = detail.SerialNumber;
  const firmware = firmwareOf(detail.currentFirmwareVersion);
  if (firmware) lock.firmware = firmware;
  if (supportsEntryCodes(detail)) lock.codeRules = codeRulesFor(detail, options.capabilities);
  return lock;
}

// ---------------------------------------------------------------------------------------------------
// Remote operate results and push messages

export interface MappedOperation {
  state?: LockState;
  door?: DoorState;
}

export function mapRemoteOperateResult(result: AugustRemoteOperateResult): MappedOperation {
  const out: MappedOperation = {};
  const state = lockStateFrom(result.status);
  if (state) out.state = state;
  if (result.doorState !== undefined) out.door = doorStateFrom(result.doorState);
  return out;
}

/** callingUserID values that name a method rather than a person. */
const METHOD_USERS: Record<string, ActionMethod> = {
  manuallock: 'manual',
  manualunlock: 'manual',
  manualunlatch: 'manual',
  automaticrelock: 'auto',
  autorelock: 'auto',
};

export interface MappedPush {
  vendorLockId?: string;
  status: Partial<Omit<LockStatus, 'updatedAt'>>;
  activity?: LastAction;
}

const FINAL_STATES: LockState[] = ['LOCKED', 'UNLOCKED', 'OPEN', 'JAMMED'];

/**
 * One PubNub/websocket message. Bridge events change `online`; lock states change `state`; a final
 * state with a caller becomes an activity. A `status` operation result is not an activity (noise).
 */
export function mapPushMessage(message: AugustPushMessage, at: string): MappedPush {
  const out: MappedPush = { status: {} };
  const lockId = message.lockID ?? message.info?.lockID;
  if (lockId) out.vendorLockId = lockId;
  const bridgeOffline = message.error?.restCode === 98 || message.error?.name === 'ERRNO_BRIDGE_OFFLINE';
  if (bridgeOffline || message.status === 'associated_bridge_offline') {
    out.status.online = false;
    return out;
  }
  if (message.status === 'associated_bridge_online') {
    out.status.online = true;
    return out;
  }
  const state = lockStateFrom(message.status ?? message.lockAction);
  if (state && state !== 'UNKNOWN') out.status.state = state;
  if (message.doorState !== undefined) out.status.door = doorStateFrom(message.doorState);
  if (message.result === 'failed') return out;
  const isStatusQuery = message.info?.action === 'status';
  if (state && FINAL_STATES.includes(state) && !isStatusQuery) {
    const caller = message.callingUserID;
    const how: ActionMethod =
      caller && METHOD_USERS[caller]
        ? METHOD_USERS[caller]
        : message.remoteEvent
          ? 'remote'
          : caller
            ? 'app'
            : 'unknown';
    const activity: LastAction = { action: state, how, at };
    if (caller && !METHOD_USERS[caller]) activity.who = caller;
    out.activity = activity;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Activity feed (GET /houses/{id}/activities, older and v4 formats)

export type MappedActivity =
  | {
      kind: 'lock';
      vendorLockId: string;
      action: LastAction;
      /** The feed entry's id, when it has one (v4 `id`, older `entities.activity`). */
      entryId?: string;
      /** The operator's August user id (for the keypad slot look-up); never shown. */
      userId?: string;
    }
  | { kind: 'door'; vendorLockId: string; door: DoorState; at: string; entryId?: string };

/**
 * How a v4 action was done, by its prefix or whole name, after yalexs activity.py KEYPAD_ACTIONS
 * (pin_, finger_, one-touch), REMOTE_ACTIONS, MANUAL_ACTIONS, TAG_ACTIONS (rf_, homekey_),
 * AUTO_RELOCK_ACTIONS and the ble_ (Bluetooth) actions.
 */
const V4_METHODS: Record<string, ActionMethod> = {
  remote: 'remote',
  manual: 'manual',
  auto: 'auto',
  pin: 'keypad',
  finger: 'keypad',
  homekey: 'key',
  rf: 'tag',
  ble: 'bluetooth',
  linked: 'unknown',
};
/** Whole-name v4 actions (yalexs activity.py): the keypad's one-touch lock and the RF secure. */
const V4_WHOLE: Record<string, { action: LockState; how: ActionMethod }> = {
  onetouchlock: { action: 'LOCKED', how: 'keypad' },
  one_touch_lock: { action: 'LOCKED', how: 'keypad' },
  rf_secure: { action: 'LOCKED', how: 'tag' },
};
const V4_STATES: Record<string, LockState> = { lock: 'LOCKED', unlock: 'UNLOCKED', unlatch: 'OPEN' };
const OLD_STATES: Record<string, LockState> = {
  lock: 'LOCKED',
  unlock: 'UNLOCKED',
  unlatch: 'OPEN',
  jammed: 'JAMMED',
  locking: 'LOCKING',
  unlocking: 'UNLOCKING',
  unlatching: 'OPENING',
};
/** Door actions, older (`dooropen`) and newer (`door_open`) spellings (yalexs activity.py). */
const DOOR_ACTIONS: Record<string, DoorState> = {
  dooropen: 'open',
  door_open: 'open',
  doorclosed: 'closed',
  door_close: 'closed',
};

function personName(user: AugustActivity['user']): string | undefined {
  if (!user || !user.UserID || user.UserID === 'deleted' || METHOD_USERS[user.UserID]) return undefined;
  const name = [user.FirstName, user.LastName].filter(Boolean).join(' ').trim();
  return name || user.UserID;
}

function operatorId(user: AugustActivity['user']): string | undefined {
  if (!user?.UserID || user.UserID === 'deleted' || METHOD_USERS[user.UserID]) return undefined;
  return user.UserID;
}

/** One feed entry (older or v4 format) as a lock or door activity; undefined for anything else. */
export function mapActivity(entry: AugustActivity): MappedActivity | undefined {
  const lockId = entry.deviceID;
  const action = entry.action;
  if (!lockId || !action || (entry.deviceType && entry.deviceType !== 'lock')) return undefined;
  const at = new Date(entry.timestamp ?? entry.dateTime ?? 0).toISOString();
  const entryId = entry.id ?? entry.entities?.activity;
  const door = DOOR_ACTIONS[action];
  if (door) return withId({ kind: 'door', vendorLockId: lockId, door, at }, entryId);

  const operator = entry.user ?? entry.callingUser;
  const whole = V4_WHOLE[action];
  const v4 = /^([a-z]+)_(lock|unlock|unlatch)$/.exec(action);
  if (whole || (v4 && V4_METHODS[v4[1]])) {
    const out: LastAction = whole
      ? { action: whole.action, how: whole.how, at }
      : { action: V4_STATES[v4![2]], how: V4_METHODS[v4![1]], at };
    return withOperator(out, lockId, operator, entryId);
  }
  const state = OLD_STATES[action];
  if (!state) return undefined;
  const info = entry.info ?? {};
  const caller = entry.callingUser?.UserID;
  let how: ActionMethod;
  if (caller && METHOD_USERS[caller]) how = METHOD_USERS[caller];
  else if (info.remote === true) how = 'remote';
  else if (info.keypad === true) how = 'keypad';
  else if (info.manual === true) how = 'manual';
  else if (info.tag === true) how = 'tag';
  else how = 'bluetooth';
  return withOperator({ action: state, how, at }, lockId, entry.callingUser, entryId);
}

function withOperator(
  action: LastAction,
  vendorLockId: string,
  operator: AugustActivity['user'],
  entryId: string | undefined,
): MappedActivity {
  const who = personName(operator);
  if (who) action.who = who;
  const out: MappedActivity = { kind: 'lock', vendorLockId, action };
  const userId = operatorId(operator);
  if (userId) out.userId = userId;
  return withId(out, entryId);
}

function withId<T extends MappedActivity>(activity: T, entryId: string | undefined): T {
  if (entryId) activity.entryId = entryId;
  return activity;
}

// ---------------------------------------------------------------------------------------------------
// PINs

const CODE_STATUS_BY_PIN_STATE: Record<string, CodeStatus> = {
  created: 'pending',
  loaded: 'set',
  'in-use': 'set',
  enabling: 'pending',
  updating: 'pending',
  disabling: 'removing',
  // A disabled PIN keeps its user and slot but does not open the lock.
  disabled: 'unknown',
  deleting: 'removing',
  deleted: 'removed',
  failed: 'failed',
};

export function codeStatusFromPinState(state: string | undefined): CodeStatus {
  return (state && CODE_STATUS_BY_PIN_STATE[state]) || 'unknown';
}

/** The code's id is the PIN's user: August holds one PIN per user per lock. */
export function mapPin(pin: AugustPin, vendorLockId: string, groupState?: string): AccessCode {
  const state = groupState ?? pin.state;
  const code: AccessCode = {
    id: pin.userID,
    lockId: vendorLockId,
    name: [pin.firstName, pin.lastName].filter(Boolean).join(' ').trim() || pin.userID,
    schedule: pinFieldsToSchedule(pin),
    status: codeStatusFromPinState(state),
    userId: pin.userID,
  };
  if (pin.pin !== undefined) code.code = String(pin.pin);
  if (typeof pin.slot === 'number') code.slot = pin.slot;
  if (state === 'disabled') code.errors = ['disabled'];
  return code;
}

/** GET /locks/{id}/pins groups PINs by state; the group is the truth when the PIN's own state differs. */
export function mapPinsByState(groups: AugustPinsByState, vendorLockId: string): AccessCode[] {
  const out: AccessCode[] = [];
  for (const state of PIN_STATES) {
    for (const pin of groups[state] ?? []) out.push(mapPin(pin, vendorLockId, state));
  }
  return out;
}

export function findPin(
  groups: AugustPinsByState,
  userId: string,
): { pin: AugustPin; state: string } | undefined {
  for (const state of PIN_STATES) {
    const pin = (groups[state] ?? []).find((p) => p.userID === userId);
    if (pin) return { pin, state };
  }
  return undefined;
}

function isoOrThrow(value: string, field: string): string {
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new LockbridgeError('invalid_input', `Schedule ${field} is not a valid date`);
  return new Date(t).toISOString();
}

/** 2025-01-31T10:00:00.000Z -> 20250131T100000Z (RFC 5545 UTC form). */
function rruleDate(iso: string): string {
  return iso.replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function fromRruleDate(value: string): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z?)?$/.exec(value);
  if (!m) return undefined;
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0))).toISOString();
}

export type PinScheduleFields = Pick<AugustPinCommand, 'accessType' | 'accessTimes' | 'accessRecurrence'>;

/**
 * A core schedule as PIN command fields (vendor-apis.md 1d). Recurring times are lock-local seconds of
 * the day (STARTSEC/ENDSEC) with a weekly RRULE; a recurring window can end (UNTIL) but cannot start
 * later, because the August form has no separate start for a recurrence.
 */
export function scheduleToPinFields(schedule: Schedule | undefined, now = Date.now()): PinScheduleFields {
  if (!schedule || schedule.kind === 'always') return { accessType: 'always' };
  switch (schedule.kind) {
    case 'time_bound': {
      const start = isoOrThrow(schedule.start, 'start');
      const end = isoOrThrow(schedule.end, 'end');
      if (Date.parse(end) <= Date.parse(start))
        throw new LockbridgeError('invalid_input', 'Schedule end must be after its start');
      return { accessType: 'temporary', accessTimes: `DTSTART=${start};DTEND=${end}` };
    }
    case 'recurring': {
      const { startMinute, endMinute } = schedule;
      if (
        !Number.isInteger(startMinute) ||
        !Number.isInteger(endMinute) ||
        startMinute < 0 ||
        endMinute > 1440 ||
        endMinute <= startMinute
      )
        throw new LockbridgeError(
          'invalid_input',
          'Recurring schedule needs 0 <= startMinute < endMinute <= 1440',
        );
      if (schedule.days.length === 0)
        throw new LockbridgeError('invalid_input', 'Recurring schedule needs at least one day');
      if (schedule.start && Date.parse(isoOrThrow(schedule.start, 'start')) > now)
        throw new LockbridgeError('not_supported', 'August recurring PINs cannot start at a later date');
      let rrule = `FREQ=WEEKLY;BYDAY=${WEEKDAYS.filter((d) => schedule.days.includes(d))
        .map((d) => RRULE_DAYS[d])
        .join(',')}`;
      if (schedule.end) rrule += `;UNTIL=${rruleDate(isoOrThrow(schedule.end, 'end'))}`;
      return {
        accessType: 'recurring',
        accessTimes: `STARTSEC=${startMinute * 60};ENDSEC=${endMinute * 60}`,
        accessRecurrence: rrule,
      };
    }
    case 'one_time': {
      const parts: string[] = [];
      if (schedule.start) parts.push(`DTSTART=${isoOrThrow(schedule.start, 'start')}`);
      if (schedule.end) parts.push(`DTEND=${isoOrThrow(schedule.end, 'end')}`);
      return parts.length
        ? { accessType: 'oneTime', accessTimes: parts.join(';') }
        : { accessType: 'oneTime' };
    }
  }
}

function keyValues(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (text ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim().toUpperCase()] = part.slice(i + 1).trim();
  }
  return out;
}

export function normalizeAccessType(value: string | undefined): PinAccessType {
  const v = (value ?? 'always').toLowerCase().replace(/[-_\s]/g, '');
  if (v === 'onetime') return 'oneTime';
  if (v === 'recurring' || v === 'temporary') return v;
  return 'always';
}

function isoFromEpochOrIso(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return new Date(Number(value) * 1000).toISOString();
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

function minuteOfDay(iso: string): number {
  const d = new Date(iso);
  return d.getUTCHours() * 60 + d.getUTCMinutes();
}

/** The PIN's access fields as a core schedule (the inverse of scheduleToPinFields). */
export function pinFieldsToSchedule(
  pin: Pick<
    AugustPin,
    'accessType' | 'accessTimes' | 'accessRecurrence' | 'accessStartTime' | 'accessEndTime'
  >,
): Schedule {
  const type = normalizeAccessType(pin.accessType);
  const times = keyValues(pin.accessTimes);
  const start = isoFromEpochOrIso(times.DTSTART) ?? isoFromEpochOrIso(pin.accessStartTime);
  const end = isoFromEpochOrIso(times.DTEND) ?? isoFromEpochOrIso(pin.accessEndTime);
  switch (type) {
    case 'always':
      return { kind: 'always' };
    case 'temporary': {
      const s = start ?? isoFromEpochOrIso(times.STARTSEC);
      const e = end ?? isoFromEpochOrIso(times.ENDSEC);
      return s && e ? { kind: 'time_bound', start: s, end: e } : { kind: 'always' };
    }
    case 'oneTime': {
      const out: Schedule = { kind: 'one_time' };
      if (start) out.start = start;
      if (end) out.end = end;
      return out;
    }
    case 'recurring': {
      const rule = keyValues(pin.accessRecurrence);
      const days = rule.BYDAY
        ? WEEKDAYS.filter((d) =>
            rule.BYDAY.split(',')
              .map((s) => s.trim().toUpperCase())
              .includes(RRULE_DAYS[d]),
          )
        : [...WEEKDAYS];
      let startMinute = 0;
      let endMinute = 1440;
      if (times.STARTSEC !== undefined) {
        startMinute = Math.floor(Number(times.STARTSEC) / 60);
        endMinute = times.ENDSEC !== undefined ? Math.floor(Number(times.ENDSEC) / 60) : startMinute + 60;
      } else if (start) {
        // DTSTART form: the first occurrence; DTEND defaults to one hour later.
        startMinute = minuteOfDay(start);
        endMinute = end ? minuteOfDay(end) : startMinute + 60;
      }
      const out: Schedule = { kind: 'recurring', days, startMinute, endMinute: Math.min(1440, endMinute) };
      const until = rule.UNTIL ? fromRruleDate(rule.UNTIL) : undefined;
      if (until) out.end = until;
      return out;
    }
  }
}

/** "Ada Lovelace" -> firstName Ada, lastName Lovelace. */
export function splitName(name: string): { firstName: string; lastName: string } {
  const trimmed = name.trim().replace(/\s+/g, ' ');
  const i = trimmed.indexOf(' ');
  return i < 0
    ? { firstName: trimmed, lastName: '' }
    : { firstName: trimmed.slice(0, i), lastName: trimmed.slice(i + 1) };
}
