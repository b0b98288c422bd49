/**
 * How the emulated Seam server checks a code against a device, after
 * seam-access-code-requirements.txt: supported_code_lengths, max_active_codes_supported and every
 * code_constraints type of the document and the schema. Pure functions.
 */
import { randomInt } from 'node:crypto';
import type { SeamCodeConstraint, SeamDeviceProperties } from './types';

export interface CodeViolation {
  /** A constraint_type, or `supported_code_lengths` / `digits`. */
  rule: string;
  message: string;
}

export interface CodeCheckInput {
  code?: string;
  name?: string | null;
  starts_at?: string;
  /** Codes and names already on the device (the code being updated excluded). */
  otherCodes: string[];
  otherNames: string[];
  /** The account's existing set, for pin_code_matches_existing_set. */
  existingSet?: string[];
  now: number;
}

const has = (constraints: SeamCodeConstraint[], type: string) =>
  constraints.some((c) => c.constraint_type === type);

/** True when some run of 4 digits counts up or down by one (1234, 9876). */
function hasSequence(code: string, run: number, allowSame: boolean): boolean {
  for (let i = 0; i + run <= code.length; i++) {
    const part = code
      .slice(i, i + run)
      .split('')
      .map(Number);
    const steps = part.slice(1).map((d, j) => d - part[j]);
    if (
      steps.every((s) => s === 1) ||
      steps.every((s) => s === -1) ||
      (allowSame && steps.every((s) => s === 0))
    )
      return true;
  }
  return false;
}

/** Violations of the code part only (the name is checked separately). */
export function codeViolations(props: SeamDeviceProperties, input: CodeCheckInput): CodeViolation[] {
  const out: CodeViolation[] = [];
  const constraints = props.code_constraints ?? [];
  const code = input.code;
  if (code !== undefined) {
    if (has(constraints, 'cannot_specify_pin_code'))
      out.push({ rule: 'cannot_specify_pin_code', message: 'This device does not accept a chosen code' });
    if (!/^\d+$/.test(code)) out.push({ rule: 'digits', message: 'The code must contain digits only' });
    const lengths = props.supported_code_lengths;
    if (lengths && lengths.length > 0 ? !lengths.includes(code.length) : code.length < 4 || code.length > 9)
      out.push({
        rule: 'supported_code_lengths',
        message: `Code length ${code.length} is not supported by this device`,
      });
    if (has(constraints, 'no_zeros') && code.includes('0'))
      out.push({ rule: 'no_zeros', message: 'The code cannot contain 0' });
    if (has(constraints, 'cannot_start_with_12') && code.startsWith('12'))
      out.push({ rule: 'cannot_start_with_12', message: 'The code cannot start with 12' });
    if (has(constraints, 'no_triple_consecutive_ints') && hasSequence(code, 4, true))
      out.push({
        rule: 'no_triple_consecutive_ints',
        message: 'No more than 3 digits in a row may be consecutive or the same',
      });
    if (has(constraints, 'no_ascending_or_descending_sequence') && hasSequence(code, code.length, false))
      out.push({
        rule: 'no_ascending_or_descending_sequence',
        message: 'The code cannot be an ascending or descending sequence',
      });
    if (has(constraints, 'at_least_three_unique_digits') && new Set(code).size < 3)
      out.push({
        rule: 'at_least_three_unique_digits',
        message: 'The code needs at least three different digits',
      });
    if (has(constraints, 'cannot_contain_089') && /[089]/.test(code))
      out.push({ rule: 'cannot_contain_089', message: 'The code cannot contain 0, 8 or 9' });
    if (has(constraints, 'cannot_contain_0789') && /[0789]/.test(code))
      out.push({ rule: 'cannot_contain_0789', message: 'The code cannot contain 0, 7, 8 or 9' });
    if (has(constraints, 'no_all_same_digits') && code.length > 0 && new Set(code).size === 1)
      out.push({ rule: 'no_all_same_digits', message: 'The code cannot repeat a single digit' });
    if (
      has(constraints, 'unique_first_four_digits') &&
      input.otherCodes.some((c) => c.slice(0, 4) === code.slice(0, 4))
    )
      out.push({
        rule: 'unique_first_four_digits',
        message: 'Another code on this device starts with the same four digits',
      });
    if (has(constraints, 'pin_code_matches_existing_set') && !(input.existingSet ?? []).includes(code))
      out.push({
        rule: 'pin_code_matches_existing_set',
        message: 'The code must match an existing code of the account',
      });
  }
  if (has(constraints, 'start_date_in_future') && input.starts_at && Date.parse(input.starts_at) <= input.now)
    out.push({ rule: 'start_date_in_future', message: 'starts_at must be in the future on this device' });
  return out;
}

export function nameViolations(props: SeamDeviceProperties, input: CodeCheckInput): CodeViolation[] {
  const out: CodeViolation[] = [];
  const name = input.name ?? '';
  for (const c of props.code_constraints ?? []) {
    if (c.constraint_type === 'name_length') {
      if (typeof c.min_length === 'number' && name.length < c.min_length)
        out.push({ rule: 'name_length', message: `The name must have at least ${c.min_length} characters` });
      if (typeof c.max_length === 'number' && name.length > c.max_length)
        out.push({ rule: 'name_length', message: `The name can have at most ${c.max_length} characters` });
    }
    if (c.constraint_type === 'name_must_be_unique' && name && input.otherNames.includes(name))
      out.push({ rule: 'name_must_be_unique', message: 'Another code on this device has this name' });
  }
  return out;
}

/** A code that the device accepts and that no other code on it uses (access_codes/generate_code). */
export function generateCodeFor(
  props: SeamDeviceProperties,
  otherCodes: string[],
  now: number,
  existingSet?: string[],
): string {
  const constraints = props.code_constraints ?? [];
  if (has(constraints, 'pin_code_matches_existing_set')) {
    const free = (existingSet ?? []).find((c) => !otherCodes.includes(c));
    if (free) return free;
  }
  const lengths = props.supported_code_lengths?.length ? props.supported_code_lengths : [4, 5, 6, 7, 8];
  const length = lengths.includes(6) ? 6 : lengths[lengths.length - 1];
  // cannot_specify_pin_code forbids a *chosen* code; the generator's own code is still checked.
  const checked: SeamDeviceProperties = {
    ...props,
    code_constraints: constraints.filter(
      (c) =>
        c.constraint_type !== 'cannot_specify_pin_code' &&
        c.constraint_type !== 'pin_code_matches_existing_set',
    ),
  };
  for (let attempt = 0; attempt < 10_000; attempt++) {
    let code = '';
    for (let i = 0; i < length; i++) code += String(randomInt(0, 10));
    if (otherCodes.includes(code)) continue;
    if (codeViolations(checked, { code, otherCodes, otherNames: [], now }).length === 0) return code;
  }
  throw new Error('No code satisfies the device constraints');
}
