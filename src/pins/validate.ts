import type { AccessCode, CodeRules, Lock, Schedule } from '../core/model';
import {
  FIRST_DIGITS,
  FORBIDDEN_DIGITS,
  MIN_UNIQUE_DIGITS,
  firstDigits,
  hasConstraint,
  isAllSameDigit,
  isKnownConstraint,
  isWholeSequence,
  type KnownConstraint,
  longestRun,
  MAX_CONSECUTIVE_RUN,
  nameBounds,
  uniqueDigitCount,
} from './constraints';
import { blockingReasons, reason, type CodeReason, type ReasonCode } from './reasons';
import { validateSchedule } from './schedules';

/** What validation needs to know besides the lock's rules. */
export interface ValidationContext {
  /** Epoch ms; defaults to Date.now(). */
  now?: number;
  /** The codes on the lock now (for code_in_use, max_active_reached, user_has_code). */
  existing?: readonly AccessCode[];
  /** The id of the code being updated: it does not count against itself. */
  replacingId?: string;
  /** The vendor user the code is for (August: one PIN per user per lock). */
  userId?: string;
  /**
   * For Seam's pin_code_matches_existing_set: the codes already used in the account. Undefined when
   * Lockbridge cannot know them; the check is then reported as a warning and the vendor decides.
   */
  knownCodeSet?: readonly string[];
}

export interface ValidationResult {
  ok: boolean;
  reasons: CodeReason[];
}

const INACTIVE = new Set<AccessCode['status']>(['removed', 'removing', 'failed']);

/** Codes that hold a slot on the lock: everything not removed or failed. */
export function activeCodes(existing: readonly AccessCode[], replacingId?: string): AccessCode[] {
  return existing.filter((c) => !INACTIVE.has(c.status) && c.id !== replacingId);
}

/** Reasons about the code string alone (length, digits, Seam code constraints, in use). */
export function codeReasons(code: string, rules: CodeRules, ctx: ValidationContext = {}): CodeReason[] {
  const out: CodeReason[] = [];
  const constraints = rules.constraints;
  if (rules.canSpecifyCode === false || hasConstraint(constraints, 'cannot_specify_pin_code'))
    out.push(reason('cannot_specify_pin_code', 'This lock chooses its own codes: leave the code empty'));
  if (rules.lengths.length > 0 && !rules.lengths.includes(code.length))
    out.push(
      reason('wrong_length', `The code must have ${describeLengths(rules.lengths)} characters`, {
        length: code.length,
        allowed: [...rules.lengths],
      }),
    );
  if (rules.numeric && !/^[0-9]+$/.test(code))
    out.push(reason('not_numeric', 'The code must contain digits only'));
  if (hasConstraint(constraints, 'no_zeros') && code.includes('0'))
    out.push(reason('no_zeros', 'The code cannot contain the digit 0'));
  if (hasConstraint(constraints, 'cannot_start_with_12') && code.startsWith('12'))
    out.push(reason('cannot_start_with_12', 'The code cannot start with 12'));
  if (hasConstraint(constraints, 'no_triple_consecutive_ints') && longestRun(code) > MAX_CONSECUTIVE_RUN)
    out.push(
      reason(
        'no_triple_consecutive_ints',
        `No more than ${MAX_CONSECUTIVE_RUN} digits in a row can be consecutive or the same`,
        { maxRun: MAX_CONSECUTIVE_RUN },
      ),
    );
  if (hasConstraint(constraints, 'no_ascending_or_descending_sequence') && isWholeSequence(code))
    out.push(
      reason(
        'no_ascending_or_descending_sequence',
        'The code cannot be a run of consecutive digits (like 1234 or 9876)',
      ),
    );
  if (
    hasConstraint(constraints, 'at_least_three_unique_digits') &&
    uniqueDigitCount(code) < MIN_UNIQUE_DIGITS
  )
    out.push(
      reason(
        'at_least_three_unique_digits',
        `The code needs at least ${MIN_UNIQUE_DIGITS} different digits`,
        {
          min: MIN_UNIQUE_DIGITS,
        },
      ),
    );
  for (const [type, digits] of Object.entries(FORBIDDEN_DIGITS))
    if (hasConstraint(constraints, type as KnownConstraint) && [...digits].some((d) => code.includes(d)))
      out.push(
        reason(type as ReasonCode, `The code cannot contain the digits ${[...digits].join(', ')}`, {
          digits: [...digits],
        }),
      );
  if (hasConstraint(constraints, 'no_all_same_digits') && isAllSameDigit(code))
    out.push(reason('no_all_same_digits', 'The code cannot be one digit repeated'));
  if (
    hasConstraint(constraints, 'unique_first_four_digits') &&
    activeCodes(ctx.existing ?? [], ctx.replacingId).some(
      (c) => c.code !== undefined && firstDigits(c.code) === firstDigits(code),
    )
  )
    out.push(
      reason(
        'unique_first_four_digits',
        `Another code on this lock starts with the same ${FIRST_DIGITS} digits`,
        { digits: FIRST_DIGITS },
      ),
    );
  if (hasConstraint(constraints, 'pin_code_matches_existing_set')) {
    if (ctx.knownCodeSet === undefined)
      out.push(
        reason(
          'existing_set_unknown',
          'This lock only accepts codes already used in the account; the vendor will check',
        ),
      );
    else if (!ctx.knownCodeSet.includes(code))
      out.push(reason('pin_code_matches_existing_set', 'The code must be one already used in the account'));
  }
  if (activeCodes(ctx.existing ?? [], ctx.replacingId).some((c) => c.code !== undefined && c.code === code))
    out.push(reason('code_in_use', 'Another code on this lock is the same'));
  return out;
}

