/**
 * The chaos household: how many locks each emulator holds and their ids. Every scenario takes its own
 * locks from this pool, so each vendor-side arrival belongs to exactly one scenario's commands.
 */
export type ChaosVendor = 'august' | 'seam' | 'smartphonekey';

export type LockCounts = Record<ChaosVendor, number>;

/** The pool of `npm run chaos`; the sample test asks for a smaller one. */
export const LOCK_COUNTS: LockCounts = { august: 64, seam: 100, smartphonekey: 24 };

/** Vendor lock ids, stable across runs (index i of the pool). */
export function vendorLockId(vendor: ChaosVendor, i: number): string {
  const hex = i.toString(16).toUpperCase().padStart(4, '0');
  if (vendor === 'august') return `C4A05000000000000000000000000${hex}`.slice(-32);
  if (vendor === 'seam') return `d0000000-c4a0-4000-8000-00000000${hex.toLowerCase()}`;
  return String(7000 + i);
}

/** The lock's id on MQTT: `<vendor>_<vendor lock id>` (README, MQTT topic reference). */
export function mqttLockId(vendor: ChaosVendor, vendorId: string): string {
  return `${vendor}_${vendorId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** How long each emulator takes to act (the actuation is stamped at its start). */
export const TIMINGS = {
  augustOpMs: 300,
  seamActionMs: 300,
  seamCodeSetMs: 1500,
  spkShadowReportMs: 200,
  spkRelockMs: 1500,
} as const;

export interface ChaosAccount {
  vendor: string;
  id: string;
  [field: string]: unknown;
}

/** What the emulator process prints on stdout when it is ready. */
export interface EmulatorsReady {
  urls: Record<ChaosVendor | 'unloc', string>;
  accounts: ChaosAccount[];
}

/** One request to a lock's actuation route (remote operate, lock_door/unlock_door, OpenLock). */
export interface Arrival {
  lock: string;
  method: string;
  path: string;
  at: number;
  status?: number | 'dropped';
}

/** The lock moved (or started to) because of a remote command. */
export interface Actuation {
  lock: string;
  action: string;
  at: number;
}

/** Requests from the runner to the emulator process (over the IPC channel). */
export type ControlRequest =
  | { op: 'arrivals'; since: number }
  | { op: 'actuations'; since: number }
  | { op: 'online'; lock: string; online: boolean }
  | { op: 'manual'; lock: string; locked: boolean }
  | { op: 'shadowFail'; count: number; afterApply: boolean }
  /** The lock's true state at the vendor (LOCKED/UNLOCKED), or null where it has none (SmartphoneKey). */
  | { op: 'truth'; lock: string }
  /** How many live codes with this name (Seam) or PIN (August) each lock holds at the vendor. */
  | { op: 'codes'; name: string; code: string; locks: string[] }
  | { op: 'requestCount'; vendor: ChaosVendor | 'unloc'; since: number };

export interface ControlEnvelope {
  id: number;
  request: ControlRequest;
}

export interface ControlAnswer {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}
