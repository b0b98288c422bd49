import { EmulatorHttpError } from '../kit/server';
import { LOCK_ID, USER_TYPES, type UserType } from './api';
import type { AugustState, EmuLock, EmuUser } from './state';

const RANK: Record<UserType, number> = { user: 1, manager: 2, superuser: 3 };

/**
 * Finds a lock the caller may use. A lock id that is not 32 upper-case hex is a 400; an unknown lock
 * a 404; a lock the caller is not on, or a role below `minimum`, a 403 (or `roleStatus`: the user
 * routes answer 401 there, per the route catalog).
 */
export function lockFor(
  state: AugustState,
  lockId: string,
  user: EmuUser,
  minimum: UserType = 'user',
  roleStatus = 403,
): EmuLock {
  if (!LOCK_ID.test(lockId)) throw new EmulatorHttpError(400, 'lockID must match ^[\\dA-F]{32}$');
  const lock = state.locks.get(lockId);
  if (!lock) throw new EmulatorHttpError(404, 'Lock not found');
  const role = lock.users.get(user.userId);
  if (!role) throw new EmulatorHttpError(403, 'Not an owner of this lock');
  if (RANK[role] < RANK[minimum])
    throw new EmulatorHttpError(
      roleStatus,
      `The caller must be a ${minimum === 'superuser' ? 'superuser' : 'manager or superuser'} on this lock`,
    );
  return lock;
}

export function isUserType(value: string): value is UserType {
  return (USER_TYPES as readonly string[]).includes(value);
}

export function requireBridgeOnline(lock: EmuLock): void {
  if (!lock.bridge || !lock.bridge.online)
    throw new EmulatorHttpError(422, 'Bridge is offline', { code: 98 });
}

export function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body))
    throw new EmulatorHttpError(400, 'Body must be a JSON object');
  return body as Record<string, unknown>;
}
