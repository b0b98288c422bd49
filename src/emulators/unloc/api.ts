/**
 * The Unloc API as this emulator reads it, written from Unloc's developer documentation and not from
 * Lockbridge's driver. UD = developer.unloc.app, AU = api.unloc.app/integrators/ pages.
 * Routes use `:name` placeholders. [INF] marks what no page found confirms.
 */
export const V1 = {
  /** UD getting-an-access-token-integrator: client credentials, scope string or array. */
  token: '/auth/v1/token/',
  /** AU lock-holders; UD creating-a-new-lock-holder: GET list {'lock-holders'}, POST {lockHolder}. */
  lockHolders: '/integrators/v1/lock-holders/',
  /** UD locks-2: {locks} and {lock}. */
  locks: '/integrators/v1/lock-holders/:lh/locks/',
  lock: '/integrators/v1/lock-holders/:lh/locks/:lockId/',
  /** UD the-duplicate-locks-api names the lock id and both body fields; the suffix is [INF]. */
  duplicate: '/integrators/v1/lock-holders/:lh/locks/:lockId/duplicate/',
  /** UD keys-2: GET {keys}, POST {userId (E.164), start|null, end|null, recurrence?, metadata?}. */
  keys: '/integrators/v1/lock-holders/:lh/locks/:lockId/keys/',
  /** [INF] every key of a lock holder. */
  holderKeys: '/integrators/v1/lock-holders/:lh/keys/',
  /** [INF] DELETE of one key. */
  key: '/integrators/v1/lock-holders/:lh/locks/:lockId/keys/:keyId/',
  /** UD roles-1; AU roles. */
  roles: '/integrators/v1/lock-holders/:lh/locks/:lockId/roles/',
  role: '/integrators/v1/lock-holders/:lh/locks/:lockId/roles/:userId/',
  /** UD key-events-webhook (older revision): POST {webhookUrl}. */
  keyEventWebhooks: '/integrators/v1/lock-holders/:lh/locks/:lockId/key-events/webhooks/',
} as const;

/**
 * Unloc API v2 (UD migration-guide: released September 2023; Lock Holder -> Project, Key Event ->
 * Access Event). UD authentication-doc: POST /v2/auth/token/ with scope organization.admin or
 * project.admin plus organization_id or project_id. UD managing-keys / getkeys: keys live on the
 * project, created in bulk as {keys: [{lockId, appUserId, start?, end?, recurrence?}]}, listed with
 * ?lockId=. UD webhooks-guide: POST /v2/projects/{id}/webhooks {trigger: "accessEvent", url, lockId}.
 */
export const V2 = {
  token: '/v2/auth/token/',
  /** UD migration-guide (getlocks) [INF for the answer's wrapper: {locks} as in v1]. */
  locks: '/v2/projects/:projectId/locks',
  /** [INF] one lock. */
  lock: '/v2/projects/:projectId/locks/:lockId',
  keys: '/v2/projects/:projectId/keys',
  /** [INF] revoking one key (the docs show a bulk DELETE on /keys; its body is not documented). */
  key: '/v2/projects/:projectId/keys/:keyId',
  webhooks: '/v2/projects/:projectId/webhooks',
} as const;

/** UD recurring-keys "day_of_the_week": the first three letters, lower case. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** UD recurrence: {timeSpans: [{weekday, startHour, startMinute, endHour, endMinute}]}. */
export interface TimeSpan {
  weekday: (typeof WEEKDAYS)[number];
  startHour: number;
  startMinute: number;
  endHour: number;
  endMinute: number;
}

export interface Recurrence {
  timeSpans: TimeSpan[];
}

export interface LockHolder {
  id: string;
  name: string;
  countryIso: string;
  organizationId: string;
  organizationIdSuffix?: string;
}

/** UD locks-2. duplicatedFromLockId / ownerUserId are [INF]. */
export interface Lock {
  id: string;
  name: string;
  vendor: string;
  imageUrl?: string | null;
  address?: Record<string, unknown>;
  canCreateKeysCount?: number;
  keysCreatedCount?: number;
  battery?: number | null;
  timezone?: string;
  duplicatedFromLockId?: string;
  ownerUserId?: string;
}

/** UD keys-2 / reference createkey: state creating, then active or error. */
export interface Key {
  id: string;
  toUser: { id: string; name?: string; imageUrl?: string | null };
  lockId: string;
  start: string | null;
  end: string | null;
  created: string;
  state: string;
  recurrence?: Recurrence | null;
  /** UD changelog "Key Duration": validity length from start. */
  durationMinutes?: number | null;
}

export interface Role {
  userId: string;
  lockId: string;
  canShare: boolean;
  created: string;
  createdKeys: number;
}

/** UD key-events-webhook (v1: userId) and webhooks-guide (v2 Access Event: appUserId). */
export interface KeyEvent {
  id: string;
  action: string;
  created: string;
  keyId: string;
  lockId: string;
  lockName: string;
  userId?: string;
  appUserId?: string;
  userName: string;
}
