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

/**
 * Unloc API v2 (developer.unloc.app migration-guide, September 2023: Lock Holder -> Project). Solid:
 * token (authentication-doc), locks, keys (managing-keys, getkeys: GET ?lockId=, POST {keys: [...]}),
 * webhooks (webhooks-guide: {trigger: "accessEvent", url, lockId}). [INF]: the body of the bulk key
 * DELETE ({keyIds}). One lock is read from the project's lock list (no documented path for one).
 */
export const UNLOC_V2_PATHS = {
  token: '/v2/auth/token/',
  locks: '/v2/projects/:projectId/locks',
  keys: '/v2/projects/:projectId/keys',
  webhooks: '/v2/projects/:projectId/webhooks',
} as const;

export type UnlocApiVersion = 'v1' | 'v2';

/** Which API an account speaks: as configured, else v2 when it names projects, else v1. */
export function unlocApiVersion(config: {
  apiVersion?: UnlocApiVersion;
  projectIds?: string[];
}): UnlocApiVersion {
  return config.apiVersion ?? (config.projectIds !== undefined ? 'v2' : 'v1');
}

/** Fills `:name` placeholders, encoding each value. */
export function fillPath(pattern: string, params: Record<string, string>): string {
  return pattern.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`Missing path parameter ${name}`);
    return encodeURIComponent(value);
  });
}

export const UNLOC_DEFAULT_BASE_URL = 'https://api.unloc.app';

/**
 * Scope strings (solid). A v2 token is asked for with scope `project.admin` and a project_id; the client
 * caches it under `project.admin:<id>`.
 */
export const unlocScopes = {
  integrator: 'integrator.admin',
  admin: (lockHolderId: string) => `lockHolder.admin:${lockHolderId}`,
  duplicate: (lockHolderId: string) => `lockHolder.duplicateLocks:${lockHolderId}`,
  project: (projectId: string) => `project.admin:${projectId}`,
} as const;

/** [INF] The error description Unloc sends with 401 when a token has expired (solid for the text). */
export const UNLOC_JWT_EXPIRED = 'JWT expired';
