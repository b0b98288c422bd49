import assert from 'node:assert/strict';
import type { AccessCode, CodeConstraint, CodeRules } from '../../src/core/model';
import { validate, type ValidationContext } from '../../src/pins/validate';
import { longestRun } from '../../src/pins/constraints';
import { isBlocking } from '../../src/pins/reasons';

const NOW = Date.parse('2030-01-01T00:00:00Z');

function rules(over: Partial<CodeRules> = {}): CodeRules {
  return {
    lengths: [4, 5, 6],
    numeric: true,
    maxActive: null,
    schedules: ['always'],
    constraints: [],
    ...over,
  };
}

function withConstraints(...constraints: CodeConstraint[]): { codeRules: CodeRules } {
  return { codeRules: rules({ constraints }) };
}

function codesOf(
  code: string | undefined,
  name: string | undefined,
  lock: { codeRules?: CodeRules },
  ctx: Omit<ValidationContext, 'now'> = {},
): string[] {
  return validate(code, name, undefined, lock, { ...ctx, now: NOW }).reasons.map((r) => r.code);
}

function existing(code: string, extra: Partial<AccessCode> = {}): AccessCode {
  return {
    id: `c-${code}`,
    lockId: 'l',
    name: 'x',
    code,
    schedule: { kind: 'always' },
    status: 'set',
    ...extra,
  };
}

