import { randomUUID } from 'node:crypto';
import { MATTER, type AccessLevel, type EmuKey, type EmuStoredEvent } from './api';

export interface EmuSpkLock {
  id: number;
  uuid: string;
  name: string;
  serialNumber: string;
  thingName: string;
  ownerId: string;
  orgId: string;
  online: boolean;
  version: number;
  keys: EmuKey[];
  residents: Array<{ userId: string; name: string; email: string }>;
  events: EmuStoredEvent[];
  /** The device shadow: what was asked and what the device last reported. */
  shadow: { desired: Record<string, unknown>; reported: Record<string, unknown>; version: number };
  /** Door panel PIN for open-with-pin (a PIN, never logged). */
  panelPin?: string;
  /** Opens the device actually performed (tests assert "never twice"). */
  opens: number;
  /** requestId -> the envelope answered, so a retried OpenLock never opens twice. */
  requests: Map<string, unknown>;
  /** Opens queued in the shadow while the device is offline. */
  queuedOpens: number;
  wrongPins: number;
  panelLockedUntil: number;
  lastUpdated: string | null;
}

export interface SpkAccessGrant {
  userId: string;
  lockId: number;
  accessLevel: AccessLevel;
  grantedBy: string | null;
  expiresAt: string | null;
}

export interface SpkLockSeed {
  id: number;
  name: string;
  ownerId: string;
  orgId: string;
  online?: boolean;
  panelPin?: string;
  serialNumber?: string;
  keys?: EmuKey[];
}

export interface SpkSeed {
  /** API key -> organisation id. */
  apiKeys?: Record<string, string>;
  /** JWT -> user id (the JWT issuer is not documented, so tokens are seeded). */
  jwts?: Record<string, string>;
  locks?: SpkLockSeed[];
  grants?: SpkAccessGrant[];
}

export class SpkState {
  readonly apiKeys = new Map<string, string>();
  readonly jwts = new Map<string, string>();
  readonly locks = new Map<number, EmuSpkLock>();
  readonly grants: SpkAccessGrant[] = [];

  seed(seed: SpkSeed, now: number): void {
    for (const [key, org] of Object.entries(seed.apiKeys ?? {})) this.apiKeys.set(key, org);
    for (const [jwt, user] of Object.entries(seed.jwts ?? {})) this.jwts.set(jwt, user);
    for (const l of seed.locks ?? []) {
      const lock: EmuSpkLock = {
        id: l.id,
        uuid: randomUUID(),
        name: l.name,
        serialNumber: l.serialNumber ?? `SPK-${String(l.id).padStart(6, '0')}`,
        thingName: `spk-lock-${l.id}`,
        ownerId: l.ownerId,
        orgId: l.orgId,
        online: l.online ?? true,
        version: 0,
        keys: (l.keys ?? []).map((k) => ({ ...k })),
        residents: [],
        events: [],
        shadow: {
          desired: {},
          reported: {
            available: l.online ?? true,
            [MATTER.lockState]: MATTER.locked,
            [MATTER.doorState]: MATTER.doorClosed,
            [MATTER.batteryHalfPercent]: 180,
          },
          version: 1,
        },
        panelPin: l.panelPin,
        opens: 0,
        requests: new Map(),
        queuedOpens: 0,
        wrongPins: 0,
        panelLockedUntil: 0,
        lastUpdated: null,
      };
      this.locks.set(lock.id, lock);
      this.appendEvent(lock, 'LockCreated', { lockId: lock.id, uuid: lock.uuid }, now);
    }
    for (const g of seed.grants ?? []) this.grants.push({ ...g });
  }

  appendEvent(lock: EmuSpkLock, type: string, data: Record<string, unknown>, now: number): EmuStoredEvent {
    lock.version += 1;
    const event: EmuStoredEvent = {
      aggregateType: 'Lock',
      aggregateId: String(lock.id),
      version: lock.version,
      type,
      timestamp: new Date(now).toISOString(),
      orgId: lock.orgId,
      event: { ...data, timestamp: new Date(now).toISOString() },
    };
    lock.events.push(event);
    lock.lastUpdated = event.timestamp;
    return event;
  }

  /** The access a user has to a lock: owner, key holder, or a grant. */
  accessOf(userId: string, lock: EmuSpkLock, now: number): AccessLevel | undefined {
    if (lock.ownerId === userId) return 'OWNER';
    const grant = this.grants.find(
      (g) => g.userId === userId && g.lockId === lock.id && (!g.expiresAt || Date.parse(g.expiresAt) > now),
    );
    if (grant) return grant.accessLevel;
    if (lock.keys.some((k) => k.userId === userId)) return 'USER';
    return undefined;
  }
}
