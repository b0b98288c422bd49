import { EmulatorHttpError, bearer, type EmuRequest } from '../kit';
import type { EmuSpkLock, SpkState } from './state';

/** Who is calling: an organisation (X-API-Key) and/or a user (Bearer JWT). */
export interface SpkCaller {
  orgId?: string;
  userId?: string;
}

export const UNAUTHORIZED = 'Authentication required. Please provide a valid API token';
export const FORBIDDEN = "You don't have permission to access this resource";
export const NOT_FOUND = 'The requested resource was not found';

/**
 * Either an X-API-Key or a Bearer JWT is accepted (the docs say to send one or the other; seed 004
 * sends both, so a request is let in when either one is valid). X-Org-Id / X-User-Id are rejected.
 */
export function callerOf(state: SpkState, req: EmuRequest): SpkCaller {
  if (req.headers['x-org-id'] !== undefined || req.headers['x-user-id'] !== undefined)
    throw new EmulatorHttpError(401, UNAUTHORIZED);
  const key = req.headers['x-api-key'];
  const jwt = bearer(req.headers);
  const orgId = key ? state.apiKeys.get(key) : undefined;
  const userId = jwt ? state.jwts.get(jwt) : undefined;
  if (!orgId && !userId) throw new EmulatorHttpError(401, UNAUTHORIZED);
  return { orgId, userId };
}

/** The key's organisation must own the lock, or the JWT user must be its owner or a key holder. */
export function canUse(state: SpkState, caller: SpkCaller, lock: EmuSpkLock, now: number): boolean {
  if (caller.orgId && caller.orgId === lock.orgId) return true;
  return caller.userId !== undefined && state.accessOf(caller.userId, lock, now) !== undefined;
}

/** Managing keys: the owning organisation, the owner, or an ADMIN. */
export function canManage(state: SpkState, caller: SpkCaller, lock: EmuSpkLock, now: number): boolean {
  if (caller.orgId && caller.orgId === lock.orgId) return true;
  const level = caller.userId ? state.accessOf(caller.userId, lock, now) : undefined;
  return level === 'OWNER' || level === 'ADMIN';
}

/** 401, then 404, then 403, as the documents list them. */
export function lockFor(
  state: SpkState,
  req: EmuRequest,
  now: number,
  check: typeof canUse = canUse,
): { lock: EmuSpkLock; caller: SpkCaller } {
  const caller = callerOf(state, req);
  const id = Number(req.params.id);
  const lock = Number.isInteger(id) ? state.locks.get(id) : undefined;
  if (!lock) throw new EmulatorHttpError(404, NOT_FOUND);
  if (!check(state, caller, lock, now)) throw new EmulatorHttpError(403, FORBIDDEN);
  return { lock, caller };
}
