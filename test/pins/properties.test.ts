import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { AccessCode, CodeConstraint, CodeRules, CodeStatus } from '../../src/core/model';
import { validate } from '../../src/pins/validate';
import { generateCode, generateCommonCode } from '../../src/pins/generate';
import { referenceBlocking, referenceReasons } from './reference';

const CODE_CONSTRAINTS = [
  'no_zeros',
  'cannot_start_with_12',
  'no_triple_consecutive_ints',
  'no_ascending_or_descending_sequence',
  'at_least_three_unique_digits',
  'cannot_contain_089',
  'cannot_contain_0789',
  'unique_first_four_digits',
  'no_all_same_digits',
  'name_must_be_unique',
] as const;
const STATUSES: CodeStatus[] = ['requested', 'pending', 'set', 'removing', 'removed', 'failed', 'unknown'];

const constraintArb: fc.Arbitrary<CodeConstraint[]> = fc
  .record({
    codes: fc.subarray([...CODE_CONSTRAINTS]),
    name: fc.option(
      fc.record({
        min_length: fc.option(fc.nat(4), { nil: undefined }),
        max_length: fc.option(fc.nat(12), { nil: undefined }),
      }),
      { nil: undefined },
    ),
    unknown: fc.option(fc.constantFrom('future_rule_x', 'no_vowels'), { nil: undefined }),
    specify: fc.boolean(),
    matchSet: fc.boolean(),
  })
  .map(({ codes, name, unknown, specify, matchSet }) => {
    const out: CodeConstraint[] = codes.map((constraint_type) => ({ constraint_type }));
    if (name) {
      const c: CodeConstraint = { constraint_type: 'name_length' };
      if (name.min_length !== undefined) c.min_length = name.min_length;
      if (name.max_length !== undefined) c.max_length = name.max_length;
      out.push(c);
    }
    if (unknown) out.push({ constraint_type: unknown });
    if (specify) out.push({ constraint_type: 'cannot_specify_pin_code' });
    if (matchSet) out.push({ constraint_type: 'pin_code_matches_existing_set' });
    return out;
  });

/** Random rule sets, biased towards small code spaces so "no code can exist" cases show up too. */
const rulesArb: fc.Arbitrary<CodeRules> = fc.record({
  lengths: fc.uniqueArray(fc.integer({ min: 1, max: 8 }), { maxLength: 4 }),
  numeric: fc.boolean(),
  maxActive: fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }),
  schedules: fc.constant(['always' as const]),
  constraints: constraintArb,
  onePerUser: fc.boolean(),
});

const digitString = (min: number, max: number) =>
  fc
    .array(fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9'), {
      minLength: min,
      maxLength: max,
    })
    .map((a) => a.join(''));
const codeArb = fc.oneof(digitString(0, 9), fc.string({ maxLength: 9 }));

const existingArb: fc.Arbitrary<AccessCode[]> = fc
  .array(
    fc.record({
      code: fc.option(digitString(1, 4), { nil: undefined }),
      status: fc.constantFrom(...STATUSES),
      userId: fc.option(fc.constantFrom('u1', 'u2', 'u3'), { nil: undefined }),
    }),
    { maxLength: 40 },
  )
  .map((list) =>
    list.map((c, i) => ({
      id: `c${i}`,
      lockId: 'l',
      name: `n${i}`,
      schedule: { kind: 'always' as const },
      ...c,
    })),
  );

function sorted(s: Iterable<string>): string[] {
  return [...s].sort();
}

/** Every code of the given lengths (small lengths only), for exhaustive checks. */
function allCodes(lengths: number[]): string[] {
  const out: string[] = [];
  for (const n of lengths) for (let i = 0; i < 10 ** n; i++) out.push(String(i).padStart(n, '0'));
  return out;
}

