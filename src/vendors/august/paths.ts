/**
 * Every August/Yale REST path the driver uses, in one table. The emulator keeps its own reading
 * (src/emulators/august/api.ts); the two are checked against each other and against august-api,
 * august-yale and yalexs in the tests. What no independent source confirms is listed in
 * UNVERIFIED_AUGUST_OPERATIONS below, and nowhere else.
 *
 * Sources: Y = yalexs api_common.py; AA = npm august-api 1.5.1; AY = npm august-yale; AD = August's
 * server route catalogue (reference/conformance.md 1a); DOC = the vendor document (august-yale-api.txt).
 */
const enc = encodeURIComponent;

export const AUGUST_PATHS = {
  /** Y, AA. */
  session: () => '/session',
  /** UNVERIFIED (see below). */
  logout: () => '/session/logout',
  /** Y, AA, AD. */
  requestValidation: (kind: ValidationKind) => `/validation/${kind}`,
  /** Y, AA. */
  validate: (kind: ValidationKind) => `/validate/${kind}`,

  /** Y (also its token refresh). */
  myHouses: () => '/users/houses/mine',
  /** Y, AD. */
  house: (houseId: string) => `/houses/${enc(houseId)}`,
  /** Y, sent with Accept-Version 4.0.0 and ?limit. */
  houseActivities: (houseId: string) => `/houses/${enc(houseId)}/activities`,
  /** Y, AA, AD. */
  myLocks: () => '/users/locks/mine',
  /** Y, AA, AD. */
  lock: (lockId: string) => `/locks/${enc(lockId)}`,
  /** Y. */
  lockStatus: (lockId: string) => `/locks/${enc(lockId)}/status`,
  /** Y (?serialNumber=<lock id>&topLevelHost=true), AD, AY. */
  capabilities: () => '/devices/capabilities',

  /** Y, AA, AD. */
  remoteOperate: (lockId: string, command: string) => `/remoteoperate/${enc(lockId)}/${enc(command)}`,

  /** Y (GET), AD (GET and POST). */
  pins: (lockId: string) => `/locks/${enc(lockId)}/pins`,
  /** AD. */
  reservePin: (lockId: string) => `/locks/${enc(lockId)}/pin`,
  /** AD (the newer per-user reservation route). */
  reserveCredential: (lockId: string, userId: string) =>
    `/locks/${enc(lockId)}/users/${enc(userId)}/credential`,
  /** UNVERIFIED (see below). */
  masterPin: (lockId: string) => `/locks/${enc(lockId)}/pins/master`,
  /** UNVERIFIED (see below). */
  transferPin: (lockId: string) => `/locks/${enc(lockId)}/pins/transfer`,
  /** AD. */
  syncPins: (lockId: string) => `/locks/${enc(lockId)}/pins/sync`,
  /** AD. */
  unverifiedUsers: () => '/unverifiedusers',

  /** AD, AY (legacy adduser form). */
  addUser: (lockId: string, userId: string, type: LockUserType) =>
    `/locks/adduser/${enc(lockId)}/${enc(userId)}/${enc(type)}`,
  /** AD. */
  changeUserType: (lockId: string, userId: string, type: LockUserType) =>
    `/locks/${enc(lockId)}/${enc(userId)}/${enc(type)}`,
  /** AD. */
  removeUser: (lockId: string, userId: string) => `/locks/${enc(lockId)}/${enc(userId)}`,

  /** Y, AY. */
  subscribers: () => '/websocket/subscribers',
  /** Y, AY. */
  subscriber: (subscriberId: string) => `/websocket/subscribers/${enc(subscriberId)}`,
  /** UNVERIFIED (see below). */
  partnerSubUser: () => '/partners/sub-user',
} as const;

/**
 * The August/Yale operations that only Lockbridge's seed notes (and the vendor document's rendering)
 * show: yalexs, august-api, august-yale and August's route catalogue do not. They stay in the client
 * so a user with a working account can try them, but no Lockbridge feature depends on them, and none
 * is advertised. Move an entry out of this list only with the source that confirms it.
 */
export const UNVERIFIED_AUGUST_OPERATIONS = {
  masterPin: 'GET/PUT /locks/{id}/pins/master: no independent source; no driver path calls it',
  transferPin: 'PUT /locks/{id}/pins/transfer: no independent source; unused',
  logout: 'POST /session/logout: AD only has DELETE /session/:identifier; unused',
  partnerSubUser: 'POST /partners/sub-user: the API guide documents GET only; unused',
  remoteOperateV2: 'PUT /remoteoperate with accept-version 2.0.0, type, retryLimit, webhook: unused',
  keypadPinLengths: 'capabilities keypad.pinLengthMin/Max: only the vendor document shows them',
  yaleHomeHeaders: 'x-api-key/x-access-token/x-branding for Yale Home: sources conflict (Y vs AY)',
} as const;

export type ValidationKind = 'email' | 'phone';
export const LOCK_USER_TYPES = ['user', 'manager', 'superuser'] as const;
export type LockUserType = (typeof LOCK_USER_TYPES)[number];

/** The remote-operate command enum of the vendor document (DOC); anything else answers 501. */
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
