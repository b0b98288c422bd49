import type { CodeConstraint } from '../core/model';

/**
 * The constraint types of seam-access-code-requirements.txt that the engine understands. Anything
 * else a vendor declares is kept in CodeRules.constraints and reported as `unknown_constraint`.
 */
export const KNOWN_CONSTRAINTS = [
  'no_zeros',
  'cannot_start_with_12',
  'no_triple_consecutive_ints',
  'cannot_specify_pin_code',
  'pin_code_matches_existing_set',
  'start_date_in_future',
  'name_length',
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
