import { EmulatorHttpError, type EmulatorServer, type EmuRequest } from '../kit';
import { PANEL_PIN, SPK_ROUTES, type EmuStoredEvent } from './api';
import { FORBIDDEN, NOT_FOUND, callerOf, canManage, lockFor } from './auth';
import type { EmuSpkLock, SpkState } from './state';

/** What the routes need from the emulator: time, the shadow, the panel rules. */
export interface SpkRouteHost {
  state: SpkState;
  now(): number;
  /** Applies an accepted open to the shadow; false when the shadow update fails (502). */
  requestOpen(
    lock: EmuSpkLock,
    data: Record<string, unknown>,
  ): { ok: true; envelope: unknown } | { ok: false };
  /** A correct panel PIN: the device opens now or when it is back online. */
  panelOpen(lock: EmuSpkLock): { offline: boolean };
  appendEvent(lock: EmuSpkLock, type: string, data: Record<string, unknown>): EmuStoredEvent;
  panel: { maxWrongPins: number; lockoutMs: number; unavailable: boolean };
}

function body(req: EmuRequest): Record<string, unknown> {
  if (req.body === undefined) return {};
  if (!req.body || typeof req.body !== 'object' || Array.isArray(req.body))
    throw new EmulatorHttpError(400, 'Request body must be a JSON object');
  return req.body as Record<string, unknown>;
}

