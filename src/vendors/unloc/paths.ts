/**
 * Every Unloc path in one table, shared by the client and the emulator, so a path that turns out to be
 * wrong is corrected in one place. Patterns use `:name` placeholders (the emulator routes on them; the
 * client fills them with `fillPath`).
 *
 * Solid (developer.unloc.app): token, lock holders, locks, keys, roles, key-event webhooks.
 * [INF] (inferred, no source confirmed them): duplicate, delete duplicate, revoke key, and the shapes
 * of their answers; the format of key `recurrence`; error bodies {error, errorDescription}.
 */
export const UNLOC_PATHS = {
  token: '/auth/v1/token/',
  lockHolders: '/integrators/v1/lock-holders/',
  locks: '/integrators/v1/lock-holders/:lh/locks/',
  lock: '/integrators/v1/lock-holders/:lh/locks/:lockId/',
  /** [INF] only the lock id in the path is confirmed. */
  duplicate: '/integrators/v1/lock-holders/:lh/locks/:lockId/duplicate/',
  /** [INF] DELETE on the duplicate lock itself. */
  deleteDuplicate: '/integrators/v1/lock-holders/:lh/locks/:lockId/',
  keys: '/integrators/v1/lock-holders/:lh/locks/:lockId/keys/',
  holderKeys: '/integrators/v1/lock-holders/:lh/keys/',
  /** [INF] DELETE on the key. */
  key: '/integrators/v1/lock-holders/:lh/locks/:lockId/keys/:keyId/',
  roles: '/integrators/v1/lock-holders/:lh/locks/:lockId/roles/',
  role: '/integrators/v1/lock-holders/:lh/locks/:lockId/roles/:userId/',
  keyEventWebhooks: '/integrators/v1/lock-holders/:lh/locks/:lockId/key-events/webhooks/',
} as const;

export type UnlocPathName = keyof typeof UNLOC_PATHS;

/** Fills `:name` placeholders, encoding each value. */
export function fillPath(pattern: string, params: Record<string, string>): string {
  return pattern.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`Missing path parameter ${name}`);
    return encodeURIComponent(value);
  });
}

export const UNLOC_DEFAULT_BASE_URL = 'https://api.unloc.app';

/** Scope strings (solid). */
export const unlocScopes = {
  integrator: 'integrator.admin',
  admin: (lockHolderId: string) => `lockHolder.admin:${lockHolderId}`,
  duplicate: (lockHolderId: string) => `lockHolder.duplicateLocks:${lockHolderId}`,
} as const;

/** [INF] The error description Unloc sends with 401 when a token has expired (solid for the text). */
export const UNLOC_JWT_EXPIRED = 'JWT expired';
