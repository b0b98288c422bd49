import assert from 'node:assert/strict';
import type { AccessCode, Schedule } from '../../src/core/model';
import { augustCodeRules, seamCodeRules, smartphoneKeyPanelRules } from '../../src/pins/vendor-rules';
import { validate } from '../../src/pins/validate';
import { generateCode } from '../../src/pins/generate';

const NOW = Date.parse('2030-01-01T00:00:00Z');
const LATER: Schedule = { kind: 'time_bound', start: '2030-02-01T00:00:00Z', end: '2030-03-01T00:00:00Z' };

function reasonCodes(...args: Parameters<typeof validate>): string[] {
  return validate(...args).reasons.map((r) => r.code);
}

function pins(n: number, extra: Partial<AccessCode> = {}): AccessCode[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `p${i}`,
    lockId: 'l',
    name: `u${i}`,
    code: String(100000 + i),
    schedule: { kind: 'always' },
    status: 'set',
    userId: `user-${i}`,
    ...extra,
  }));
}

describe('pins/vendor rules', () => {
  describe('August / Yale', () => {
    const type2 = { codeRules: augustCodeRules({ type: 2 }) };
    const type1 = { codeRules: augustCodeRules({ type: 1 }) };

    it('takes numeric PINs of 4 to 8 digits', () => {
      assert.deepEqual(reasonCodes('4831', 'Ann', undefined, type2, { now: NOW }), []);
      assert.deepEqual(reasonCodes('48319275', 'Ann', undefined, type2, { now: NOW }), []);
      assert.deepEqual(reasonCodes('483', 'Ann', undefined, type2, { now: NOW }), ['wrong_length']);
      assert.deepEqual(reasonCodes('483192751', 'Ann', undefined, type2, { now: NOW }), ['wrong_length']);
      assert.deepEqual(reasonCodes('48a1', 'Ann', undefined, type2, { now: NOW }), ['not_numeric']);
    });

    it('follows the keypad min and max when the lock declares them', () => {
      const lock = { codeRules: augustCodeRules({ type: 2, pinLengthMin: 6, pinLengthMax: 6 }) };
      assert.deepEqual(reasonCodes('4831', 'Ann', undefined, lock, { now: NOW }), ['wrong_length']);
      assert.deepEqual(reasonCodes('483192', 'Ann', undefined, lock, { now: NOW }), []);
    });

    it('allows one PIN per user per lock', () => {
      const existing = pins(1);
      assert.deepEqual(
        reasonCodes('4831', 'Ann', undefined, type2, { now: NOW, existing, userId: 'user-0' }),
        ['user_has_code'],
      );
      assert.deepEqual(
        reasonCodes('4831', 'Ann', undefined, type2, { now: NOW, existing, userId: 'user-9' }),
        [],
      );
      // An update of that user's own PIN is fine.
      assert.deepEqual(
        reasonCodes('4831', 'Ann', undefined, type2, {
          now: NOW,
          existing,
          userId: 'user-0',
          replacingId: 'p0',
        }),
        [],
      );
    });

    it('holds at most 240 PINs, reserved or set', () => {
      assert.deepEqual(reasonCodes('4831', 'Ann', undefined, type2, { now: NOW, existing: pins(239) }), []);
      assert.deepEqual(reasonCodes('4831', 'Ann', undefined, type2, { now: NOW, existing: pins(240) }), [
        'max_active_reached',
      ]);
      const g = generateCode(type2.codeRules, { existing: pins(240) });
      assert.equal(g.ok, false);
      assert.deepEqual(!g.ok && g.reasons.map((r) => r.code), ['max_active_reached']);
    });

    it('holds schedules only on lock types 2 and up', () => {
      const recurring: Schedule = { kind: 'recurring', days: ['sa', 'su'], startMinute: 540, endMinute: 720 };
      assert.deepEqual(reasonCodes('4831', 'Ann', LATER, type1, { now: NOW }), ['schedule_not_supported']);
      assert.deepEqual(reasonCodes('4831', 'Ann', recurring, type1, { now: NOW }), [
        'schedule_not_supported',
      ]);
      assert.deepEqual(reasonCodes('4831', 'Ann', { kind: 'always' }, type1, { now: NOW }), []);
      assert.deepEqual(reasonCodes('4831', 'Ann', LATER, type2, { now: NOW }), []);
      assert.deepEqual(reasonCodes('4831', 'Ann', recurring, type2, { now: NOW }), []);
    });
  });

  describe('Seam', () => {
    it('reads the Nuki example of the requirements document', () => {
      const lock = {
        codeRules: seamCodeRules({
          supported_code_lengths: [6],
          code_constraints: [
            { constraint_type: 'cannot_start_with_12' },
            { constraint_type: 'no_zeros' },
            { constraint_type: 'name_length', max_length: 20 },
          ],
        }),
      };
      assert.deepEqual(reasonCodes('483195', 'Office guest', undefined, lock, { now: NOW }), []);
      assert.deepEqual(
        reasonCodes('120456', 'A name well over twenty chars', undefined, lock, { now: NOW }).sort(),
        ['cannot_start_with_12', 'name_too_long', 'no_zeros'],
      );
      const g = generateCode(lock.codeRules);
      assert.ok(g.ok && /^[1-9]{6}$/.test(g.code) && !g.code.startsWith('12'));
    });

    it('uses max_active_codes_supported and keeps unknown constraints', () => {
      const r = seamCodeRules({
        supported_code_lengths: [4, 5, 6, 7, 8],
        max_active_codes_supported: 250,
        code_constraints: [{ constraint_type: 'future_rule_x' }],
      });
      assert.equal(r.maxActive, 250);
      assert.deepEqual(r.constraints, [{ constraint_type: 'future_rule_x' }]);
      assert.deepEqual(reasonCodes('4831', 'Ann', undefined, { codeRules: r }, { now: NOW }), [
        'unknown_constraint',
      ]);
    });

    it('holds always, time-bound and one-time codes but not recurring ones', () => {
      const lock = { codeRules: seamCodeRules({ supported_code_lengths: [4] }) };
      assert.deepEqual(reasonCodes('4831', 'Ann', LATER, lock, { now: NOW }), []);
      assert.deepEqual(reasonCodes('4831', 'Ann', { kind: 'one_time' }, lock, { now: NOW }), []);
      assert.deepEqual(
        reasonCodes('4831', 'Ann', { kind: 'recurring', days: ['mo'], startMinute: 0, endMinute: 60 }, lock, {
          now: NOW,
        }),
        ['schedule_not_supported'],
      );
    });

    it('cannot_specify_pin_code and start_date_in_future (Lockly, Kwikset)', () => {
      const lockly = {
        codeRules: seamCodeRules({
          supported_code_lengths: [6],
          code_constraints: [{ constraint_type: 'cannot_specify_pin_code' }],
        }),
      };
      assert.equal(lockly.codeRules.canSpecifyCode, false);
      assert.deepEqual(reasonCodes('483195', 'Ann', undefined, lockly, { now: NOW }), [
        'cannot_specify_pin_code',
      ]);
      assert.deepEqual(reasonCodes(undefined, 'Ann', undefined, lockly, { now: NOW }), []);
      const g = generateCode(lockly.codeRules);
      assert.deepEqual(!g.ok && g.reasons.map((r) => r.code), ['cannot_specify_pin_code']);

      const kwikset = {
        codeRules: seamCodeRules({
          supported_code_lengths: [4],
          code_constraints: [{ constraint_type: 'start_date_in_future' }],
        }),
      };
      const started: Schedule = {
        kind: 'time_bound',
        start: '2029-12-31T00:00:00Z',
        end: '2030-03-01T00:00:00Z',
      };
      assert.deepEqual(reasonCodes('4831', 'Ann', started, kwikset, { now: NOW }), ['start_date_in_future']);
      assert.deepEqual(reasonCodes('4831', 'Ann', LATER, kwikset, { now: NOW }), []);
    });
  });

  describe('SmartphoneKey panel', () => {
    const lock = { codeRules: smartphoneKeyPanelRules() };
    it('takes 4 to 8 digits (open-with-pin ^\\d{4,8}$)', () => {
      for (const ok of ['4831', '48319', '48319275'])
        assert.deepEqual(reasonCodes(ok, 'x', undefined, lock, { now: NOW }), []);
      assert.deepEqual(reasonCodes('483', 'x', undefined, lock, { now: NOW }), ['wrong_length']);
      assert.deepEqual(reasonCodes('483192751', 'x', undefined, lock, { now: NOW }), ['wrong_length']);
      assert.deepEqual(reasonCodes('4 31', 'x', undefined, lock, { now: NOW }), ['not_numeric']);
      assert.deepEqual(reasonCodes('4831', 'x', LATER, lock, { now: NOW }), ['schedule_not_supported']);
    });
  });
});
