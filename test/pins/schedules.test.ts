import assert from 'node:assert/strict';
import type { CodeConstraint, Schedule, ScheduleKind } from '../../src/core/model';
import { validateSchedule } from '../../src/pins/schedules';

const NOW = Date.parse('2030-01-01T12:00:00Z');
const ALL: ScheduleKind[] = ['always', 'time_bound', 'recurring', 'one_time'];

function check(
  schedule: Schedule,
  schedules: ScheduleKind[] = ALL,
  constraints: CodeConstraint[] = [],
): string[] {
  return validateSchedule(schedule, { schedules, constraints }, NOW).map((r) => r.code);
}

describe('pins/schedules', () => {
  it('accepts each well-formed kind', () => {
    assert.deepEqual(check({ kind: 'always' }), []);
    assert.deepEqual(
      check({ kind: 'time_bound', start: '2030-01-02T00:00:00Z', end: '2030-01-03T00:00:00+02:00' }),
      [],
    );
    assert.deepEqual(check({ kind: 'recurring', days: ['mo', 'fr'], startMinute: 480, endMinute: 1020 }), []);
    assert.deepEqual(check({ kind: 'one_time' }), []);
    assert.deepEqual(check({ kind: 'one_time', end: '2030-02-01T00:00:00Z' }), []);
  });

  it('says not_supported for a kind the lock cannot hold; always is always fine', () => {
    assert.deepEqual(check({ kind: 'recurring', days: ['mo'], startMinute: 0, endMinute: 60 }, ['always']), [
      'schedule_not_supported',
    ]);
    assert.deepEqual(check({ kind: 'always' }, []), []);
  });

  it('needs end after start, and an end still ahead', () => {
    assert.deepEqual(
      check({ kind: 'time_bound', start: '2030-01-03T00:00:00Z', end: '2030-01-02T00:00:00Z' }),
      ['schedule_end_not_after_start'],
    );
    assert.deepEqual(
      check({ kind: 'time_bound', start: '2029-01-01T00:00:00Z', end: '2029-06-01T00:00:00Z' }),
      ['schedule_already_ended'],
    );
    assert.deepEqual(check({ kind: 'recurring', days: ['mo'], startMinute: 600, endMinute: 600 }), [
      'schedule_end_not_after_start',
    ]);
  });

  it('reports malformed schedules instead of throwing', () => {
    assert.deepEqual(check({ kind: 'time_bound', start: '2030-01-02', end: '2030-01-03T00:00:00Z' }), [
      'schedule_malformed',
    ]);
    assert.deepEqual(check({ kind: 'recurring', days: [], startMinute: 0, endMinute: 60 }), [
      'schedule_malformed',
    ]);
    assert.deepEqual(check({ kind: 'recurring', days: ['xx' as 'mo'], startMinute: -1, endMinute: 60 }), [
      'schedule_malformed',
      'schedule_malformed',
    ]);
    assert.deepEqual(check({ kind: 'weekly' } as unknown as Schedule), ['schedule_malformed']);
    assert.deepEqual(check(null as unknown as Schedule), ['schedule_malformed']);
  });

  it('start_date_in_future applies to schedules with a start, only when declared', () => {
    const future = [{ constraint_type: 'start_date_in_future' }];
    const past = { kind: 'time_bound', start: '2030-01-01T11:00:00Z', end: '2030-01-05T00:00:00Z' } as const;
    assert.deepEqual(check(past), []);
    assert.deepEqual(check(past, ALL, future), ['start_date_in_future']);
    assert.deepEqual(check({ ...past, start: '2030-01-01T13:00:00Z' }, ALL, future), []);
    assert.deepEqual(check({ kind: 'always' }, ALL, future), []);
  });
});
