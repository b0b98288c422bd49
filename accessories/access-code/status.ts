import { toLockbridgeError, type ErrorReason } from '../../src/core/errors';
import { STATUS, type StatusCode } from './codec';

/**
 * The Access Code status of a refused operation, from the engine's typed error (src/pins reasons).
 * HAP has one status per item; when the engine names several broken rules, the one the person can
 * act on first wins: a wrong character, then the length, then a clash with another code, then the
 * lock being full. Rules HAP has no word for (a lock that refuses 0s, 12..., sequences) are an
 * invalid request; failures that are not about the request (vendor down, timeout) are "unknown".
 */
export function statusOfError(err: unknown): StatusCode {
  const e = toLockbridgeError(err);
  switch (e.code) {
    case 'invalid_code':
      return statusOfReasons(e.reasons);
    case 'code_conflict':
      return STATUS.duplicate;
    case 'not_found':
      return STATUS.notFound;
    case 'invalid_input':
      return STATUS.invalidRequest;
    default:
      return STATUS.unknown;
  }
}

const BLOCKING = (r: ErrorReason) => r.detail?.severity !== 'warning';

export function statusOfReasons(reasons: readonly ErrorReason[]): StatusCode {
  const codes = reasons.filter(BLOCKING).map((r) => r.code);
  if (codes.includes('not_numeric')) return STATUS.badCharacter;
  const length = reasons.find((r) => r.code === 'wrong_length');
  if (length) return lengthStatus(length);
  if (codes.includes('code_in_use') || codes.includes('unique_first_four_digits')) return STATUS.duplicate;
  if (codes.includes('max_active_reached')) return STATUS.maxCodesExceeded;
  return STATUS.invalidRequest;
}

function lengthStatus(r: ErrorReason): StatusCode {
  const length = r.detail?.length;
  const allowed = r.detail?.allowed;
  if (typeof length !== 'number' || !Array.isArray(allowed) || allowed.length === 0)
    return STATUS.invalidRequest;
  const numbers = allowed.filter((n): n is number => typeof n === 'number');
  if (length < Math.min(...numbers)) return STATUS.tooShort;
  if (length > Math.max(...numbers)) return STATUS.tooLong;
  // Between two allowed lengths (e.g. 5 on a lock that takes 4 or 6): neither short nor long.
  return STATUS.invalidRequest;
}

/** Names for log lines (never the PIN). */
export function statusName(status: StatusCode | undefined): string {
  const found = Object.entries(STATUS).find(([, v]) => v === status);
  return found ? found[0] : 'none';
}
