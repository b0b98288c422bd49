/**
 * The JSON shapes on the retained topics, both ways: the bridge encodes, the MQTT lock source decodes.
 * State payloads are snake_case for MQTT users and Home Assistant templates; request/response `data`
 * carries the core model as it is (what Node-RED msg.payload carries too).
 */
import {
  CAPABILITIES,
  DOOR_STATES,
  LOCK_STATES,
  type Capability,
  type CodeRules,
  type DoorState,
  type LastAction,
  type Lock,
  type LockState,
  type LockStatus,
} from '../core/model';

export interface WireLastAction {
  action: LockState;
  who: string | null;
  how: string;
  /** Only where the vendor names the keypad slot used. */
  slot?: number;
  at: string;
}

/** `<base>/<lock>/state`. */
export interface WireLockState {
  state: LockState;
  door: DoorState;
  battery: number | null;
  battery_low: boolean;
  online: boolean;
  last_action: WireLastAction | null;
  /** Only where the vendor says how many keys the lock has. */
  keys?: number;
  updated_at: string;
}

/** One entry of `<base>/bridge/locks`. */
export interface WireLockInfo {
  id: string;
  vendor: string;
  account: string;
  vendor_lock_id: string;
  name: string;
  manufacturer: string;
  model: string;
  serial_number: string | null;
  firmware: string | null;
  capabilities: Capability[];
  code_rules: CodeRules | null;
}

export function encodeLastAction(action: LastAction): WireLastAction {
  const wire: WireLastAction = {
    action: action.action,
    who: action.who ?? null,
    how: action.how,
    at: action.at,
  };
  if (action.slot !== undefined) wire.slot = action.slot;
  return wire;
}

export function encodeState(status: LockStatus): WireLockState {
  return {
    state: status.state,
    door: status.door,
    battery: status.battery,
    battery_low: status.batteryLow,
    online: status.online,
    last_action: status.lastAction ? encodeLastAction(status.lastAction) : null,
    ...(status.keys !== undefined ? { keys: status.keys } : {}),
    updated_at: status.updatedAt,
  };
}

export function encodeLockInfo(lock: Lock): WireLockInfo {
  return {
    id: lock.id,
    vendor: lock.vendor,
    account: lock.account,
    vendor_lock_id: lock.vendorLockId,
    name: lock.name,
    manufacturer: lock.manufacturer,
    model: lock.model,
    serial_number: lock.serialNumber ?? null,
    firmware: lock.firmware ?? null,
    capabilities: [...lock.capabilities],
    code_rules: lock.codeRules ?? null,
  };
}

// ---- decoding (the MQTT lock source) ----------------------------------------------------------------

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function decodeLastAction(value: unknown): LastAction | null {
  if (!isObject(value)) return null;
  const action = str(value.action);
  const at = str(value.at);
  if (!action || !(LOCK_STATES as readonly string[]).includes(action) || !at) return null;
  const out: LastAction = {
    action: action as LockState,
    how: (str(value.how) ?? 'unknown') as LastAction['how'],
    at,
  };
  const who = str(value.who);
  if (who !== undefined) out.who = who;
  if (typeof value.slot === 'number' && Number.isInteger(value.slot)) out.slot = value.slot;
  return out;
}

/** Undefined when the payload is not a lock state (the source then keeps what it had). */
export function decodeState(value: unknown): LockStatus | undefined {
  if (!isObject(value)) return undefined;
  const state = str(value.state);
  if (!state || !(LOCK_STATES as readonly string[]).includes(state)) return undefined;
  const door = str(value.door);
  return {
    state: state as LockState,
    door: door && (DOOR_STATES as readonly string[]).includes(door) ? (door as DoorState) : 'unknown',
    battery: typeof value.battery === 'number' ? value.battery : null,
    batteryLow: value.battery_low === true,
    online: value.online !== false,
    lastAction: decodeLastAction(value.last_action),
    ...(typeof value.keys === 'number' && Number.isInteger(value.keys) && value.keys >= 0
      ? { keys: value.keys }
      : {}),
    updatedAt: str(value.updated_at) ?? new Date(0).toISOString(),
  };
}

/** A lock from its list entry and its state; undefined for a malformed entry. */
export function decodeLockInfo(value: unknown, status: LockStatus): Lock | undefined {
  if (!isObject(value)) return undefined;
  const id = str(value.id);
  const vendor = str(value.vendor);
  if (!id || !vendor) return undefined;
  const capabilities = Array.isArray(value.capabilities)
    ? value.capabilities.filter((c): c is Capability => (CAPABILITIES as readonly unknown[]).includes(c))
    : [];
  const lock: Lock = {
    id,
    vendor,
    account: str(value.account) ?? '',
    vendorLockId: str(value.vendor_lock_id) ?? id,
    name: str(value.name) ?? id,
    manufacturer: str(value.manufacturer) ?? '',
    model: str(value.model) ?? '',
    capabilities,
    status,
  };
  const serial = str(value.serial_number);
  if (serial !== undefined) lock.serialNumber = serial;
  const firmware = str(value.firmware);
  if (firmware !== undefined) lock.firmware = firmware;
  if (isObject(value.code_rules)) lock.codeRules = value.code_rules as unknown as CodeRules;
  return lock;
}

/** The status a lock has before its retained state arrived. */
export function unknownStatus(): LockStatus {
  return {
    state: 'UNKNOWN',
    door: 'unknown',
    battery: null,
    batteryLow: false,
    online: false,
    lastAction: null,
    updatedAt: new Date(0).toISOString(),
  };
}

// ---- PIN codes ---------------------------------------------------------------------------------------

/**
 * Removes PINs from anything about to be published: the `code` string of every object that looks like
 * an access code (it has an id, a lockId or a schedule, and no error message), at any depth. Generic,
 * so a new operation cannot forget it; error objects keep their `code` (an error code, not a PIN).
 */
export function stripCodes(value: unknown, depth = 0): unknown {
  if (depth > 12) return null;
  if (Array.isArray(value)) return value.map((v) => stripCodes(v, depth + 1));
  if (!isObject(value)) return value;
  const accessCodeLike = ('id' in value || 'lockId' in value || 'schedule' in value) && !('message' in value);
  const out: Json = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === 'code' && typeof v === 'string' && accessCodeLike) continue;
    out[key] = stripCodes(v, depth + 1);
  }
  return out;
}
