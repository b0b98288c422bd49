import { EmulatorHttpError } from '../kit/server';

/**
 * Seam error types the emulated server answers with. Types seen on the fake or in vendor-apis.md are
 * [S]; the others are [INF] (Seam's real names not confirmed) and live only here.
 */
export const SEAM_ERROR_TYPES = {
  unauthorized: 'unauthorized', // [S] 401
  invalidInput: 'invalid_input', // [S] 400
  deviceNotFound: 'device_not_found', // [S] 404
  accessCodeNotFound: 'not_found', // [S] the fake's access_codes/get answers type not_found
  actionAttemptNotFound: 'action_attempt_not_found', // [S]
  acsSystemNotFound: 'acs_system_not_found', // [S]
  duplicateAccessCode: 'duplicate_access_code', // [S] 409
  invalidAccessCode: 'invalid_access_code', // [INF] a code that breaks a device constraint
  maxAccessCodesReached: 'max_access_codes_reached', // [INF]
  acsUserNotFound: 'acs_user_not_found', // [INF]
  acsAccessGroupNotFound: 'acs_access_group_not_found', // [INF]
  acsCredentialNotFound: 'acs_credential_not_found', // [INF]
  userIdentityNotFound: 'user_identity_not_found', // [INF]
  userIdentityKeyExists: 'user_identity_key_already_exists', // [INF] 409
  userIdentityEmailExists: 'user_identity_email_already_exists', // [INF] 409
  webhookNotFound: 'webhook_not_found', // [INF]
  missingCredentialManagerUser: 'missing_credential_manager_user', // [INF] mobile key before enrollment
  deviceOffline: 'device_offline', // [S] device error code, used for failed action attempts
  lockJammed: 'lock_jammed', // [INF] action attempt error type
} as const;

export function seamError(
  status: number,
  type: string,
  message: string,
  extra: Record<string, unknown> = {},
): EmulatorHttpError {
  return new EmulatorHttpError(status, message, { type, ...extra });
}

export function notFound(type: string, what: string): EmulatorHttpError {
  return seamError(404, type, `${what} not found`);
}

export function invalidInput(message: string, field?: string): EmulatorHttpError {
  return seamError(
    400,
    SEAM_ERROR_TYPES.invalidInput,
    message,
    field ? { validation_errors: { [field]: { _errors: [message] } } } : {},
  );
}

/** Seam's error body; `type` comes from the thrower, or from the status for kit faults. */
export function seamErrorShape(status: number, message: string, extra: Record<string, unknown>): unknown {
  const { type, ...rest } = extra;
  const fallback =
    status === 401
      ? 'unauthorized'
      : status === 404
        ? 'not_found'
        : status === 429
          ? 'rate_limited'
          : status >= 500
            ? 'internal_server_error'
            : 'invalid_input';
  return { error: { type: typeof type === 'string' ? type : fallback, message, ...rest }, ok: false };
}
