import { LockbridgeError, type ErrorCode } from '../../core/errors';
import type { ErrorMapper } from '../../http/client';
import type { SeamErrorBody } from './types';

/**
 * Seam error types -> Lockbridge codes. Types not listed fall back on the HTTP status. Seam's message is
 * never copied: it can quote the code ("Cannot set duplicate access code 1234 ..."), so only the type
 * goes into our message.
 */
const TYPE_CODES: Record<string, ErrorCode> = {
  unauthorized: 'auth_failed',
  invalid_api_key: 'auth_failed',
  forbidden: 'forbidden',
  invalid_input: 'invalid_input',
  invalid_access_code: 'invalid_code',
  duplicate_access_code: 'code_conflict',
  max_access_codes_reached: 'invalid_code',
  not_found: 'not_found',
  device_not_found: 'not_found',
  access_code_not_found: 'not_found',
  action_attempt_not_found: 'not_found',
  acs_system_not_found: 'not_found',
  acs_user_not_found: 'not_found',
  acs_access_group_not_found: 'not_found',
  acs_credential_not_found: 'not_found',
  user_identity_not_found: 'not_found',
  webhook_not_found: 'not_found',
  device_offline: 'lock_offline',
  device_disconnected: 'lock_offline',
  lock_jammed: 'jammed',
  rate_limited: 'rate_limited',
  user_identity_key_already_exists: 'code_conflict',
  user_identity_email_already_exists: 'code_conflict',
  not_implemented: 'not_supported',
};

/** The Seam error type from a body, if the body has Seam's shape. */
export function seamErrorType(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const error = (body as Partial<SeamErrorBody>).error;
  return error && typeof error === 'object' && typeof error.type === 'string' ? error.type : undefined;
}

export function codeForSeamType(type: string | undefined, status: number): ErrorCode | undefined {
  if (type && TYPE_CODES[type]) return TYPE_CODES[type];
  if (status === 401) return 'auth_failed';
  return undefined;
}

export const mapSeamError: ErrorMapper = (status, body, request) => {
  const type = seamErrorType(body);
  const code = codeForSeamType(type, status);
  if (!code) return undefined;
  const path = request.url.split('?')[0];
  return new LockbridgeError(code, `seam answered ${status}${type ? ` ${type}` : ''} to ${path}`, {
    status,
    vendor: 'seam',
    retryable: code === 'rate_limited',
    reasons: type ? [{ code: type, message: `Seam error type ${type}` }] : undefined,
  });
};

/** An action attempt that ended in error. */
export function actionAttemptError(
  error: { type: string } | null,
  lockId: string,
  actionType: string,
): LockbridgeError {
  const type = error?.type ?? 'unknown';
  const code = TYPE_CODES[type] ?? 'vendor_error';
  return new LockbridgeError(code, `Seam ${actionType} failed: ${type}`, {
    vendor: 'seam',
    lockId,
    reasons: [{ code: type, message: `Seam action attempt error ${type}` }],
  });
}
