/**
 * Every Seam Connect path Lockbridge calls, in one table. All of them are operations of Seam's OpenAPI
 * document (npm @seamapi/types, lib/seam/connect/openapi.js; test/vendors/seam/paths.test.ts checks it).
 * The block marked [INF] was first inferred because the OpenAPI subset we were given lacked it; Seam's full
 * document confirms each one.
 */
export const SEAM_DEFAULT_BASE_URL = 'https://connect.getseam.com';

export const SEAM_PATHS = {
  devicesList: '/devices/list',
  devicesGet: '/devices/get',
  locksList: '/locks/list',
  locksGet: '/locks/get',
  lockDoor: '/locks/lock_door',
  unlockDoor: '/locks/unlock_door',
  actionAttemptsGet: '/action_attempts/get',
  accessCodesCreate: '/access_codes/create',
  accessCodesList: '/access_codes/list',
  accessCodesGet: '/access_codes/get',
  accessCodesUpdate: '/access_codes/update',
  accessCodesDelete: '/access_codes/delete',
  accessCodesGenerate: '/access_codes/generate_code',
  userIdentitiesCreate: '/user_identities/create',
  acsSystemsGet: '/acs/systems/get',
  acsSystemsList: '/acs/systems/list',
  acsCompatibleCredentialManagers: '/acs/systems/list_compatible_credential_manager_acs_systems',
  enrollmentAutomationsLaunch: '/user_identities/enrollment_automations/launch',
  acsUsersCreate: '/acs/users/create',
  acsUsersAddToAccessGroup: '/acs/users/add_to_access_group',
  acsCredentialsCreate: '/acs/credentials/create',
  eventsList: '/events/list',
  webhooksCreate: '/webhooks/create',
  // [INF] not in the seed subset, confirmed by @seamapi/types: look-ups that make the grant retry-safe, and revocation.
  userIdentitiesGet: '/user_identities/get',
  enrollmentAutomationsList: '/user_identities/enrollment_automations/list',
  acsUsersList: '/acs/users/list',
  acsUsersDelete: '/acs/users/delete',
  acsCredentialsList: '/acs/credentials/list',
  acsCredentialsDelete: '/acs/credentials/delete',
  webhooksList: '/webhooks/list',
  webhooksDelete: '/webhooks/delete',
} as const;

export type SeamPath = (typeof SEAM_PATHS)[keyof typeof SEAM_PATHS];

/** Paths that were not in the seed OpenAPI subset (the [INF] block above); @seamapi/types has them all. */
export const SEAM_INFERRED_PATHS: readonly SeamPath[] = [
  SEAM_PATHS.userIdentitiesGet,
  SEAM_PATHS.enrollmentAutomationsList,
  SEAM_PATHS.acsUsersList,
  SEAM_PATHS.acsUsersDelete,
  SEAM_PATHS.acsCredentialsList,
  SEAM_PATHS.acsCredentialsDelete,
  SEAM_PATHS.webhooksList,
  SEAM_PATHS.webhooksDelete,
];

/**
 * Timing facts: the SDK polls action attempts every 500 ms with a 5 s timeout (vendor-apis.md 2a);
 * Svix's replay tolerance is 5 minutes.
 */
export const SEAM_TIMING = {
  actionAttemptPollMs: 500,
  eventPollSeconds: 30,
  webhookToleranceSeconds: 5 * 60,
} as const;
