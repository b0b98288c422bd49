import { randomInt } from 'node:crypto';
import type { AccessCode, CodeConstraint, CodeRules } from '../core/model';
import { forbiddenDigits, GENERATION_MAX_RUN, hasConstraint } from './constraints';
import { reason, type CodeReason } from './reasons';
import { activeCodes, codeReasons } from './validate';

export interface GenerateContext {
  /** The codes on the lock now: a generated code is never one of them. */
  existing?: readonly AccessCode[];
  /** More codes not to return (another lock's codes, codes just handed out ...). */
  avoid?: readonly string[];
  /** The length wanted; by default the allowed length closest to 6. */
  length?: number;
  /** For pin_code_matches_existing_set: the codes already used in the account. */
  knownCodeSet?: readonly string[];
  /** Uniform integer in [0, n). Defaults to crypto.randomInt: codes must not be guessable. */
  random?: (n: number) => number;
}

export type GenerateResult = { ok: true; code: string } | { ok: false; reasons: CodeReason[] };

/** The length people find easiest to type that most keypads accept. */
const PREFERRED_LENGTH = 6;

/**
 * A code that keeps every rule of the lock and is not in use, or every reason none can exist. Digits
 * are chosen at random, depth first with pruning, so the search is exhaustive: when it fails, no such
 * code exists. It first avoids weak codes (runs like 111 or 123) and only accepts them when nothing
 * else is left.
 */
export function generateCode(rules: CodeRules, ctx: GenerateContext = {}): GenerateResult {
  const blockers: CodeReason[] = [];
  if (rules.canSpecifyCode === false || hasConstraint(rules.constraints, 'cannot_specify_pin_code'))
    blockers.push(
      reason('cannot_specify_pin_code', 'This lock chooses its own codes; Lockbridge cannot pick one'),
    );
  const active = activeCodes(ctx.existing ?? []);
  if (rules.maxActive !== null && active.length >= rules.maxActive)
    blockers.push(
      reason('max_active_reached', `The lock already holds its maximum of ${rules.maxActive} codes`, {
        max: rules.maxActive,
        active: active.length,
      }),
    );
  const lengths = lengthsToTry(rules.lengths, ctx.length, blockers);
  if (blockers.length > 0) return { ok: false, reasons: blockers };

  const taken = new Set<string>(ctx.avoid ?? []);
  for (const c of active) if (c.code !== undefined) taken.add(c.code);
  const random = ctx.random ?? randomInt;
  const accept = (code: string) =>
    !taken.has(code) && codeReasons(code, rules, { ...ctx, existing: active }).length === 0;

  if (hasConstraint(rules.constraints, 'pin_code_matches_existing_set')) {
    if (ctx.knownCodeSet === undefined)
      return {
        ok: false,
        reasons: [
          reason(
            'pin_code_matches_existing_set',
            'This lock only takes codes already used in the account, which are unknown',
            {
              setKnown: false,
            },
          ),
        ],
      };
    const candidates = ctx.knownCodeSet.filter((c) => lengths.includes(c.length) && accept(c));
    if (candidates.length > 0) return { ok: true, code: candidates[random(candidates.length)] };
    return {
      ok: false,
      reasons: [reason('no_code_available', 'No code of the account set fits this lock and is free')],
    };
  }

  for (const maxRun of [GENERATION_MAX_RUN, Infinity]) {
    for (const length of lengths) {
      const code = search(length, rules.constraints, maxRun, random, accept);
      if (code !== undefined) return { ok: true, code };
    }
  }
  return {
    ok: false,
    reasons: [
      reason('no_code_available', 'Every code this lock accepts is already in use or excluded', { lengths }),
    ],
  };
}

function lengthsToTry(
  allowed: readonly number[],
  wanted: number | undefined,
  blockers: CodeReason[],
): number[] {
  if (wanted !== undefined) {
    if (!Number.isInteger(wanted) || wanted < 1 || (allowed.length > 0 && !allowed.includes(wanted)))
      blockers.push(
        reason('wrong_length', 'The lock does not take codes of the length asked for', {
          length: wanted,
          allowed: [...allowed],
        }),
      );
    return [wanted];
  }
  const usable = [...new Set(allowed)].filter((n) => Number.isInteger(n) && n >= 1);
  if (usable.length === 0) {
    blockers.push(reason('no_supported_lengths', 'The lock does not say which code lengths it takes'));
    return [];
  }
  return usable.sort((a, b) => Math.abs(a - PREFERRED_LENGTH) - Math.abs(b - PREFERRED_LENGTH) || b - a);
}

