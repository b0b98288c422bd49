import { WEEKDAYS } from '../core/model';
import type { CodeConstraint, Schedule, ScheduleKind } from '../core/model';
import { hasConstraint } from './constraints';
import { reason, type CodeReason } from './reasons';

const KINDS: readonly ScheduleKind[] = ['always', 'time_bound', 'recurring', 'one_time'];
const MINUTES_PER_DAY = 24 * 60;
// Full ISO 8601 date-time with a zone, so a schedule never depends on the host's time zone.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Parses an ISO 8601 date-time with zone; undefined when it is not one. */
export function parseInstant(value: unknown): number | undefined {
  if (typeof value !== 'string' || !ISO_DATE_TIME.test(value)) return undefined;
  const t = Date.parse(value);
  return Number.isFinite(t) ? t : undefined;
}

/** The window a schedule holds in (epoch ms), where it has one. */
export function scheduleWindow(schedule: Schedule): { start?: number; end?: number } {
  if (schedule.kind === 'always') return {};
  return { start: parseInstant(schedule.start), end: parseInstant(schedule.end) };
}

/**
 * Checks a schedule: well formed, end after start, not over already, a kind the lock can hold, and
 * Seam's start_date_in_future. Returns every problem. A permanent code (`always`) is one every keypad
 * can hold, so it is accepted even when a driver leaves it out of `schedules`.
 */
export function validateSchedule(
  schedule: Schedule,
  lock: { schedules: readonly ScheduleKind[]; constraints: readonly CodeConstraint[] },
  now: number,
): CodeReason[] {
  const out: CodeReason[] = [];
  const raw = schedule as unknown as Record<string, unknown>;
  if (!raw || typeof raw !== 'object' || !KINDS.includes(raw.kind as ScheduleKind)) {
    return [
      reason('schedule_malformed', 'The schedule kind is not one of always, time_bound, recurring, one_time'),
    ];
  }
  if (schedule.kind !== 'always' && !lock.schedules.includes(schedule.kind)) {
    out.push(
      reason('schedule_not_supported', `This lock cannot hold a ${schedule.kind} code`, {
        kind: schedule.kind,
        supported: [...new Set<ScheduleKind>(['always', ...lock.schedules])],
      }),
    );
  }
  if (schedule.kind === 'always') return out;

  const needsBoth = schedule.kind === 'time_bound';
  for (const field of ['start', 'end'] as const) {
    const value = raw[field];
    if (value === undefined && !needsBoth) continue;
    if (parseInstant(value) === undefined)
      out.push(
        reason('schedule_malformed', `The schedule ${field} must be an ISO 8601 date-time with a zone`, {
          field,
        }),
      );
  }

  if (schedule.kind === 'recurring') {
    const days = raw.days;
    if (
      !Array.isArray(days) ||
      days.length === 0 ||
      days.some((d) => !(WEEKDAYS as readonly unknown[]).includes(d))
    )
      out.push(
        reason('schedule_malformed', 'A recurring schedule needs one or more days (mo..su)', {
          field: 'days',
        }),
      );
    const okMinute = (m: unknown) =>
      Number.isInteger(m) && (m as number) >= 0 && (m as number) <= MINUTES_PER_DAY;
    if (!okMinute(raw.startMinute) || !okMinute(raw.endMinute)) {
      out.push(
        reason('schedule_malformed', 'Recurring times are whole minutes after midnight (0..1440)', {
          field: 'startMinute/endMinute',
        }),
      );
    } else if (schedule.endMinute <= schedule.startMinute) {
      // Windows across midnight are not accepted: not every vendor form can express them.
      out.push(
        reason('schedule_end_not_after_start', 'The daily end time must be after the start time', {
          field: 'minutes',
        }),
      );
    }
  }

  const { start, end } = scheduleWindow(schedule);
  if (start !== undefined && end !== undefined && end <= start)
    out.push(
      reason('schedule_end_not_after_start', 'The schedule must end after it starts', { field: 'end' }),
    );
  if (end !== undefined && end <= now)
    out.push(reason('schedule_already_ended', 'The schedule has already ended', { field: 'end' }));
  // Seam: "For time-bound codes, the start date has to be in the future." Any schedule with a start
  // maps to Seam's starts_at, so the check applies to each of them.
  if (start !== undefined && start <= now && hasConstraint(lock.constraints, 'start_date_in_future'))
    out.push(reason('start_date_in_future', 'This lock needs the start of a timed code to be in the future'));
  return out;
}
