import { LockbridgeError, type ErrorCode } from '../../core/errors';
import type { ErrorMapper } from '../../http/client';

/**
 * August/Yale statuses (vendor-apis.md section 1, "Status codes"). The error body is only known to
 * carry a message and sometimes a numeric code (98 = bridge offline); our messages never quote it,
 * since a vendor message may echo a PIN.
 */
const BY_STATUS: Record<number, { code: ErrorCode; message: string; retryable?: boolean }> = {
  400: { code: 'invalid_input', message: 'August rejected the request as invalid' },
  401: { code: 'auth_failed', message: 'August did not accept the credentials or token' },
  403: { code: 'forbidden', message: 'August refused: wrong brand, or not an owner of this lock' },
  404: { code: 'not_found', message: 'August does not know this lock or item' },
  408: { code: 'timeout', message: 'The bridge did not reach the lock in time' },
  409: {
    code: 'code_conflict',
    message: 'PIN conflict: the PIN or the user already has one, or no slot is free',
  },
  410: { code: 'not_supported', message: 'August retired this operation' },
  422: { code: 'lock_offline', message: 'The lock’s bridge is offline' },
  423: { code: 'lock_busy', message: 'The lock is busy with another operation', retryable: true },
  500: { code: 'vendor_error', message: 'The lock reported an error' },
  501: { code: 'not_supported', message: 'This lock does not support that command' },
  502: { code: 'vendor_unavailable', message: 'August is unavailable (bad gateway)', retryable: true },
  503: { code: 'vendor_unavailable', message: 'August is unavailable', retryable: true },
  504: { code: 'vendor_unavailable', message: 'August gateway timed out', retryable: true },
};

function bodyCode(body: unknown): number | undefined {
  if (body && typeof body === 'object') {
    const code = (body as Record<string, unknown>).code;
    if (typeof code === 'number') return code;
  }
  return undefined;
}

export const mapAugustError: ErrorMapper = (status, body, request) => {
  const path = request.url.split('?')[0];
  // 429: the HTTP layer's own mapping keeps the vendor's Retry-After on the error.
  let entry = BY_STATUS[status];
  if (!entry) return undefined;
  // 409 on pins/sync means there is no bridge or it is offline, not a PIN conflict.
  if (status === 409 && /\/pins\/sync$/.test(path)) entry = BY_STATUS[422];
  if (bodyCode(body) === 98) entry = BY_STATUS[422];
  return new LockbridgeError(
    entry.code,
    `${entry.message} (${request.method.toUpperCase()} ${path} -> ${status})`,
    {
      status,
      vendor: 'august',
      retryable: entry.retryable ?? false,
    },
  );
};