/**
 * Depth-first search over digits in random order. Prefix rules (forbidden digits, cannot_start_with_12, runs)
 * prune early; whole-code rules are checked by `accept` at the leaves.
 */
function search(
  length: number,
  constraints: readonly CodeConstraint[],
  maxRunWanted: number,
  random: (n: number) => number,
  accept: (code: string) => boolean,
): string | undefined {
  const forbidden = forbiddenDigits(constraints);
  const no12 = hasConstraint(constraints, 'cannot_start_with_12');
  const digits: number[] = [];
  const walk = (run: number, step: number | null): string | undefined => {
    if (digits.length === length) {
      const code = digits.join('');
      return accept(code) ? code : undefined;
    }
    for (const d of shuffledDigits(random)) {
      if (forbidden.has(String(d))) continue;
      if (no12 && digits.length === 1 && digits[0] === 1 && d === 2) continue;
      let nextRun = 1;
      let nextStep: number | null = null;
      if (digits.length > 0) {
        const delta = d - digits[digits.length - 1];
        if (Math.abs(delta) <= 1) {
          nextStep = delta;
          nextRun = run > 1 && step === delta ? run + 1 : 2;
        }
      }
      if (nextRun > maxRunWanted) continue;
      digits.push(d);
      const found = walk(nextRun, nextStep);
      digits.pop();
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return walk(0, null);
}

function shuffledDigits(random: (n: number) => number): number[] {
  const out = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * The rules a code must keep to fit every one of several locks: the lengths they share, every
 * constraint of each, digits only if any needs digits. maxActive and users stay per lock.
 */
export function intersectRules(all: readonly CodeRules[]): CodeRules | undefined {
  if (all.length === 0) return undefined;
  // A lock that does not say its lengths (empty list) does not narrow the shared lengths.
  let lengths: number[] | undefined;
  for (const r of all) {
    if (r.lengths.length === 0) continue;
    lengths = lengths === undefined ? [...r.lengths] : lengths.filter((n) => r.lengths.includes(n));
  }
  return {
    lengths: lengths ?? [],
    numeric: all.some((r) => r.numeric),
    maxActive: null,
    schedules: all[0].schedules.filter((k) => all.every((r) => r.schedules.includes(k))),
    constraints: all.flatMap((r) => r.constraints),
    canSpecifyCode: all.every((r) => r.canSpecifyCode !== false),
  };
}

/**
 * One code that fits every lock: the shared rules, and none of the codes in use on any of them.
 * Per-lock limits (maxActive, one per user) are checked by validating against each lock afterwards.
 */
export function generateCommonCode(
  all: ReadonlyArray<{ rules: CodeRules; existing: readonly AccessCode[] }>,
  ctx: Omit<GenerateContext, 'existing'> = {},
): GenerateResult {
  const merged = intersectRules(all.map((a) => a.rules));
  if (!merged) return { ok: false, reasons: [reason('no_supported_lengths', 'No locks given')] };
  if (merged.lengths.length === 0 && all.some((a) => a.rules.lengths.length > 0))
    return {
      ok: false,
      reasons: [
        reason('no_common_length', 'These locks share no code length; ask for a code per lock', {
          lengths: all.map((a) => [...a.rules.lengths]),
        }),
      ],
    };
  const avoid = new Set<string>(ctx.avoid ?? []);
  for (const a of all) for (const c of activeCodes(a.existing)) if (c.code !== undefined) avoid.add(c.code);
  // unique_first_four_digits compares with the codes of the locks that declare it, so those go in as existing.
  const existing = all
    .filter((a) => hasConstraint(a.rules.constraints, 'unique_first_four_digits'))
    .flatMap((a) => activeCodes(a.existing));
  return generateCode(merged, { ...ctx, avoid: [...avoid], existing });
}