function describeLengths(lengths: readonly number[]): string {
  const sorted = [...new Set(lengths)].sort((a, b) => a - b);
  const contiguous = sorted.every((n, i) => i === 0 || n === sorted[i - 1] + 1);
  if (sorted.length > 2 && contiguous) return `${sorted[0]} to ${sorted[sorted.length - 1]}`;
  return sorted.join(' or ');
}

/**
 * Validates a code, its name and its schedule against a lock's rules and returns every broken rule.
 * `code` undefined means "generate one" (no code checks); `name` or `schedule` undefined means
 * "unchanged" (an update that leaves them alone). Unknown constraints come back as warnings.
 */
export function validate(
  code: string | undefined,
  name: string | undefined,
  schedule: Schedule | undefined,
  lock: Pick<Lock, 'codeRules'>,
  ctx: ValidationContext = {},
): ValidationResult {
  const rules = lock.codeRules;
  if (!rules) {
    const r = [reason('codes_not_supported', 'This lock does not take access codes')];
    return { ok: false, reasons: r };
  }
  const now = ctx.now ?? Date.now();
  const out: CodeReason[] = [];

  for (const c of rules.constraints) {
    if (!isKnownConstraint(c.constraint_type))
      out.push(
        reason(
          'unknown_constraint',
          `The lock declares a rule Lockbridge does not know (${c.constraint_type})`,
          {
            constraint: { ...c },
          },
        ),
      );
  }

  if (code !== undefined) out.push(...codeReasons(code, rules, ctx));

  if (name !== undefined) {
    const { min, max } = nameBounds(rules.constraints);
    if (min !== undefined && name.length < min)
      out.push(
        reason('name_too_short', `The name must have at least ${min} characters`, {
          min,
          length: name.length,
        }),
      );
    if (max !== undefined && name.length > max)
      out.push(
        reason('name_too_long', `The name can have at most ${max} characters`, { max, length: name.length }),
      );
  }

  if (
    name !== undefined &&
    name !== '' &&
    hasConstraint(rules.constraints, 'name_must_be_unique') &&
    activeCodes(ctx.existing ?? [], ctx.replacingId).some((c) => c.name === name)
  )
    // "Name of the code must be unique within the device" (Seam docs).
    out.push(reason('name_must_be_unique', 'Another code on this lock has this name'));

  if (schedule !== undefined) out.push(...validateSchedule(schedule, rules, now));

  // Slots and users only count for a new code (an update keeps its own slot and user).
  if (ctx.replacingId === undefined) {
    const active = activeCodes(ctx.existing ?? []);
    if (rules.maxActive !== null && active.length >= rules.maxActive)
      out.push(
        reason('max_active_reached', `The lock already holds its maximum of ${rules.maxActive} codes`, {
          max: rules.maxActive,
          active: active.length,
        }),
      );
    if (rules.onePerUser && ctx.userId !== undefined && active.some((c) => c.userId === ctx.userId))
      out.push(reason('user_has_code', 'This user already has a code on this lock (one per user)'));
  }

  return { ok: blockingReasons(out).length === 0, reasons: out };
}
