/**
 * The normalized lock model. Every vendor maps onto these types, and every surface (Homebridge,
 * Node-RED, MQTT) reads only these types.
 */

export const VENDORS = ['august', 'seam', 'unloc', 'smartphonekey'] as const;
/** The four vendor clouds; tests may register other vendor names with their own drivers. */
export type KnownVendor = (typeof VENDORS)[number];
export type VendorId = KnownVendor | (string & { readonly __vendor?: never });

export const LOCK_STATES = [
  'LOCKED',
  'UNLOCKED',
  'LOCKING',
  'UNLOCKING',
  'JAMMED',
  'OPEN',
  'OPENING',
  'UNKNOWN',
] as const;
export type LockState = (typeof LOCK_STATES)[number];

export const DOOR_STATES = ['open', 'closed', 'unknown'] as const;
export type DoorState = (typeof DOOR_STATES)[number];

/**
 * What a lock can do. A surface shows only what a lock declares, and an operation on a lock that lacks
 * the capability ends in a `not_supported` error.
 */
export const CAPABILITIES = [
  'lock',
  'unlock',
  /** Unlatch / momentary open (August Type 17 unlatch, SmartphoneKey OpenLock). */
  'open',
  /** The lock reports locked/unlocked (SmartphoneKey and Unloc do not). */
  'lock_state',
  'door_sensor',
  'battery',
  'access_codes',
  'access_code_schedules',
  /** Unloc: duplicate a lock to another lock holder or a user. */
  'duplicate',
  /** Unloc keys, SmartphoneKey keys. */
  'keys',
  /** Seam ACS (Salto KS) mobile keys. */
  'mobile_keys',
  /** August lock users (user / manager / superuser). */
  'lock_users',
  /** State changes arrive by push, not only by polling. */
  'push',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

export type ActionMethod =
  'remote' | 'app' | 'keypad' | 'manual' | 'auto' | 'bluetooth' | 'tag' | 'key' | 'schedule' | 'unknown';

/** The last thing that happened to a lock: what, who, how and when. */
export interface LastAction {
  action: LockState;
  /** A display name or user id; never a PIN. */
  who?: string;
  how: ActionMethod;
  /** The keypad slot of the code used, where the vendor tells (August PIN slot); never the PIN. */
  slot?: number;
  /** ISO 8601. */
  at: string;
}

export interface LockStatus {
  state: LockState;
  door: DoorState;
  /** 0..100, or null where the vendor does not say. */
  battery: number | null;
  batteryLow: boolean;
  online: boolean;
  lastAction: LastAction | null;
  /**
   * How many keys (phone keys given to people) the lock has, where the vendor's listing says it
   * cheaply (Unloc: one key listing per lock holder; SmartphoneKey: owned-locks keysCount). Absent
   * where unknown.
   */
  keys?: number;
  /** ISO 8601: when Lockbridge last learned this status. */
  updatedAt: string;
}

export interface Lock {
  /** `<vendor>_<vendor lock id>` cleaned to [A-Za-z0-9_-]; unique within one hub. */
  id: string;
  vendor: VendorId;
  /** The configured account this lock came through. */
  account: string;
  /** The vendor's own id for the lock. */
  vendorLockId: string;
  name: string;
  manufacturer: string;
  model: string;
  serialNumber?: string;
  firmware?: string;
  capabilities: Capability[];
  /** Rules for access codes on this lock, where the lock has a keypad. */
  codeRules?: CodeRules;
  status: LockStatus;
}

export function lockIdFor(vendor: VendorId, vendorLockId: string): string {
  return `${vendor}_${vendorLockId}`.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** Whether two readings describe the lock alike (everything but its status). */
export function sameDescription(a: Lock, b: Lock): boolean {
  return (
    a.name === b.name &&
    a.manufacturer === b.manufacturer &&
    a.model === b.model &&
    a.serialNumber === b.serialNumber &&
    a.firmware === b.firmware &&
    a.capabilities.length === b.capabilities.length &&
    a.capabilities.every((c) => b.capabilities.includes(c)) &&
    JSON.stringify(a.codeRules ?? null) === JSON.stringify(b.codeRules ?? null)
  );
}

export function hasCapability(lock: Pick<Lock, 'capabilities'>, capability: Capability): boolean {
  return lock.capabilities.includes(capability);
}

// ---------------------------------------------------------------------------------------------------
// Commands

export const LOCK_COMMANDS = ['LOCK', 'UNLOCK', 'OPEN', 'STATUS'] as const;
export type LockCommand = (typeof LOCK_COMMANDS)[number];

export interface CommandRequest {
  lockId: string;
  command: LockCommand;
  /** Epoch milliseconds after which the command must not be sent. */
  expiresAt?: number;
  /** The caller's id for the command, echoed in the result. */
  transaction?: string;
  /** Overrides the configured command timeout. */
  timeoutMs?: number;
  /** Who asked (an MQTT user, a Node-RED flow, HomeKit), for the activity log. */
  origin?: string;
}

export type Confirmation = 'push' | 'readback' | 'response' | 'momentary' | 'none';

export interface CommandResult {
  lockId: string;
  command: LockCommand;
  transaction?: string;
  /** How the new state was confirmed. */
  confirmedBy: Confirmation;
  status: LockStatus;
  durationMs: number;
}

// ---------------------------------------------------------------------------------------------------
// Access codes

export const WEEKDAYS = ['mo', 'tu', 'we', 'th', 'fr', 'sa', 'su'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export type Schedule =
  | { kind: 'always' }
  /** Valid from start to end (ISO 8601). */
  | { kind: 'time_bound'; start: string; end: string }
  /** Valid on the given days between two times of day (minutes after midnight, lock-local). */
  | {
      kind: 'recurring';
      days: Weekday[];
      startMinute: number;
      endMinute: number;
      /** Optional window in which the recurrence holds. */
      start?: string;
      end?: string;
    }
  /** Valid for one use, optionally within a window. */
  | { kind: 'one_time'; start?: string; end?: string };

export type ScheduleKind = Schedule['kind'];

export type CodeStatus = 'requested' | 'pending' | 'set' | 'removing' | 'removed' | 'failed' | 'unknown';

export interface AccessCode {
  /** Vendor id of the code (August PIN user id + lock, Seam access_code_id ...). */
  id: string;
  lockId: string;
  name: string;
  /** The PIN; absent where the vendor hides it. Never logged. */
  code?: string;
  schedule: Schedule;
  status: CodeStatus;
  /** Vendor user the code belongs to (August one PIN per user). */
  userId?: string;
  /** Slot on the lock, where the vendor has slots. */
  slot?: number;
  errors?: string[];
}

export interface AccessCodeInput {
  name: string;
  /** Omit to let Lockbridge (or the vendor) generate one that fits the lock. */
  code?: string;
  schedule?: Schedule;
  userId?: string;
}

/**
 * The rules for codes on one lock, declared by its driver. Seam's code_constraints are kept as they
 * come, unknown ones included, so the engine can report what it does not understand.
 */
export interface CodeConstraint {
  constraint_type: string;
  min_length?: number;
  max_length?: number;
  [extra: string]: unknown;
}

export interface CodeRules {
  /** Allowed code lengths, e.g. [4, 5, 6]. */
  lengths: number[];
  /** Digits only. */
  numeric: boolean;
  /** Maximum number of active codes, or null when unbounded/unknown. */
  maxActive: number | null;
  /** The schedule kinds this lock can hold. */
  schedules: ScheduleKind[];
  /** Seam-style constraints, including unknown ones. */
  constraints: CodeConstraint[];
  /** August: one PIN per user per lock. */
  onePerUser?: boolean;
  /** Whether the caller may choose the code (Seam cannot_specify_pin_code says no). */
  canSpecifyCode?: boolean;
}

export interface CodeOperationResult {
  operation: 'create' | 'update' | 'delete';
  lockId: string;
  code: AccessCode;
  /** Final outcome: confirmed on the lock, or failed with a reason. */
  outcome: 'confirmed' | 'failed' | 'pending';
  /** How the outcome was learned. */
  confirmedBy: Confirmation;
  error?: { code: string; message: string };
}

export interface CodeSetInput {
  name: string;
  lockIds: string[];
  code?: string;
  schedule?: Schedule;
  /** Generate a different code per lock instead of one code that fits all of them. */
  codePerLock?: boolean;
}

export interface CodeSetResult {
  name: string;
  results: Array<{
    lockId: string;
    ok: boolean;
    result?: CodeOperationResult;
    error?: { code: string; message: string };
  }>;
}

// ---------------------------------------------------------------------------------------------------
// Sharing

export type ShareRequest =
  /** Unloc: duplicate a lock to another lock holder, or to a user by E.164 phone number. */
  | { kind: 'duplicate'; lockId: string; toLockHolderId?: string; toPhone?: string }
  | { kind: 'delete_duplicate'; lockId: string; duplicateLockId: string }
  /** Unloc / SmartphoneKey keys. */
  | { kind: 'key'; lockId: string; toPhone?: string; userId?: string; schedule?: Schedule; name?: string }
  | { kind: 'revoke_key'; lockId: string; keyId: string }
  /** Seam ACS (Salto KS) mobile key for a stay. */
  | {
      kind: 'mobile_key';
      lockId: string;
      email: string;
      fullName?: string;
      accessGroupIds?: string[];
      start: string;
      end: string;
      phoneCount?: number;
    }
  | { kind: 'revoke_mobile_key'; lockId: string; grantId: string }
  /** August lock users. */
  | { kind: 'lock_user'; lockId: string; userId: string; role: 'user' | 'manager' | 'superuser' }
  | { kind: 'remove_lock_user'; lockId: string; userId: string };

export type ShareKind = ShareRequest['kind'];

export interface Share {
  id: string;
  kind: 'duplicate' | 'key' | 'mobile_key' | 'lock_user';
  lockId: string;
  /** Who it is shared with: a lock holder id, a phone, an email, a user id. */
  with: string;
  state: string;
  start?: string;
  end?: string | null;
  role?: string;
}

export interface ShareResult {
  kind: ShareKind;
  lockId: string;
  share?: Share;
  /** Vendor-specific data a flow might need (duplicate lock id, credential ids ...). */
  data?: Record<string, unknown>;
}