describe('pins/properties', () => {
  it('validation agrees with the plain reference check of each rule', () => {
    fc.assert(
      fc.property(
        rulesArb,
        codeArb,
        fc.option(fc.oneof(fc.string({ maxLength: 16 }), fc.constantFrom('n0', 'n1', '')), {
          nil: undefined,
        }),
        existingArb,
        fc.option(fc.constantFrom('u1', 'u4'), { nil: undefined }),
        fc.option(fc.array(digitString(1, 6), { maxLength: 5 }), { nil: undefined }),
        (rules, code, name, existing, userId, knownCodeSet) => {
          const v = validate(
            code,
            name,
            undefined,
            { codeRules: rules },
            { now: 0, existing, userId, knownCodeSet },
          );
          const expected = referenceReasons(code, name, rules, { existing, userId, knownCodeSet });
          assert.deepEqual(sorted(new Set(v.reasons.map((r) => r.code))), sorted(expected));
          assert.equal(v.ok, referenceBlocking(expected).size === 0);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('generated codes always pass validation and the reference, and are never in use', () => {
    fc.assert(
      fc.property(
        rulesArb,
        existingArb,
        fc.array(digitString(1, 4), { maxLength: 20 }),
        fc.option(fc.array(digitString(1, 6), { maxLength: 8 }), { nil: undefined }),
        (rules, existing, avoid, knownCodeSet) => {
          const g = generateCode(rules, { existing, avoid, knownCodeSet });
          if (!g.ok) {
            assert.ok(g.reasons.length > 0);
            return;
          }
          const v = validate(
            g.code,
            undefined,
            undefined,
            { codeRules: rules },
            { now: 0, existing, knownCodeSet },
          );
          assert.equal(v.ok, true, `generated code broke ${v.reasons.map((r) => r.code).join(',')}`);
          assert.equal(
            referenceBlocking(referenceReasons(g.code, undefined, rules, { existing, knownCodeSet })).size,
            0,
          );
          assert.ok(!avoid.includes(g.code));
          assert.ok(/^[0-9]+$/.test(g.code));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('generation fails only when no code can exist (checked exhaustively on small code spaces)', () => {
    const small = rulesArb.map((r) => ({
      ...r,
      lengths: r.lengths.filter((n) => n <= 3).length > 0 ? r.lengths.filter((n) => n <= 3) : [2],
      constraints: r.constraints.filter(
        (c) =>
          c.constraint_type !== 'cannot_specify_pin_code' &&
          c.constraint_type !== 'pin_code_matches_existing_set',
      ),
      maxActive: null,
    }));
    fc.assert(
      fc.property(small, fc.array(digitString(1, 3), { maxLength: 300 }), (rules, avoid) => {
        const g = generateCode(rules, { avoid });
        const anyValid = allCodes(rules.lengths).some(
          (c) => !avoid.includes(c) && referenceBlocking(referenceReasons(c, undefined, rules)).size === 0,
        );
        assert.equal(g.ok, anyValid);
        if (!g.ok)
          assert.deepEqual(
            g.reasons.map((r) => r.code),
            ['no_code_available'],
          );
      }),
      { numRuns: 300 },
    );
  });

  it('a common code fits every lock of a set', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(rulesArb, existingArb), { minLength: 1, maxLength: 4 }), (locks) => {
        const plain = locks.map(([r, e]) => ({
          rules: {
            ...r,
            constraints: r.constraints.filter((c) => c.constraint_type !== 'pin_code_matches_existing_set'),
          },
          existing: e,
        }));
        const g = generateCommonCode(plain);
        if (!g.ok) return;
        for (const { rules, existing } of plain) {
          const blocking = referenceBlocking(referenceReasons(g.code, undefined, rules, { existing }));
          blocking.delete('max_active_reached'); // per-lock limit, checked by the service for each lock
          assert.deepEqual(sorted(blocking), []);
        }
      }),
      { numRuns: 800 },
    );
  });

  it('a shared code is refused when the locks share no length', () => {
    const a: CodeRules = {
      lengths: [4],
      numeric: true,
      maxActive: null,
      schedules: ['always'],
      constraints: [],
    };
    const b: CodeRules = { ...a, lengths: [6] };
    const g = generateCommonCode([
      { rules: a, existing: [] },
      { rules: b, existing: [] },
    ]);
    assert.deepEqual(!g.ok && g.reasons.map((r) => r.code), ['no_common_length']);
  });
});
