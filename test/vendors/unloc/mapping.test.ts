import assert from 'node:assert/strict';
import { LockbridgeError } from '../../../src/core/errors';
import {
  isE164,
  keyEventToAction,
  parseKeyEvent,
  scheduleToUnlocKey,
  unlocKeyToSchedule,
  unlocKeyToShare,
  unlocLockToDriverLock,
} from '../../../src/vendors/unloc/mapping';
import { mapUnlocError } from '../../../src/vendors/unloc/client';
import { Redactor } from '../../../src/core/redact';

describe('Unloc mapping', () => {
  it('maps a lock without lock state or remote unlock; duplicate-only locks get no keys', () => {
    const admin = unlocLockToDriverLock(
      { id: 'l1', name: 'Front', vendor: 'danalock', battery: 15 },
      'admin',
      true,
    );
    assert.deepEqual(admin.capabilities, ['duplicate', 'keys', 'push', 'battery']);
    assert.equal(admin.status.state, 'UNKNOWN');
    assert.equal(admin.status.battery, 15);
    assert.equal(admin.status.batteryLow, true);
    assert.equal(admin.manufacturer, 'Unloc (danalock)');
    const dup = unlocLockToDriverLock({ id: 'l2', name: '', vendor: '' }, 'duplicate', true);
    assert.deepEqual(dup.capabilities, ['duplicate']);
    assert.equal(dup.name, 'Unloc lock l2');
    assert.equal(dup.status.battery, null);
    for (const c of ['lock', 'unlock', 'open', 'lock_state'] as const)
      assert.ok(!admin.capabilities.includes(c));
  });

  it('checks E.164 numbers', () => {
    assert.ok(isE164('+4791234567'));
    assert.ok(isE164('+14155552671'));
    for (const bad of ['4791234567', '+0791234567', '+47 912 34 567', '+47', '+1234567890123456'])
      assert.ok(!isE164(bad), bad);
  });

  it('maps schedules to key timing and back', () => {
    assert.deepEqual(scheduleToUnlocKey(undefined), { start: null, end: null });
    assert.deepEqual(scheduleToUnlocKey({ kind: 'always' }), { start: null, end: null });
    const window = {
      kind: 'time_bound' as const,
      start: '2030-01-01T00:00:00.000Z',
      end: '2030-01-02T00:00:00.000Z',
    };
    assert.deepEqual(scheduleToUnlocKey(window), { start: window.start, end: window.end });
    assert.deepEqual(unlocKeyToSchedule({ start: window.start, end: window.end }), window);
    const weekly = {
      kind: 'recurring' as const,
      days: ['mo' as const, 'we' as const],
      startMinute: 8 * 60 + 30,
      endMinute: 17 * 60,
      start: '2030-01-01T00:00:00.000Z',
      end: '2030-06-01T00:00:00.000Z',
    };
    const timing = scheduleToUnlocKey(weekly);
    // developer.unloc.app recurrence: {timeSpans: [{weekday, startHour, startMinute, endHour, endMinute}]}.
    assert.deepEqual(timing, {
      start: weekly.start,
      end: weekly.end,
      recurrence: {
        timeSpans: [
          { weekday: 'mon', startHour: 8, startMinute: 30, endHour: 17, endMinute: 0 },
          { weekday: 'wed', startHour: 8, startMinute: 30, endHour: 17, endMinute: 0 },
        ],
      },
    });
    assert.ok(!('durationMinutes' in timing), 'durationMinutes is total validity, never one occurrence');
    assert.deepEqual(unlocKeyToSchedule(timing), weekly);
    // Over midnight: 22:00 -> 06:00 on Fridays is Friday evening plus Saturday morning.
    const night = scheduleToUnlocKey({
      kind: 'recurring',
      days: ['fr'],
      startMinute: 22 * 60,
      endMinute: 6 * 60,
    });
    assert.deepEqual(night.recurrence, {
      timeSpans: [
        { weekday: 'fri', startHour: 22, startMinute: 0, endHour: 24, endMinute: 0 },
        { weekday: 'sat', startHour: 0, startMinute: 0, endHour: 6, endMinute: 0 },
      ],
    });
    assert.deepEqual(unlocKeyToSchedule(night), {
      kind: 'recurring',
      days: ['fr'],
      startMinute: 1320,
      endMinute: 360,
    });
    // Sunday night wraps to Monday morning.
    const sunday = scheduleToUnlocKey({
      kind: 'recurring',
      days: ['su'],
      startMinute: 23 * 60,
      endMinute: 60,
    });
    assert.deepEqual(
      sunday.recurrence?.timeSpans.map((t) => t.weekday),
      ['sun', 'mon'],
    );
    assert.deepEqual(unlocKeyToSchedule(sunday), {
      kind: 'recurring',
      days: ['su'],
      startMinute: 1380,
      endMinute: 60,
    });
  });

  it('reads the documented recurrence example, the older day-keyed form, and never throws', () => {
    // developer.unloc.app recurring-keys: Saturdays 14:45 to 16:30 for a year.
    const start = '2030-01-05T00:00:00.000Z';
    const documented = {
      timeSpans: [{ weekday: 'sat', startHour: 14, startMinute: 45, endHour: 16, endMinute: 30 }],
    };
    const expected = {
      kind: 'recurring',
      days: ['sa'],
      startMinute: 14 * 60 + 45,
      endMinute: 16 * 60 + 30,
      start,
      end: '2031-01-05T00:00:00.000Z',
    };
    assert.deepEqual(
      unlocKeyToSchedule({ start, end: '2031-01-05T00:00:00.000Z', recurrence: documented }),
      expected,
    );
    // changelog "Key Duration": durationMinutes is the validity from start (a year here), not one visit.
    assert.deepEqual(
      unlocKeyToSchedule({ start, end: null, recurrence: documented, durationMinutes: 525_600 }),
      expected,
    );
    const dayKeyed = { sat: { startHour: 14, startMinute: 45, endHour: 16, endMinute: 30 } };
    assert.deepEqual(
      unlocKeyToSchedule({ start, end: '2031-01-05T00:00:00.000Z', recurrence: dayKeyed }),
      expected,
    );
    // What core cannot say (different hours per day) or cannot read is reported as its window only.
    const uneven = {
      timeSpans: [
        { weekday: 'mon', startHour: 8, startMinute: 0, endHour: 12, endMinute: 0 },
        { weekday: 'tue', startHour: 13, startMinute: 0, endHour: 17, endMinute: 0 },
      ],
    };
    assert.deepEqual(unlocKeyToSchedule({ start, end: '2031-01-05T00:00:00.000Z', recurrence: uneven }), {
      kind: 'time_bound',
      start,
      end: '2031-01-05T00:00:00.000Z',
    });
    for (const recurrence of [
      'FREQ=WEEKLY;BYDAY=MO',
      7,
      [],
      { timeSpans: 'x' },
      { timeSpans: [null] },
      { timeSpans: [{ weekday: 'xyz', startHour: 1, startMinute: 0, endHour: 2, endMinute: 0 }] },
      { timeSpans: [{ weekday: 'mon', startHour: 25, startMinute: 0, endHour: 2, endMinute: 0 }] },
      { mon: null },
    ])
      assert.deepEqual(unlocKeyToSchedule({ start: null, end: null, recurrence }), { kind: 'always' });
  });

  it('refuses schedules Unloc cannot hold, with typed errors', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return err instanceof LockbridgeError ? err.code : 'untyped';
      }
      return 'none';
    };
    assert.equal(
      code(() => scheduleToUnlocKey({ kind: 'one_time' })),
      'not_supported',
    );
    assert.equal(
      code(() => scheduleToUnlocKey({ kind: 'time_bound', start: 'x', end: 'y' })),
      'invalid_input',
    );
    assert.equal(
      code(() =>
        scheduleToUnlocKey({
          kind: 'time_bound',
          start: '2030-01-02T00:00:00Z',
          end: '2030-01-01T00:00:00Z',
        }),
      ),
      'invalid_input',
    );
    assert.equal(
      code(() => scheduleToUnlocKey({ kind: 'recurring', days: [], startMinute: 0, endMinute: 60 })),
      'invalid_input',
    );
    assert.equal(
      code(() => scheduleToUnlocKey({ kind: 'recurring', days: ['mo'], startMinute: 0, endMinute: 1440 })),
      'invalid_input',
    );
  });

  it('maps keys to shares and key events to activity', () => {
    const share = unlocKeyToShare(
      {
        id: 'k1',
        toUser: { id: '+4791234567' },
        lockId: 'l1',
        start: null,
        end: null,
        created: '',
        state: 'creating',
      },
      'unloc_l1',
    );
    assert.deepEqual(share, {
      id: 'k1',
      kind: 'key',
      lockId: 'unloc_l1',
      with: '+4791234567',
      state: 'creating',
      start: undefined,
      end: null,
    });
    const event = parseKeyEvent({
      id: 'e1',
      action: 'unlocked',
      created: '2030-01-01T10:00:00.000Z',
      keyId: 'k1',
      lockId: 'l1',
      lockName: 'Front',
      userId: '+4791234567',
      userName: 'Kari',
    });
    assert.ok(event);
    assert.deepEqual(keyEventToAction(event), {
      action: 'UNLOCKED',
      who: 'Kari',
      how: 'app',
      at: '2030-01-01T10:00:00.000Z',
    });
    assert.equal(keyEventToAction({ ...event, action: 'something' }), undefined);
    assert.equal(parseKeyEvent('nope'), undefined);
    assert.equal(parseKeyEvent({ id: 1, lockId: 'l1', action: 'unlocked' }), undefined);
  });

  it('maps Unloc errors, marking "JWT expired" and redacting the description', () => {
    const req = { method: 'GET' as const, url: '/x/' };
    const expired = mapUnlocError(401, { error: 'JsonWebTokenError', errorDescription: 'JWT expired' }, req);
    assert.equal(expired?.code, 'auth_failed');
    assert.deepEqual(
      expired?.reasons.map((r) => r.code),
      ['jwt_expired'],
    );
    assert.equal(mapUnlocError(401, { error: 'invalid_client' }, req)?.reasons.length, 0);
    assert.equal(mapUnlocError(403, {}, req)?.code, 'forbidden');
    assert.equal(mapUnlocError(404, {}, req)?.code, 'not_found');
    assert.equal(mapUnlocError(409, {}, req)?.code, 'invalid_input');
    assert.equal(mapUnlocError(503, {}, req), undefined);
    assert.equal(mapUnlocError(429, {}, req), undefined);
    const redactor = new Redactor();
    redactor.addSecret('sekrit-value');
    const err = mapUnlocError(400, { errorDescription: 'bad sekrit-value' }, req, redactor);
    assert.ok(!err?.message.includes('sekrit-value'));
  });
});