function optionalString(b: Record<string, unknown>, field: string): string | undefined {
  const v = b[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new EmulatorHttpError(400, `${field} must be a string`);
  return v;
}

/** OA basic-info 200: `id` is a string, `lockId` a number. */
function basicInfo(lock: EmuSpkLock) {
  return {
    id: String(lock.id),
    lockId: lock.id,
    uuid: lock.uuid,
    version: lock.version,
    serialNumber: lock.serialNumber,
    ownerId: lock.ownerId,
    orgId: lock.orgId,
    organizationId: lock.orgId,
    doId: `do-${lock.uuid}`,
    r2Prefix: `locks/${lock.uuid}/`,
  };
}

export function registerSpkRoutes(server: EmulatorServer, host: SpkRouteHost): void {
  const { state } = host;

  server.route('POST', SPK_ROUTES.openLock, (req) => {
    const { lock } = lockFor(state, req, host.now());
    const b = body(req);
    const requestId = optionalString(b, 'requestId');
    const reason = optionalString(b, 'reason');
    // The same requestId is the same request: answered again, never opened twice.
    if (requestId && lock.requests.has(requestId)) return { status: 200, body: lock.requests.get(requestId) };
    const result = host.requestOpen(lock, {
      ...(reason !== undefined ? { reason } : {}),
      ...(requestId !== undefined ? { requestId } : {}),
    });
    if (!result.ok) throw new EmulatorHttpError(502, 'Failed to update device shadow', { error: 'Error' });
    return { status: 200, body: result.envelope };
  });

  server.route('GET', SPK_ROUTES.basicInfo, (req) => {
    const { lock } = lockFor(state, req, host.now());
    return { status: 200, body: basicInfo(lock) };
  });

  server.route('GET', SPK_ROUTES.details, (req) => {
    const { lock } = lockFor(state, req, host.now());
    return {
      status: 200,
      body: {
        ...basicInfo(lock),
        // OA details keys[]: indexNumber a number and userId a string when present, never null.
        keys: lock.keys.map((k) => ({
          uuid: k.uuid,
          ...(typeof k.indexNumber === 'number' ? { indexNumber: k.indexNumber } : {}),
          ...(typeof k.userId === 'string' ? { userId: k.userId } : {}),
        })),
        residents: lock.residents.map((r) => ({ ...r })),
        timestamp: new Date(host.now()).toISOString(),
      },
    };
  });

  server.route('GET', SPK_ROUTES.events, (req) => {
    const { lock } = lockFor(state, req, host.now());
    const raw = req.query.get('page');
    const page = raw === null ? 1 : Number(raw);
    if (!Number.isInteger(page) || page < 1)
      throw new EmulatorHttpError(400, 'page must be a positive integer');
    const pageSize = 10;
    // Newest first: page 1 is the last ten events.
    const newest = [...lock.events].reverse();
    return {
      status: 200,
      body: {
        aggregateId: String(lock.id),
        totalEvents: newest.length,
        page,
        pageSize,
        totalPages: Math.max(1, Math.ceil(newest.length / pageSize)),
        events: newest.slice((page - 1) * pageSize, page * pageSize),
      },
    };
  });

  server.route('POST', SPK_ROUTES.addKey, (req) => {
    const { lock } = lockFor(state, req, host.now(), canManage);
    const b = body(req);
    const keyUuid = optionalString(b, 'keyUuid');
    const userId = optionalString(b, 'userId');
    if (!keyUuid) throw new EmulatorHttpError(400, 'keyUuid is required');
    const index = b.keyIndexNumber;
    if (index !== undefined && (typeof index !== 'number' || !Number.isInteger(index) || index < 0))
      throw new EmulatorHttpError(400, 'keyIndexNumber must be a non-negative integer');
    if (lock.keys.some((k) => k.uuid === keyUuid || (index !== undefined && k.indexNumber === index)))
      throw new EmulatorHttpError(400, 'Key already exists on this lock');
    const indexNumber =
      typeof index === 'number'
        ? index
        : lock.keys.reduce((m, k) => Math.max(m, (k.indexNumber ?? -1) + 1), 0);
    lock.keys.push({ uuid: keyUuid, indexNumber, userId: userId ?? null });
    const data = {
      lockId: lock.id,
      uuid: lock.uuid,
      keyUuid,
      keyIndexNumber: indexNumber,
      ...(userId !== undefined ? { userId } : {}),
    };
    // OA AddKey 200: event.data carries the event's timestamp.
    const stored = host.appendEvent(lock, 'KeyAdded', data);
    return {
      status: 200,
      body: {
        success: true,
        aggregateId: String(lock.id),
        version: lock.version,
        event: { type: 'KeyAdded', data: stored.event },
      },
    };
  });

  server.route('POST', SPK_ROUTES.removeKey, (req) => {
    const { lock } = lockFor(state, req, host.now(), canManage);
    const b = body(req);
    const keyUuid = optionalString(b, 'keyUuid');
    const index = b.keyIndexNumber;
    if (!keyUuid && typeof index !== 'number')
      throw new EmulatorHttpError(400, 'keyUuid or keyIndexNumber is required');
    const at = lock.keys.findIndex((k) => (keyUuid ? k.uuid === keyUuid : k.indexNumber === index));
    if (at < 0) throw new EmulatorHttpError(404, NOT_FOUND);
    const [key] = lock.keys.splice(at, 1);
    const data = {
      lockId: lock.id,
      uuid: lock.uuid,
      keyUuid: key.uuid,
      ...(typeof key.indexNumber === 'number' ? { keyIndexNumber: key.indexNumber } : {}),
    };
    const stored = host.appendEvent(lock, 'KeyRemoved', data);
    return {
      status: 200,
      body: {
        success: true,
        aggregateId: String(lock.id),
        version: lock.version,
        event: { type: 'KeyRemoved', data: stored.event },
      },
    };
  });

  const userLocks = (req: EmuRequest): EmuSpkLock[] => {
    const caller = callerOf(state, req);
    const userId = req.params.userId;
    // A user sees their own lists; an organisation sees its user's locks within the organisation.
    if (caller.userId !== userId && !caller.orgId) throw new EmulatorHttpError(403, FORBIDDEN);
    const all = [...state.locks.values()];
    return caller.userId === userId ? all : all.filter((l) => l.orgId === caller.orgId);
  };

  server.route('GET', SPK_ROUTES.ownedLocks, (req) => {
    const locks = userLocks(req).filter((l) => l.ownerId === req.params.userId);
    return {
      status: 200,
      body: {
        locks: locks.map((l) => ({
          lockUuid: l.uuid,
          serialNumber: l.serialNumber,
          thingName: l.thingName,
          online: l.online,
          keysCount: l.keys.length,
          residentCount: l.residents.length,
          lastEvent: l.events.at(-1)?.type ?? null,
          // OA: epoch milliseconds (a number), or null.
          lastUpdated: l.lastUpdated === null ? null : Date.parse(l.lastUpdated),
        })),
        totalCount: locks.length,
        source: 'spacetimedb',
      },
    };
  });

  server.route('GET', SPK_ROUTES.accessibleLocks, (req) => {
    const userId = req.params.userId;
    const now = host.now();
    const out = userLocks(req)
      .map((l) => ({ lock: l, level: state.accessOf(userId, l, now) }))
      .filter((x) => x.level !== undefined)
      .map(({ lock, level }) => {
        const grant = state.grants.find((g) => g.userId === userId && g.lockId === lock.id);
        return {
          // OA accessible-locks: lockId is a string.
          lockId: String(lock.id),
          lockName: lock.name,
          accessLevel: level,
          // OA: grantedBy is a required string (the owner's own id for OWNER, [INF]); expiresAt a
          // string, left out when access does not expire.
          grantedBy: level === 'OWNER' ? lock.ownerId : (grant?.grantedBy ?? lock.ownerId),
          ...(level !== 'OWNER' && grant?.expiresAt ? { expiresAt: grant.expiresAt } : {}),
        };
      });
    return { status: 200, body: { locks: out, totalCount: out.length } };
  });

  // Door panels call this without credentials.
  server.route('POST', SPK_ROUTES.openWithPin, (req) => {
    const id = Number(req.params.id);
    const lock = Number.isInteger(id) ? state.locks.get(id) : undefined;
    if (!lock || !lock.panelPin) throw new EmulatorHttpError(404, NOT_FOUND);
    if (host.panel.unavailable)
      throw new EmulatorHttpError(503, 'Panel service unavailable', { error: 'Service Unavailable' });
    const now = host.now();
    if (lock.panelLockedUntil > now) {
      const seconds = Math.ceil((lock.panelLockedUntil - now) / 1000);
      throw new EmulatorHttpError(
        429,
        'Too many wrong PINs, try again later',
        { error: 'Too Many Requests' },
        {
          'retry-after': String(seconds),
        },
      );
    }
    const pin = body(req).pin;
    if (typeof pin !== 'string' || !PANEL_PIN.test(pin))
      throw new EmulatorHttpError(400, 'pin must be 4 to 8 digits');
    if (pin !== lock.panelPin) {
      lock.wrongPins += 1;
      if (lock.wrongPins >= host.panel.maxWrongPins) {
        lock.wrongPins = 0;
        lock.panelLockedUntil = now + host.panel.lockoutMs;
      }
      throw new EmulatorHttpError(401, 'The PIN is not valid for this lock', { error: 'Invalid PIN' });
    }
    lock.wrongPins = 0;
    return { status: 200, body: { success: true, ...host.panelOpen(lock) } };
  });
}
