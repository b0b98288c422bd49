import type { AccessCode, CodeRules } from '../../src/core/model';

/**
 * A plain, independent statement of each code rule, written without the engine's helpers, so the
 * property tests can check that validate() agrees with it. Keep it obvious rather than clever.
 */
const KNOWN = new Set([
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
]);

export interface ReferenceContext {
  existing?: AccessCode[];
  userId?: string;
  knownCodeSet?: string[];
}

function has(rules: CodeRules, type: string): boolean {
  for (const c of rules.constraints) if (c.constraint_type === type) return true;
  return false;
}

/** True when 4 digits in a row go up by one, down by one, or stay the same (the document's rule). */
export function referenceHasLongRun(code: string): boolean {
  for (let i = 0; i + 4 <= code.length; i++) {
    const w = code.slice(i, i + 4);
    if (!/^[0-9]{4}$/.test(w)) continue;
    const d = [...w].map(Number);
    for (const step of [-1, 0, 1]) {
      if (d[1] - d[0] === step && d[2] - d[1] === step && d[3] - d[2] === step) return true;
    }
  }
  return false;
}

/** The whole code counts up by one, or down by one, digit after digit (two digits at least). */
export function referenceIsSequence(code: string): boolean {
  if (code.length < 2) return false;
  for (const ch of code) if (ch < '0' || ch > '9') return false;
  let up = true;
  let down = true;
  for (let i = 1; i < code.length; i++) {
    const step = Number(code[i]) - Number(code[i - 1]);
    if (step !== 1) up = false;
    if (step !== -1) down = false;
  }
  return up || down;
}

function containsAny(code: string, digits: string): boolean {
  for (const d of digits) if (code.indexOf(d) !== -1) return true;
  return false;
}

function isActive(c: AccessCode): boolean {
  return c.status !== 'removed' && c.status !== 'removing' && c.status !== 'failed';
}

/** Reason codes for a new code (create), by the reference reading of each rule. */
export function referenceReasons(
  code: string | undefined,
  name: string | undefined,
  rules: CodeRules,
  ctx: ReferenceContext = {},
): Set<string> {
  const out = new Set<string>();
  for (const c of rules.constraints) if (!KNOWN.has(c.constraint_type)) out.add('unknown_constraint');
  const active = (ctx.existing ?? []).filter(isActive);
  if (code !== undefined) {
    if (rules.canSpecifyCode === false || has(rules, 'cannot_specify_pin_code'))
      out.add('cannot_specify_pin_code');
    if (rules.lengths.length > 0 && rules.lengths.indexOf(code.length) === -1) out.add('wrong_length');
    if (rules.numeric) {
      let digitsOnly = code.length > 0;
      for (const ch of code) if (ch < '0' || ch > '9') digitsOnly = false;
      if (!digitsOnly) out.add('not_numeric');
    }
    if (has(rules, 'no_zeros') && code.indexOf('0') !== -1) out.add('no_zeros');
    if (has(rules, 'cannot_start_with_12') && code.slice(0, 2) === '12') out.add('cannot_start_with_12');
    if (has(rules, 'no_triple_consecutive_ints') && referenceHasLongRun(code))
      out.add('no_triple_consecutive_ints');
    if (has(rules, 'pin_code_matches_existing_set')) {
      if (ctx.knownCodeSet === undefined) out.add('existing_set_unknown');
      else if (ctx.knownCodeSet.indexOf(code) === -1) out.add('pin_code_matches_existing_set');
    }
    if (has(rules, 'no_ascending_or_descending_sequence') && referenceIsSequence(code))
      out.add('no_ascending_or_descending_sequence');
    if (has(rules, 'at_least_three_unique_digits')) {
      const seen: string[] = [];
      for (const ch of code) if (ch >= '0' && ch <= '9' && seen.indexOf(ch) === -1) seen.push(ch);
      if (seen.length < 3) out.add('at_least_three_unique_digits');
    }
    if (has(rules, 'cannot_contain_089') && containsAny(code, '089')) out.add('cannot_contain_089');
    if (has(rules, 'cannot_contain_0789') && containsAny(code, '0789')) out.add('cannot_contain_0789');
    if (has(rules, 'no_all_same_digits') && code.length > 0 && code.split('').every((ch) => ch === code[0]))
      if (code[0] >= '0' && code[0] <= '9') out.add('no_all_same_digits');
    if (
      has(rules, 'unique_first_four_digits') &&
      active.some((c) => c.code !== undefined && c.code.substring(0, 4) === code.substring(0, 4))
    )
      out.add('unique_first_four_digits');
    if (active.some((c) => c.code === code)) out.add('code_in_use');
  }
  if (name !== undefined) {
    for (const c of rules.constraints) {
      if (c.constraint_type !== 'name_length') continue;
      if (typeof c.min_length === 'number' && name.length < c.min_length) out.add('name_too_short');
      if (typeof c.max_length === 'number' && name.length > c.max_length) out.add('name_too_long');
    }
    if (has(rules, 'name_must_be_unique') && name !== '' && active.some((c) => c.name === name))
      out.add('name_must_be_unique');
  }
  if (rules.maxActive !== null && active.length >= rules.maxActive) out.add('max_active_reached');
  if (rules.onePerUser && ctx.userId !== undefined && active.some((c) => c.userId === ctx.userId))
    out.add('user_has_code');
  return out;
}

/** The blocking subset (warnings removed). */
export function referenceBlocking(reasons: Set<string>): Set<string> {
  const out = new Set(reasons);
  out.delete('unknown_constraint');
  out.delete('existing_set_unknown');
  return out;
}
