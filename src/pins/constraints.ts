import type { CodeConstraint } from '../core/model';

/**
 * The constraint types the engine understands: the 7 of seam-access-code-requirements.txt and the 7 newer
 * ones of Seam's schema (@seamapi/types openapi, device properties.code_constraints; meanings from Seam's
 * docs page "Understanding Code Constraints", seamapi/docs). Anything else a vendor declares is kept in
 * CodeRules.constraints and reported as `unknown_constraint`.
 */
export const KNOWN_CONSTRAINTS = [
  'no_zeros',
  'cannot_start_with_12',
  'no_triple_consecutive_ints',
  'cannot_specify_pin_code',
  'pin_code_matches_existing_set',
  'start_date_in_future',
  'name_length',
  'no_ascending_or_descending_sequence',
  'at_least_three_unique_digits',
  'cannot_contain_089',
  'cannot_contain_0789',
  'unique_first_four_digits',
  'no_all_same_digits',
  'name_must_be_unique',
] as const;

export type KnownConstraint = (typeof KNOWN_CONSTRAINTS)[number];

export function isKnownConstraint(type: string): type is KnownConstraint {
  return (KNOWN_CONSTRAINTS as readonly string[]).includes(type);
}

export function hasConstraint(constraints: readonly CodeConstraint[], type: KnownConstraint): boolean {
  return constraints.some((c) => c.constraint_type === type);
}

/**
 * no_triple_consecutive_ints. The document says: "No more than 3 digits in a row can be consecutive or
 * the same in the pin code", so a run of 4 (1234, 4321, 7777) breaks it and a run of 3 does not. The
 * constraint's name suggests a run of 3 already breaks it; validation follows the document (one
 * constant to correct here), and generation avoids runs of GENERATION_MAX_RUN so generated codes keep
 * either reading.
 */
export const MAX_CONSECUTIVE_RUN = 3;
export const GENERATION_MAX_RUN = 2;

/**
 * The longest run of digits in which each step is the same +1, -1 or 0 (ascending, descending or
 * repeated). Non-digits end a run.
 */
export function longestRun(code: string): number {
  if (code.length === 0) return 0;
  let best = 1;
  let run = 1;
  let step: number | null = null;
  for (let i = 1; i < code.length; i++) {
    const a = digitAt(code, i - 1);
    const b = digitAt(code, i);
    const d = a === null || b === null ? null : b - a;
    if (d !== null && Math.abs(d) <= 1 && (run === 1 || d === step)) {
      run += 1;
      step = d;
    } else if (d !== null && Math.abs(d) <= 1) {
      // A new run starts at i-1 with this step.
      run = 2;
      step = d;
    } else {
      run = 1;
      step = null;
    }
    if (run > best) best = run;
  }
  return best;
}

function digitAt(code: string, i: number): number | null {
  const c = code.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : null;
}

/** name_length bounds, merged over every name_length constraint (the strictest wins). */
export function nameBounds(constraints: readonly CodeConstraint[]): { min?: number; max?: number } {
  let min: number | undefined;
  let max: number | undefined;
  for (const c of constraints) {
    if (c.constraint_type !== 'name_length') continue;
    if (typeof c.min_length === 'number' && Number.isFinite(c.min_length))
      min = min === undefined ? c.min_length : Math.max(min, c.min_length);
    if (typeof c.max_length === 'number' && Number.isFinite(c.max_length))
      max = max === undefined ? c.max_length : Math.min(max, c.max_length);
  }
  return { min, max };
}

/**
 * no_ascending_or_descending_sequence: "PIN code cannot consist of a sequence of consecutive digits" (Seam
 * docs). The whole code, at least two digits, each one more (1234) or each one less (98765) than the one
 * before; no wrap-around past 9. Runs inside a longer code are no_triple_consecutive_ints' business.
 */
export function isWholeSequence(code: string): boolean {
  if (code.length < 2 || !/^[0-9]+$/.test(code)) return false;
  const step = code.charCodeAt(1) - code.charCodeAt(0);
  if (step !== 1 && step !== -1) return false;
  for (let i = 2; i < code.length; i++)
    if (code.charCodeAt(i) - code.charCodeAt(i - 1) !== step) return false;
  return true;
}

/** at_least_three_unique_digits: "PIN code must contain at least three unique digits" (Seam docs). */
export const MIN_UNIQUE_DIGITS = 3;

export function uniqueDigitCount(code: string): number {
  return new Set(code.replace(/[^0-9]/g, '')).size;
}

/** cannot_contain_089 / cannot_contain_0789: digits the lock's keypad does not have (Seam docs). */
export const FORBIDDEN_DIGITS: Readonly<Record<string, string>> = {
  cannot_contain_089: '089',
  cannot_contain_0789: '0789',
};

/** Every digit some constraint of the lock forbids (no_zeros, cannot_contain_089, cannot_contain_0789). */
export function forbiddenDigits(constraints: readonly CodeConstraint[]): Set<string> {
  const out = new Set<string>();
  for (const c of constraints) {
    for (const d of FORBIDDEN_DIGITS[c.constraint_type] ?? '') out.add(d);
    if (c.constraint_type === 'no_zeros') out.add('0');
  }
  return out;
}

/**
 * no_all_same_digits (Seam lists it for Korelock; no description published, reading from the name): a code
 * that is one digit repeated (0000, 77777).
 */
export function isAllSameDigit(code: string): boolean {
  return /^([0-9])\1*$/.test(code);
}

/**
 * unique_first_four_digits (Seam lists it for Schlage; no description published). Reading (inference, from
 * Schlage keypads, which act on the first four digits typed): no two codes on the lock may begin with the
 * same four digits. Codes shorter than four compare whole.
 */
export const FIRST_DIGITS = 4;

export function firstDigits(code: string): string {
  return code.slice(0, FIRST_DIGITS);
}