describe('pins/validate', () => {
  it('accepts a code that keeps every rule', () => {
    const v = validate('4831', 'Ann', { kind: 'always' }, { codeRules: rules() }, { now: NOW });
    assert.deepEqual(v, { ok: true, reasons: [] });
  });

  it('checks the supported lengths', () => {
    assert.deepEqual(codesOf('123', undefined, { codeRules: rules() }), ['wrong_length']);
    assert.deepEqual(codesOf('1234567', undefined, { codeRules: rules() }), ['wrong_length']);
    assert.deepEqual(codesOf('', undefined, { codeRules: rules() }), ['wrong_length', 'not_numeric']);
    assert.deepEqual(codesOf('48315', undefined, { codeRules: rules({ lengths: [4, 6] }) }), [
      'wrong_length',
    ]);
    // No lengths declared: length is not checked.
    assert.deepEqual(codesOf('48', undefined, { codeRules: rules({ lengths: [] }) }), []);
  });

  it('checks digits only where the lock needs them', () => {
    assert.deepEqual(codesOf('48a1', undefined, { codeRules: rules() }), ['not_numeric']);
    assert.deepEqual(codesOf('48a1', undefined, { codeRules: rules({ numeric: false }) }), []);
  });

  it('no_zeros: 0s cannot be used as digits', () => {
    const lock = withConstraints({ constraint_type: 'no_zeros' });
    assert.deepEqual(codesOf('4801', undefined, lock), ['no_zeros']);
    assert.deepEqual(codesOf('4891', undefined, lock), []);
  });

  it('cannot_start_with_12: only the start counts', () => {
    const lock = withConstraints({ constraint_type: 'cannot_start_with_12' });
    assert.deepEqual(codesOf('1256', undefined, lock), ['cannot_start_with_12']);
    assert.deepEqual(codesOf('5126', undefined, lock), []);
    assert.deepEqual(codesOf('2156', undefined, lock), []);
  });

  it('no_triple_consecutive_ints: no more than 3 digits in a row consecutive or the same', () => {
    const lock = withConstraints({ constraint_type: 'no_triple_consecutive_ints' });
    for (const bad of ['1234', '84321', '7777', '901234', '556789'])
      assert.deepEqual(codesOf(bad, undefined, lock), ['no_triple_consecutive_ints'], bad);
    for (const good of ['1235', '1114', '8321', '1212', '9012', '1223'])
      assert.deepEqual(codesOf(good, undefined, lock), [], good);
  });

  it('longestRun measures ascending, descending and repeated runs', () => {
    assert.equal(longestRun('1234'), 4);
    assert.equal(longestRun('4321'), 4);
    assert.equal(longestRun('1223'), 2);
    assert.equal(longestRun('11123'), 3);
    assert.equal(longestRun('90'), 1);
    assert.equal(longestRun(''), 0);
  });

  it('cannot_specify_pin_code: a code must be left empty', () => {
    const lock = withConstraints({ constraint_type: 'cannot_specify_pin_code' });
    assert.deepEqual(codesOf('4831', undefined, lock), ['cannot_specify_pin_code']);
    assert.deepEqual(codesOf(undefined, 'Ann', lock), []);
  });

  it('pin_code_matches_existing_set: the code must be one of the account set', () => {
    const lock = withConstraints({ constraint_type: 'pin_code_matches_existing_set' });
    const check = (code: string, knownCodeSet?: string[]) =>
      validate(code, undefined, undefined, lock, { now: NOW, knownCodeSet }).reasons.map((r) => r.code);
    assert.deepEqual(check('4831', ['4831', '9152']), []);
    assert.deepEqual(check('4832', ['4831', '9152']), ['pin_code_matches_existing_set']);
    // When Lockbridge cannot know the set it warns and lets the vendor decide.
    const unknown = validate('4832', undefined, undefined, lock, { now: NOW });
    assert.equal(unknown.ok, true);
    assert.deepEqual(
      unknown.reasons.map((r) => r.code),
      ['existing_set_unknown'],
    );
  });

  it('name_length: min and max, either or both', () => {
    const both = withConstraints({ constraint_type: 'name_length', min_length: 2, max_length: 12 });
    assert.deepEqual(codesOf(undefined, 'A', both), ['name_too_short']);
    assert.deepEqual(codesOf(undefined, 'Ann', both), []);
    assert.deepEqual(codesOf(undefined, 'A very long guest name', both), ['name_too_long']);
    const maxOnly = withConstraints({ constraint_type: 'name_length', max_length: 20 });
    assert.deepEqual(codesOf(undefined, '', maxOnly), []);
    assert.deepEqual(codesOf(undefined, 'x'.repeat(21), maxOnly), ['name_too_long']);
  });

  it('code_in_use ignores removed and failed codes and the code being updated', () => {
    const lock = { codeRules: rules() };
    const list = [
      existing('4831'),
      existing('5931', { status: 'removed' }),
      existing('6931', { status: 'failed' }),
    ];
    const check = (code: string, replacingId?: string) =>
      validate(code, undefined, undefined, lock, { now: NOW, existing: list, replacingId }).reasons.map(
        (r) => r.code,
      );
    assert.deepEqual(check('4831'), ['code_in_use']);
    assert.deepEqual(check('5931'), []);
    assert.deepEqual(check('6931'), []);
    assert.deepEqual(check('4831', 'c-4831'), []);
  });

  it('max_active_reached counts active codes for a new code only', () => {
    const lock = { codeRules: rules({ maxActive: 2 }) };
    const list = [
      existing('4831'),
      existing('5832', { status: 'pending' }),
      existing('6833', { status: 'removed' }),
    ];
    assert.deepEqual(
      validate('7834', undefined, undefined, lock, { now: NOW, existing: list }).reasons.map((r) => r.code),
      ['max_active_reached'],
    );
    assert.equal(
      validate('7834', undefined, undefined, lock, { now: NOW, existing: list, replacingId: 'c-4831' }).ok,
      true,
    );
  });

  it('user_has_code on one-PIN-per-user locks', () => {
    const lock = { codeRules: rules({ onePerUser: true }) };
    const list = [existing('4831', { userId: 'u1' })];
    const check = (userId: string) =>
      validate('7834', undefined, undefined, lock, { now: NOW, existing: list, userId }).reasons.map(
        (r) => r.code,
      );
    assert.deepEqual(check('u1'), ['user_has_code']);
    assert.deepEqual(check('u2'), []);
  });

  it('returns every broken rule, not just the first', () => {
    const lock = {
      codeRules: rules({
        lengths: [6],
        maxActive: 1,
        constraints: [
          { constraint_type: 'no_zeros' },
          { constraint_type: 'cannot_start_with_12' },
          { constraint_type: 'no_triple_consecutive_ints' },
          { constraint_type: 'name_length', max_length: 3 },
        ],
      }),
    };
    const v = validate('12340', 'Grandma', { kind: 'time_bound', start: 'soon', end: 'later' }, lock, {
      now: NOW,
      existing: [existing('12340')],
    });
    assert.equal(v.ok, false);
    assert.deepEqual(v.reasons.map((r) => r.code).sort(), [
      'cannot_start_with_12',
      'code_in_use',
      'max_active_reached',
      'name_too_long',
      'no_triple_consecutive_ints',
      'no_zeros',
      'schedule_malformed',
      'schedule_malformed',
      'schedule_not_supported',
      'wrong_length',
    ]);
  });

  it("Seam's newer code constraints: each refuses what its documented meaning refuses, with its own reason", () => {
    const cases: Array<[string, string[], string[]]> = [
      // type, codes refused, codes accepted
      ['no_ascending_or_descending_sequence', ['1234', '98765', '0123'], ['1243', '23457', '9012']],
      ['at_least_three_unique_digits', ['1212', '7777', '1122'], ['1213', '4831']],
      ['cannot_contain_089', ['4518', '4019', '9123'], ['4517', '1234']],
      ['cannot_contain_0789', ['4517', '4518', '0123'], ['4516', '1236']],
      ['no_all_same_digits', ['5555', '000000'], ['5556', '4831']],
    ];
    for (const [type, refused, accepted] of cases) {
      const lock = withConstraints({ constraint_type: type });
      for (const code of refused) assert.deepEqual(codesOf(code, undefined, lock), [type], `${type} ${code}`);
      for (const code of accepted) assert.deepEqual(codesOf(code, undefined, lock), [], `${type} ${code}`);
    }
  });

  it('unique_first_four_digits compares with the other active codes of the lock, not with itself', () => {
    const lock = withConstraints({ constraint_type: 'unique_first_four_digits' });
    const on = [existing('483100'), existing('555500', { status: 'removed' })];
    const v = validate('483199', undefined, undefined, lock, { now: NOW, existing: on });
    assert.deepEqual(
      v.reasons.map((r) => r.code),
      ['unique_first_four_digits'],
    );
    assert.equal(v.ok, false);
    assert.ok(!JSON.stringify(v.reasons).includes('4831'), 'a reason never quotes a code');
    assert.deepEqual(codesOf('555599', undefined, lock, { existing: on }), []);
    assert.deepEqual(codesOf('483199', undefined, lock, { existing: on, replacingId: 'c-483100' }), []);
  });

  it('name_must_be_unique refuses a name another active code of the lock has', () => {
    const lock = withConstraints({ constraint_type: 'name_must_be_unique' });
    const on = [existing('4831', { name: 'Cleaner' }), existing('5831', { name: 'Old', status: 'removed' })];
    assert.deepEqual(codesOf('6831', 'Cleaner', lock, { existing: on }), ['name_must_be_unique']);
    assert.deepEqual(codesOf('6831', 'Old', lock, { existing: on }), []);
    assert.deepEqual(codesOf('6831', 'Cleaner', lock, { existing: on, replacingId: 'c-4831' }), []);
    // An update that leaves the name alone is not checked.
    assert.deepEqual(codesOf('6831', undefined, lock, { existing: on }), []);
  });

  it('keeps and reports unknown constraints as warnings that do not block', () => {
    const lock = withConstraints(
      { constraint_type: 'no_vowels_on_tuesdays' },
      { constraint_type: 'no_zeros' },
    );
    const v = validate('4831', 'Ann', undefined, lock, { now: NOW });
    assert.equal(v.ok, true);
    assert.equal(v.reasons.length, 1);
    assert.equal(v.reasons[0].code, 'unknown_constraint');
    assert.equal(isBlocking(v.reasons[0]), false);
    assert.deepEqual(v.reasons[0].detail?.constraint, { constraint_type: 'no_vowels_on_tuesdays' });
    // A known broken rule still blocks next to the warning.
    const bad = validate('4801', 'Ann', undefined, lock, { now: NOW });
    assert.equal(bad.ok, false);
    assert.deepEqual(bad.reasons.map((r) => r.code).sort(), ['no_zeros', 'unknown_constraint']);
  });

  it('refuses any code on a lock without code rules', () => {
    const v = validate('4831', 'Ann', undefined, {}, { now: NOW });
    assert.equal(v.ok, false);
    assert.deepEqual(
      v.reasons.map((r) => r.code),
      ['codes_not_supported'],
    );
  });

  it('never puts the code in a reason', () => {
    const lock = withConstraints(
      { constraint_type: 'no_zeros' },
      { constraint_type: 'name_length', max_length: 2 },
    );
    const pin = '90817';
    const v = validate(
      pin,
      'Anna',
      undefined,
      { codeRules: { ...lock.codeRules, lengths: [4] } },
      {
        now: NOW,
        existing: [existing(pin)],
      },
    );
    assert.ok(v.reasons.length >= 3);
    assert.ok(!JSON.stringify(v.reasons).includes(pin));
  });
});
