import assert from 'node:assert/strict';
import { codeViolations, generateCodeFor, nameViolations } from '../../../src/emulators/seam/constraints';
import type { SeamDeviceProperties } from '../../../src/vendors/seam/types';

const base: { otherCodes: string[]; otherNames: string[]; now: number } = {
  otherCodes: [],
  otherNames: [],
  now: Date.parse('2030-01-01T00:00:00Z'),
};
const props = (
  constraints: Array<{ constraint_type: string; [k: string]: unknown }>,
  lengths = [4, 5, 6, 7, 8],
): SeamDeviceProperties => ({
  name: 'x',
  online: true,
  supported_code_lengths: lengths,
  code_constraints: constraints,
});
const rules = (
  p: SeamDeviceProperties,
  code: string,
  extra: Partial<typeof base> & { existingSet?: string[]; starts_at?: string } = {},
) => codeViolations(p, { ...base, ...extra, code }).map((v) => v.rule);

describe('seam emulator: code constraints', () => {
  it('checks each constraint type of the document and the schema', () => {
    const cases: Array<[string, string, string]> = [
      ['no_zeros', '4506', '4567'],
      ['cannot_start_with_12', '1256', '2156'],
      ['no_triple_consecutive_ints', '3456', '3457'],
      ['no_triple_consecutive_ints', '7777', '7778'],
      ['no_ascending_or_descending_sequence', '98765', '98764'],
      ['at_least_three_unique_digits', '1212', '1213'],
      ['cannot_contain_089', '4518', '4517'],
      ['cannot_contain_0789', '4517', '4516'],
      ['no_all_same_digits', '5555', '5556'],
    ];
    for (const [type, bad, good] of cases) {
      const p = props([{ constraint_type: type }]);
      assert.deepEqual(rules(p, bad), [type], `${type} should refuse ${bad}`);
      assert.deepEqual(rules(p, good), [], `${type} should accept ${good}`);
    }
  });

  it('checks lengths, digits, unique first four digits, existing sets, future starts and chosen codes', () => {
    assert.deepEqual(rules(props([], [6]), '4567'), ['supported_code_lengths']);
    assert.deepEqual(rules(props([]), '45a7'), ['digits']);
    assert.deepEqual(
      rules(props([{ constraint_type: 'unique_first_four_digits' }]), '456789', { otherCodes: ['456711'] }),
      ['unique_first_four_digits'],
    );
    const set = props([{ constraint_type: 'pin_code_matches_existing_set' }]);
    assert.deepEqual(rules(set, '4567', { existingSet: ['9999'] }), ['pin_code_matches_existing_set']);
    assert.deepEqual(rules(set, '9999', { existingSet: ['9999'] }), []);
    assert.deepEqual(rules(props([{ constraint_type: 'cannot_specify_pin_code' }]), '4567'), [
      'cannot_specify_pin_code',
    ]);
    const future = props([{ constraint_type: 'start_date_in_future' }]);
    assert.deepEqual(rules(future, '4567', { starts_at: '2029-12-31T00:00:00Z' }), ['start_date_in_future']);
    assert.deepEqual(rules(future, '4567', { starts_at: '2030-01-02T00:00:00Z' }), []);
  });

  it('checks name_length and name_must_be_unique', () => {
    const p = props([
      { constraint_type: 'name_length', min_length: 2, max_length: 5 },
      { constraint_type: 'name_must_be_unique' },
    ]);
    const names = (name: string) =>
      nameViolations(p, { ...base, name, otherNames: ['Taken'] }).map((v) => v.rule);
    assert.deepEqual(names('A'), ['name_length']);
    assert.deepEqual(names('Too long'), ['name_length']);
    assert.deepEqual(names('Taken'), ['name_must_be_unique']);
    assert.deepEqual(names('Guest'), []);
  });

  it('generates codes that satisfy every constraint of the Nuki of the document', () => {
    const nuki = props([{ constraint_type: 'cannot_start_with_12' }, { constraint_type: 'no_zeros' }], [6]);
    for (let i = 0; i < 200; i++) {
      const code = generateCodeFor(nuki, ['345678'], base.now);
      assert.equal(code.length, 6);
      assert.deepEqual(rules(nuki, code), []);
      assert.notEqual(code, '345678');
    }
  });
});
