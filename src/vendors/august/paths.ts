/**
 * Every August/Yale REST path in one table, shared by the client and the emulator so a correction is
 * made in one place. Entries marked [INF] were not confirmed by any public source
 * (../shared/reference/vendor-apis.md section 1a, "Open items"): change them here when the real path
 * is known.
 */
const enc = encodeURIComponent;

export const AUGUST_PATHS = {
  session: () => '/session',
  /** [INF] the related real route is DELETE /session/:identifier, which kills every session. */
  logout: () => '/session/logout',
  requestValidation: (kind: ValidationKind) => `/validation/${kind}`,
  validate: (kind: ValidationKind) => `/validate/${kind}`,

  myHouses: () => '/users/houses/mine',
  house: (houseId: string) => `/houses/${enc(houseId)}`,
  /** Y api_common.py API_GET_HOUSE_ACTIVITIES_URL, sent with Accept-Version 4.0.0 and ?limit. */
  houseActivities: (houseId: string) => `/houses/${enc(houseId)}/activities`,
  myLocks: () => '/users/locks/mine',
  lock: (lockId: string) => `/locks/${enc(lockId)}`,
  lockStatus: (lockId: string) => `/locks/${enc(lockId)}/status`,
  /** [INF] */
  capabilities: () => '/devices/capabilities',

  remoteOperate: (lockId: string, command: string) => `/remoteoperate/${enc(lockId)}/${enc(command)}`,

  pins: (lockId: string) => `/locks/${enc(lockId)}/pins`,
  reservePin: (lockId: string) => `/locks/${enc(lockId)}/pin`,
  /** [INF] the newer per-user reservation route. */
  reserveCredential: (lockId: string, userId: string) =>
    `/locks/${enc(lockId)}/users/${enc(userId)}/credential`,
  /** [INF] */
  masterPin: (lockId: string) => `/locks/${enc(lockId)}/pins/master`,
  /** [INF] */
  transferPin: (lockId: string) => `/locks/${enc(lockId)}/pins/transfer`,
  syncPins: (lockId: string) => `/locks/${enc(lockId)}/pins/sync`,
  unverifiedUsers: () => '/unverifiedusers',

  /** Legacy path (AD, AY); the newer one is [INF]. */
  addUser: (lockId: string, userId: string, type: LockUserType) =>
    `/locks/adduser/${enc(lockId)}/${enc(userId)}/${enc(type)}`,
  changeUserType: (lockId: string, userId: string, type: LockUserType) =>
    `/locks/${enc(lockId)}/${enc(userId)}/${enc(type)}`,
  removeUser: (lockId: string, userId: string) => `/locks/${enc(lockId)}/${enc(userId)}`,

  subscribers: () => '/websocket/subscribers',
  subscriber: (subscriberId: string) => `/websocket/subscribers/${enc(subscriberId)}`,
  /** [INF] */
  partnerSubUser: () => '/partners/sub-user',
} as const;

export type ValidationKind = 'email' | 'phone';
export const LOCK_USER_TYPES = ['user', 'manager', 'superuser'] as const;
export type LockUserType = (typeof LOCK_USER_TYPES)[number];

/** The remote-operate command enum of the seed document; anything else answers 501. */
export const REMOTE_COMMANDS = [
  'lock',
  'unlock',
  'status',
  'reboot',
  'rebootLock',
  'unlatch',
  'telemetry',
  'secure',
  'calibrate',
  'disablehomekit',
  'extendedfunction',
  'ota',
] as const;
export type RemoteCommand = (typeof REMOTE_COMMANDS)[number];

/**
 * Accept-Version picks the route version; remote operate v2 is `2.0.0` (seed 001); the house activity
 * feed in its v4 entry format is `4.0.0` (yalexs api_common.py _build_get_house_activities_request).
 */
export const ACCEPT_VERSION = { default: '0.0.1', remoteOperateV2: '2.0.0', activities: '4.0.0' } as const;

/** Lock IDs are 32 upper-case hex characters. */
export const LOCK_ID_PATTERN = /^[\dA-F]{32}$/;

/** At most 240 PINs set or reserved per lock (AD mentions 208 slots; 240 is the documented rule). */
export const MAX_PINS_PER_LOCK = 240;
