import type { DoorState, LockState, LockStatus } from '../../core/model';
import type { SpkWebhookEnvelope } from './types';

/**
 * SmartphoneKey device shadows, as its documents describe them (spk-alex/documentationai-Docs at
 * 9cd10bc):
 * - events-webhooks.mdx "IoT Shadow Update Payload" and eventbridge-schemas.yaml `ShadowUpdate`: a
 *   `spk.iot.shadow` / `Shadow Update` delivery whose detail carries thingName, version (number) and
 *   reportedState, desiredState, deltaState, metadata as STRINGIFIED JSON ("call JSON.parse() on
 *   them"). The YAML types desiredState as an object, so every one of them is read either way.
 * - matter-bridge-shadow-schemas.json `LockStateReported`: `available` (boolean) plus Matter
 *   attributes keyed `<endpoint>/<cluster>/<attribute>`; any value may be the string "n/a".
 *   x-matter-spec: 257/0 DoorLock.LockState (0 NotFullyLocked, 1 Locked, 2 Unlocked, 3 Unlatched),
 *   257/3 DoorLock.DoorState (0 open, 1 closed, 2 jammed, 3 forced open, 4 error, 5 ajar),
 *   47/12 PowerSource.BatPercentRemaining (Matter: half-percent steps, 0..200),
 *   47/14 PowerSource.BatChargeLevel (0 ok, 1 warning, 2 critical).
 */

/** What one shadow report says about a lock; absent fields were not reported (or were "n/a"). */
export type ShadowReport = Partial<Pick<LockStatus, 'state' | 'door' | 'battery' | 'batteryLow' | 'online'>>;

export interface ShadowUpdate {
  thingName: string;
  version: number;
  report: ShadowReport;
  /** The tenant the delivery names (eventbridge-schemas.yaml: nullable). */
  partnerId?: string;
}

/** A field that the documents say is stringified JSON; an object is taken as it is. */
export function parseShadowField(value: unknown): Record<string, unknown> | undefined {
  let v = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

const ATTRIBUTE_KEY = /^(\d+)\/(\d+)\/(\d+)$/;

/** The value of cluster/attribute on the lowest endpoint that reports it (not "n/a"). */
function attribute(reported: Record<string, unknown>, cluster: number, attr: number): unknown {
  let best: { endpoint: number; value: unknown } | undefined;
  for (const [key, value] of Object.entries(reported)) {
    const m = ATTRIBUTE_KEY.exec(key);
    if (!m || Number(m[2]) !== cluster || Number(m[3]) !== attr || value === 'n/a') continue;
    const endpoint = Number(m[1]);
    if (!best || endpoint < best.endpoint) best = { endpoint, value };
  }
  return best?.value;
}

function integer(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

const LOCK_STATES: Record<number, LockState> = {
  // "Not fully locked": the bolt stopped between positions; a lock showing LOCKED here would lie.
  0: 'JAMMED',
  1: 'LOCKED',
  2: 'UNLOCKED',
  // Unlatched: the latch is pulled back, the door can be pushed open (what OpenLock asks for).
  3: 'OPEN',
};

const DOOR_STATES: Record<number, DoorState> = { 0: 'open', 1: 'closed', 3: 'open', 5: 'open' };

/** A Matter bridge lock shadow (LockStateReported) as the status fields it reports. */
export function matterLockReport(reported: Record<string, unknown>): ShadowReport {
  const report: ShadowReport = {};
  if (typeof reported.available === 'boolean') report.online = reported.available;
  const lockState = integer(attribute(reported, 257, 0));
  if (lockState !== undefined && LOCK_STATES[lockState]) report.state = LOCK_STATES[lockState];
  const door = integer(attribute(reported, 257, 3));
  if (door !== undefined) report.door = DOOR_STATES[door] ?? 'unknown';
  const halfPercent = integer(attribute(reported, 47, 12));
  const battery =
    halfPercent !== undefined && halfPercent >= 0 && halfPercent <= 200
      ? Math.round(halfPercent / 2)
      : undefined;
  if (battery !== undefined) report.battery = battery;
  const chargeLevel = integer(attribute(reported, 47, 14));
  if (chargeLevel !== undefined) report.batteryLow = chargeLevel >= 1;
  else if (battery !== undefined) report.batteryLow = battery <= 20;
  return report;
}

/** A `spk.iot.shadow` delivery as the lock report it carries, or undefined when it is not one. */
export function parseShadowUpdate(envelope: SpkWebhookEnvelope): ShadowUpdate | undefined {
  if (envelope.source !== 'spk.iot.shadow') return undefined;
  const detail = envelope.detail ?? {};
  const reported = parseShadowField(detail.reportedState);
  const version = detail.version;
  if (typeof detail.thingName !== 'string' || !reported) return undefined;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) return undefined;
  return {
    thingName: detail.thingName,
    version,
    report: matterLockReport(reported),
    ...(typeof detail.partnerId === 'string' ? { partnerId: detail.partnerId } : {}),
  };
}

export interface ShadowVersionGateOptions {
  /** A version more than this far ahead of the last one taken is implausible. */
  maxJump?: number;
  /** A first version above this is implausible (AWS IoT shadow versions count updates from 1). */
  maxFirst?: number;
  /** Consecutive, increasing deliveries far below the last version that prove the shadow was reset. */
  resetAfter?: number;
  /** How far behind the last version a delivery may be and still be a late one (never a reset). */
  reorderWindow?: number;
}

/**
 * Which shadow deliveries to believe. Deliveries come out of order and at least once, so an older
 * version than the last taken is ignored; a version absurdly far ahead is ignored too, so that one
 * forged delivery with a huge version cannot freeze the lock's state. A device whose shadow was
 * really recreated (versions restart at 1) is followed again after a few consistent deliveries,
 * so one forged delivery cannot freeze it that way either.
 */
export class ShadowVersionGate {
  private readonly last = new Map<string, number>();
  private readonly lower = new Map<string, { version: number; count: number }>();
  private readonly maxJump: number;
  private readonly maxFirst: number;
  private readonly resetAfter: number;
  private readonly reorderWindow: number;

  constructor(options: ShadowVersionGateOptions = {}) {
    this.maxJump = options.maxJump ?? 100_000;
    this.maxFirst = options.maxFirst ?? 100_000_000;
    this.resetAfter = options.resetAfter ?? 3;
    this.reorderWindow = options.reorderWindow ?? 1000;
  }

  /** True when the delivery is to be taken (and then becomes the last version seen). */
  accept(thing: string, version: number): boolean {
    const last = this.last.get(thing);
    if (last === undefined ? version > this.maxFirst : version > last + this.maxJump) return false;
    if (last === undefined || version > last) {
      this.last.set(thing, version);
      this.lower.delete(thing);
      return true;
    }
    // Just below the last version: a late delivery. Far below: stale, unless a run of increasing
    // versions says the shadow restarted (or the last one taken was forged).
    if (last - version <= this.reorderWindow) return false;
    const run = this.lower.get(thing);
    const next = run && version > run.version ? { version, count: run.count + 1 } : { version, count: 1 };
    this.lower.set(thing, next);
    if (next.count < this.resetAfter) return false;
    this.last.set(thing, version);
    this.lower.delete(thing);
    return true;
  }
}
