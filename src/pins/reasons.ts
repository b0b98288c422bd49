import type { ErrorReason } from '../core/errors';

/**
 * Every reason a code, name or schedule can be refused, as stable codes. Surfaces (MQTT, Node-RED,
 * Homebridge logs) match on these codes, so they never change meaning. Messages never quote the PIN.
 */
export const REASON_CODES = [
  // The code itself
  'wrong_length',
  'not_numeric',
  'no_zeros',
  'cannot_start_with_12',
  'no_triple_consecutive_ints',
  'cannot_specify_pin_code',
  'pin_code_matches_existing_set',
  'no_ascending_or_descending_sequence',
  'at_least_three_unique_digits',
  'cannot_contain_089',
  'cannot_contain_0789',
  'unique_first_four_digits',
  'no_all_same_digits',
  'code_in_use',
  // The name
  'name_too_short',
  'name_too_long',
  'name_must_be_unique',
  // The schedule
  'start_date_in_future',
  'schedule_not_supported',
  'schedule_malformed',
  'schedule_end_not_after_start',
  'schedule_already_ended',
  // The lock
  'codes_not_supported',
  'max_active_reached',
  'user_has_code',
  // Generation
  'no_supported_lengths',
  'no_code_available',
  'no_common_length',
  // Warnings (never block)
  'unknown_constraint',
  'existing_set_unknown',
] as const;

export type ReasonCode = (typeof REASON_CODES)[number];

/**
 * Whether a reason blocks the request. Warnings are reported but do not stop a code being sent: the
 * vendor stays the final judge, and its refusal ends the operation as `failed` with its own reason.
 */
export type ReasonSeverity = 'error' | 'warning';

export interface CodeReason extends ErrorReason {
  code: ReasonCode;
  detail: Record<string, unknown> & { severity: ReasonSeverity };
}

const WARNINGS: ReadonlySet<ReasonCode> = new Set<ReasonCode>(['unknown_constraint', 'existing_set_unknown']);

export function reason(code: ReasonCode, message: string, detail: Record<string, unknown> = {}): CodeReason {
  return { code, message, detail: { ...detail, severity: WARNINGS.has(code) ? 'warning' : 'error' } };
}

export function isBlocking(r: ErrorReason): boolean {
  const severity = r.detail?.severity;
  return severity !== 'warning';
}

export function blockingReasons<R extends ErrorReason>(reasons: R[]): R[] {
  return reasons.filter(isBlocking);
}
