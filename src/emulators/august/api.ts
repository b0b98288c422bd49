/**
 * The emulator's own reading of the August/Yale API: routes, headers, enums and limits, written from
 * the vendor document and from clients Lockbridge did not write, never from the driver (src/vendors).
 * Two independent readings are the point: a wrong path or header in either fails the tests.
 *
 * Source keys (beside each entry):
 *   DOC = /work/shared/vendor-docs/august-yale-api.txt (the vendor's OpenAPI rendering)
 *   Y   = yalexs (Yale-Libs/yalexs) yalexs/api_common.py, const.py, lock.py, activity.py, capabilities.py
 *   AA  = npm august-api 1.5.1 (src/index.js, util/session.js, methods/*.js)
 *   AY  = npm august-yale 0.2.0 and donavanbecker/august-yale src/settings.ts, util/session.ts
 *   AD  = August's server route catalogue ("apidesc"), as quoted in reference/conformance.md 1a
 *   SEED = Lockbridge's seed notes only: no independent source confirms the route.
 */

export type Family = 'august' | 'aaecosystem';

export interface FamilyHeaders {
  apiKey: string;
  accessToken: string;
  branding: string;
}

/**
 * Header names per host. api-production.august.com: Y const.py (x-august-api-key,
 * x-august-access-token, x-august-branding), AA util/session.js. api.aaecosystem.com: Y const.py Yale
 * Global (x-api-key, x-access-token, x-branding).
 */
export const HEADERS: Record<Family, FamilyHeaders> = {
  august: {
    apiKey: 'x-august-api-key',
    accessToken: 'x-august-access-token',
    branding: 'x-august-branding',
  },
  aaecosystem: { apiKey: 'x-api-key', accessToken: 'x-access-token', branding: 'x-branding' },
};

/** Route patterns for the emulator's router. Literal segments come before `:otherUserID/:type`. */
export const ROUTES = {
  /** Y API_GET_SESSION_URL; AA session.js; answer fields vPassword/vInstallId: Y authenticator_common.py. */
  session: '/session',
  /** DOC "Log out the user" body {apnsDeviceID, installID}; the path itself is SEED (AD: DELETE /session/:identifier). */
  logout: '/session/logout',
  /** Y API_SEND_VERIFICATION_CODE_URLS {value[, smsHashString]}; AA methods/authorize.js. */
  requestValidation: '/validation/:kind',
  /** Y API_VALIDATE_VERIFICATION_CODE_URLS {code, email|phone}; AA validate.js. */
  validate: '/validate/:kind',
  /** Y API_GET_HOUSES_URL (also its token refresh); DOC "Get a list of the calling user's houses". */
  myHouses: '/users/houses/mine',
  /** Y API_GET_HOUSE_URL; DOC "Get information about an existing house" {HouseName, users, locks}. */
  house: '/houses/:houseID',
  /** Y API_GET_HOUSE_ACTIVITIES_URL, Accept-Version 4.0.0, ?limit; entries parsed by Y activity.py. */
  houseActivities: '/houses/:houseID/activities',
  /** Y API_GET_USER_URL (called by Home Assistant at setup). */
  me: '/users/me',
  /** Y API_GET_LOCKS_URL; AA methods/locks.js; fixture get_locks.json. */
  myLocks: '/users/locks/mine',
  /** Y API_GET_LOCK_URL; AA details.js; DOC "Get info about the lock"; delete: DOC "Delete a lock". */
  lock: '/locks/:lockID',
  /** Y API_GET_LOCK_STATUS_URL. */
  lockStatus: '/locks/:lockID/status',
  /** Y API_GET_CAPABILITIES_URL (?serialNumber&topLevelHost=true); DOC "Get the capabilities for a device". */
  capabilities: '/devices/capabilities',
  /** Y API_LOCK_URL/API_UNLOCK_URL/API_UNLATCH_URL; AA lock-unlock.js, status.js; DOC command enum. */
  remoteOperate: '/remoteoperate/:lockID/:command',
  /** Y API_GET_PINS_URL; DOC "Get all PINs" (GET) and "Load, update, or delete the PINs" (POST). */
  pins: '/locks/:lockID/pins',
  /** DOC "Reserves a PIN on a lock for a short time" {pin, slot}; AD GET /locks/:lockID/pin. */
  reservePin: '/locks/:lockID/pin',
  /** AD GET /locks/:lockID/users/:otherUserID/credential. */
  reserveCredential: '/locks/:lockID/users/:userID/credential',
  /** DOC "Get/Set the master PIN on a lock" only: SEED (not in Y, AA, AY or AD). */
  masterPin: '/locks/:lockID/pins/master',
  /** DOC "Transfer an existing PIN" only: SEED (not in Y, AA, AY or AD). */
  transferPin: '/locks/:lockID/pins/transfer',
  /** AD PUT /locks/:lockID/pins/sync. */
  syncPins: '/locks/:lockID/pins/sync',
  /** AD POST /unverifiedusers {lockID, firstName?, lastName?}. */
  unverifiedUsers: '/unverifiedusers',
  /** DOC "Add a user to a lock"; AD PUT /locks/adduser/:lockID/:otherUserID/:type. */
  addUser: '/locks/adduser/:lockID/:otherUserID/:type',
  /** DOC "Change the type of a user"; AD PUT /locks/:lockID/:otherUserID/:type. */
  changeUserType: '/locks/:lockID/:otherUserID/:type',
  /** AD DELETE /locks/:lockID/:otherUserID. */
  removeUser: '/locks/:lockID/:otherUserID',
  /** Y API_WEBSOCKET_SUBSCRIBERS {scopes:["lock"]}; DOC subscriber answer; AY websocket.ts. */
  subscribers: '/websocket/subscribers',
  /** Y API_WEBSOCKET_SUBSCRIBERS_WITH_SUBSCRIBER_ID; DOC GET/DELETE by subID. */
  subscriber: '/websocket/subscribers/:subID',
  /** DOC "Create or get a sub-user" (POST); the route is SEED (AD has GET only). */
  partnerSubUser: '/partners/sub-user',
} as const;

/** DOC: the remote-operate command enum; anything else 501. */
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

/** Y api_common.py HEADER_VALUE_ACCEPT_VERSION 0.0.1 and activities 4.0.0; DOC remote operate v2 "2.0.0". */
export const ACCEPT_VERSIONS = { default: '0.0.1', remoteOperateV2: '2.0.0', activities: '4.0.0' } as const;

/** DOC: every lockID parameter is `string^[\dA-F]{32}$`. */
export const LOCK_ID = /^[\dA-F]{32}$/;

/** DOC: add user / change user type enum "user" "manager" "superuser". */
export const USER_TYPES = ['user', 'manager', 'superuser'] as const;
export type UserType = (typeof USER_TYPES)[number];

/** DOC "Get all PINs": the seven state groups of the answer. */
export const PIN_GROUPS = [
  'created',
  'loaded',
  'disabled',
  'disabling',
  'enabling',
  'deleting',
  'updating',
] as const;
export type PinGroup = (typeof PIN_GROUPS)[number];

/** AD accessType values of POST /locks/:lockID/pins. */
export type PinAccessType = 'always' | 'recurring' | 'temporary' | 'oneTime';

/** AD: at most 240 PINs or reservations per lock (the API guide says "≤240"). */
export const MAX_PINS = 240;
