import { randomUUID } from 'node:crypto';
import { EmulatorHttpError, type EmulatorServer, type EmuRequest } from '../kit';
import { V1 as UNLOC_PATHS } from './api';
import { ADMIN_PREFIX, DUPLICATE_PREFIX, type UnlocAuth } from './auth';
import type { EmuLock, UnlocState } from './state';

export const E164 = /^\+[1-9]\d{6,14}$/;

function body(req: EmuRequest): Record<string, unknown> {
  return (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
}

/** The holder must exist, and the lock must belong to it. */
export function lockIn(state: UnlocState, lockHolderId: string, lockId: string): EmuLock {
  const lock = state.locks.get(lockId);
  if (!state.lockHolders.has(lockHolderId) || !lock || lock.lockHolderId !== lockHolderId)
    throw new EmulatorHttpError(404, 'Lock not found', { error: 'NotFound' });
  return lock;
}

/** Lock holders, locks, and the Duplicate Locks API. */
export function registerLockRoutes(server: EmulatorServer, state: UnlocState, auth: UnlocAuth): void {
  const readScopes = (lh: string) => [ADMIN_PREFIX + lh, DUPLICATE_PREFIX + lh];

  server.route('GET', UNLOC_PATHS.lockHolders, (req) => {
    const grant = auth.grant(req);
    const integrator = state.integrators.get(grant.clientId);
    let ids: string[];
    if (grant.scopes.includes('integrator.admin')) ids = integrator?.lockHolderIds ?? [];
    else {
      ids = grant.scopes.filter((s) => s.startsWith(ADMIN_PREFIX)).map((s) => s.slice(ADMIN_PREFIX.length));
      // lockHolder.duplicateLocks allows getting and duplicating locks, nothing more.
      if (ids.length === 0)
        throw new EmulatorHttpError(403, 'The access token does not have the required scope', {
          error: 'Forbidden',
        });
    }
    const holders = ids.map((id) => state.lockHolders.get(id)).filter((h) => h !== undefined);
    return {
      status: 200,
      body: {
        'lock-holders': holders.map((h) => ({
          id: h.id,
          name: h.name,
          countryIso: h.countryIso,
          organizationId: h.organizationId,
          organizationIdSuffix: h.organizationIdSuffix,
        })),
      },
    };
  });

  server.route('POST', UNLOC_PATHS.lockHolders, (req) => {
    const grant = auth.require(req, ['integrator.admin']);
    const b = body(req);
    if (typeof b.name !== 'string' || b.name.trim() === '')
      throw new EmulatorHttpError(400, 'name is required', { error: 'ValidationError' });
    if (typeof b.countryIso !== 'string' || !/^[A-Z]{2}$/.test(b.countryIso))
      throw new EmulatorHttpError(400, 'countryIso must be an ISO 3166-1 alpha-2 code', {
        error: 'ValidationError',
      });
    if (typeof b.organizationId !== 'string' || b.organizationId.trim() === '')
      throw new EmulatorHttpError(400, 'organizationId is required', { error: 'ValidationError' });
    const suffix = typeof b.organizationIdSuffix === 'string' ? b.organizationIdSuffix : undefined;
    const duplicate = [...state.lockHolders.values()].some(
      (h) => h.organizationId === b.organizationId && h.organizationIdSuffix === suffix,
    );
    if (duplicate) throw new EmulatorHttpError(409, 'Lock holder already exists', { error: 'Conflict' });
    const holder = {
      id: randomUUID(),
      name: b.name,
      countryIso: b.countryIso,
      organizationId: b.organizationId,
      organizationIdSuffix: suffix,
      activeInstallerInviteCodes:
        b.createVendorAccount === true ? [randomUUID().slice(0, 8).toUpperCase()] : [],
    };
    state.lockHolders.set(holder.id, holder);
    state.integrators.get(grant.clientId)?.lockHolderIds.push(holder.id);
    return { status: 201, body: { lockHolder: holder } };
  });

  server.route('GET', UNLOC_PATHS.locks, (req) => {
    const lh = req.params.lh;
    auth.require(req, readScopes(lh));
    if (!state.lockHolders.has(lh))
      throw new EmulatorHttpError(404, 'Lock holder not found', { error: 'NotFound' });
    return { status: 200, body: { locks: state.locksOf(lh).map((l) => state.view(l)) } };
  });

  server.route('GET', UNLOC_PATHS.lock, (req) => {
    auth.require(req, readScopes(req.params.lh));
    return { status: 200, body: { lock: state.view(lockIn(state, req.params.lh, req.params.lockId)) } };
  });

  server.route('POST', UNLOC_PATHS.duplicate, (req) => {
    const lh = req.params.lh;
    const grant = auth.require(req, readScopes(lh));
    const source = lockIn(state, lh, req.params.lockId);
    const b = body(req);
    const toHolder = typeof b.duplicatedLockHolderId === 'string' ? b.duplicatedLockHolderId : undefined;
    const toUser = typeof b.duplicateUserId === 'string' ? b.duplicateUserId : undefined;
    if ((toHolder ? 1 : 0) + (toUser ? 1 : 0) !== 1)
      throw new EmulatorHttpError(400, 'Give exactly one of duplicatedLockHolderId and duplicateUserId', {
        error: 'ValidationError',
      });
    if (toUser !== undefined && !E164.test(toUser))
      throw new EmulatorHttpError(400, 'duplicateUserId must be an E.164 phone number', {
        error: 'ValidationError',
      });
    if (toHolder !== undefined) {
      if (!state.lockHolders.has(toHolder))
        throw new EmulatorHttpError(404, 'Lock holder not found', { error: 'NotFound' });
      // The new owner must be one of the caller's own lock holders.
      if (!state.integrators.get(grant.clientId)?.lockHolderIds.includes(toHolder))
        throw new EmulatorHttpError(403, 'The target lock holder is not managed by this integrator', {
          error: 'Forbidden',
        });
      if (toHolder === lh)
        throw new EmulatorHttpError(400, 'A lock cannot be duplicated to its own lock holder', {
          error: 'ValidationError',
        });
    }
    const exists = [...state.locks.values()].some(
      (l) =>
        l.duplicatedFromLockId === source.id &&
        (toHolder ? l.lockHolderId === toHolder : l.ownerUserId === toUser),
    );
    if (exists)
      throw new EmulatorHttpError(409, 'The lock is already duplicated to this owner', { error: 'Conflict' });
    const copy: EmuLock = {
      id: randomUUID(),
      name: source.name,
      vendor: source.vendor,
      imageUrl: source.imageUrl ?? null,
      address: source.address ? { ...source.address } : undefined,
      battery: source.battery,
      timezone: source.timezone,
      canCreateKeysCount: toHolder ? source.canCreateKeysCount : 0,
      keysCreatedCount: 0,
      duplicatedFromLockId: source.id,
      ...(toHolder ? { lockHolderId: toHolder } : { ownerUserId: toUser }),
    };
    state.locks.set(copy.id, copy);
    return { status: 201, body: { lock: state.view(copy) } };
  });

  // [INF] deleting a duplicate is a DELETE on the duplicate lock itself.
  server.route('DELETE', UNLOC_PATHS.lock, (req) => {
    const lh = req.params.lh;
    auth.require(req, [ADMIN_PREFIX + lh]);
    const lock = state.locks.get(req.params.lockId);
    if (!lock) throw new EmulatorHttpError(404, 'Lock not found', { error: 'NotFound' });
    const source = lock.duplicatedFromLockId ? state.locks.get(lock.duplicatedFromLockId) : undefined;
    // Its owner holder, or the holder it was duplicated from, may delete it.
    if (lock.lockHolderId !== lh && source?.lockHolderId !== lh)
      throw new EmulatorHttpError(404, 'Lock not found', { error: 'NotFound' });
    if (!lock.duplicatedFromLockId)
      throw new EmulatorHttpError(400, 'Only duplicated locks can be deleted', { error: 'ValidationError' });
    state.locks.delete(lock.id);
    for (const [id, key] of state.keys) if (key.lockId === lock.id) state.keys.delete(id);
    state.roles.delete(lock.id);
    for (let i = state.webhooks.length - 1; i >= 0; i--)
      if (state.webhooks[i].lockId === lock.id) state.webhooks.splice(i, 1);
    return { status: 204 };
  });
}
