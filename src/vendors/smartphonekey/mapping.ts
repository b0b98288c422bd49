import type { Capability, LastAction, Share } from '../../core/model';
import type { ShadowReport } from './shadow';
import type { DriverLock, DriverPush } from '../driver';
import type { SpkAccessibleLock, SpkKey, SpkOwnedLock, SpkStoredEvent, SpkWebhookEnvelope } from './types';

/**
 * A SmartphoneKey lock as a DriverLock.
 *
 * What is honest about state: SmartphoneKey has no locked/unlocked state in its REST API. OpenLock is a
 * momentary command through the device shadow. So the state is UNKNOWN unless the vendor itself told
 * us: the last device-shadow report received by webhook (Matter DoorLock LockState). We never assume
 * LOCKED. `online` comes from owned-locks, or from the shadow's `available` when that is newer; for a
 * lock the user can access but does not own and whose shadow we have not seen, nothing says, and we
 * report it online.
 * 'keys' is declared only where the user may manage keys (OWNER or ADMIN).
 */
export function spkLockToDriverLock(input: {
  accessible: SpkAccessibleLock;
  owned?: SpkOwnedLock;
  serialNumber?: string;
  shadow?: ShadowReport;
  lastAction?: LastAction | null;
  push: boolean;
}): DriverLock {
  const { accessible, owned } = input;
  const capabilities: Capability[] = ['open'];
  if (accessible.accessLevel === 'OWNER' || accessible.accessLevel === 'ADMIN') capabilities.push('keys');
  if (input.push) capabilities.push('push');
  const serial = owned?.serialNumber ?? input.serialNumber;
  return {
    vendorLockId: String(accessible.lockId),
    name: accessible.lockName || `SmartphoneKey lock ${accessible.lockId}`,
    manufacturer: 'SmartphoneKey',
    model: 'Smart lock',
    ...(serial ? { serialNumber: serial } : {}),
    capabilities,
    status: {
      state: input.shadow?.state ?? 'UNKNOWN',
      door: input.shadow?.door ?? 'unknown',
      battery: input.shadow?.battery ?? null,
      batteryLow: input.shadow?.batteryLow ?? false,
      online: input.shadow?.online ?? (owned ? owned.online !== false : true),
      lastAction: input.lastAction ?? null,
      // owned-locks keysCount (vendor-apis.md, SmartphoneKey "List locks"): only for locks we own.
      ...(typeof owned?.keysCount === 'number' && owned.keysCount >= 0 ? { keys: owned.keysCount } : {}),
    },
  };
}

/** A LockOpenRequested event as the lock's last action (remote: through the API). */
export function openEventToAction(
  type: string,
  data: Record<string, unknown>,
  fallbackAt: string,
): LastAction | undefined {
  if (type !== 'LockOpenRequested') return undefined;
  const ts = data.timestamp;
  const at =
    typeof ts === 'string' && !Number.isNaN(Date.parse(ts))
      ? new Date(ts).toISOString()
      : typeof ts === 'number'
        ? new Date(ts).toISOString()
        : fallbackAt;
  return { action: 'OPEN', how: 'remote', at };
}

/** The newest open in a page of stored events. */
export function lastOpenAction(events: SpkStoredEvent[]): LastAction | null {
  let best: LastAction | null = null;
  for (const e of events) {
    const action = openEventToAction(e.type, e.event ?? {}, e.timestamp);
    if (action && (!best || Date.parse(action.at) > Date.parse(best.at))) best = action;
  }
  return best;
}

export function spkKeyToShare(key: SpkKey, lockId: string): Share {
  return { id: key.uuid, kind: 'key', lockId, with: key.userId ?? '', state: 'active' };
}

/** Finds our lock id from an event's aggregate id (the numeric lock id, or its uuid). */
export type AggregateIndex = (aggregateId: string) => string | undefined;

/** A lock event (spk.api) delivery as driver pushes: an activity for LockOpenRequested. */
export function webhookToPushes(envelope: SpkWebhookEnvelope, byAggregate: AggregateIndex): DriverPush[] {
  if (envelope.source !== 'spk.api') return [];
  const detail = envelope.detail ?? {};
  const aggregateId = detail.aggregateId;
  const vendorLockId =
    typeof aggregateId === 'string' || typeof aggregateId === 'number'
      ? byAggregate(String(aggregateId))
      : undefined;
  if (!vendorLockId) return [];
  const data = detail.data && typeof detail.data === 'object' ? (detail.data as Record<string, unknown>) : {};
  const type = typeof data.type === 'string' ? data.type : envelope['detail-type'];
  const action = openEventToAction(type, data, envelope.time);
  return action ? [{ type: 'activity', vendorLockId, action }] : [];
}

export function parseWebhookEnvelope(body: unknown): SpkWebhookEnvelope | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  if (typeof b.id !== 'string' || typeof b.source !== 'string' || !b.detail || typeof b.detail !== 'object')
    return undefined;
  return b as unknown as SpkWebhookEnvelope;
}
