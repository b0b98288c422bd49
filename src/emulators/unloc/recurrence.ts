import { EmulatorHttpError } from '../kit';
import { WEEKDAYS, type Recurrence, type TimeSpan } from './api';

const invalid = (message: string) => new EmulatorHttpError(400, message, { error: 'ValidationError' });

function integerIn(value: unknown, min: number, max: number, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw invalid(`${field} must be an integer from ${min} to ${max}`);
  return value;
}

function span(weekday: unknown, times: Record<string, unknown>): TimeSpan {
  if (typeof weekday !== 'string' || !(WEEKDAYS as readonly string[]).includes(weekday))
    throw invalid('weekday must be one of mon, tue, wed, thu, fri, sat, sun');
  // UD recurring-keys: hours 0 to 24, minutes 0 to 59.
  const out: TimeSpan = {
    weekday: weekday as TimeSpan['weekday'],
    startHour: integerIn(times.startHour, 0, 24, 'startHour'),
    startMinute: integerIn(times.startMinute, 0, 59, 'startMinute'),
    endHour: integerIn(times.endHour, 0, 24, 'endHour'),
    endMinute: integerIn(times.endMinute, 0, 59, 'endMinute'),
  };
  // [INF] a span lies within its weekday (the documents give no overnight form).
  if (out.endHour * 60 + out.endMinute <= out.startHour * 60 + out.startMinute)
    throw invalid('a time span must end after it starts on the same day');
  if (out.endHour === 24 && out.endMinute !== 0) throw invalid('24 is only valid as 24:00');
  return out;
}

/**
 * A key's `recurrence` as Unloc documents it: {timeSpans: [{weekday, startHour, startMinute, endHour,
 * endMinute}]} (UD recurrence), or the older form keyed by weekday, {sat: {startHour, ...}} (UD
 * recurring-keys, earlier revision), kept as timeSpans. Anything else (an RRULE string) is a 400.
 */
export function readRecurrence(value: unknown): Recurrence | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value))
    throw invalid('recurrence must be an object with timeSpans');
  const v = value as Record<string, unknown>;
  if ('timeSpans' in v) {
    if (!Array.isArray(v.timeSpans) || v.timeSpans.length === 0)
      throw invalid('recurrence.timeSpans must be a non-empty array');
    return {
      timeSpans: v.timeSpans.map((t: unknown) => {
        if (!t || typeof t !== 'object') throw invalid('each time span must be an object');
        return span((t as Record<string, unknown>).weekday, t as Record<string, unknown>);
      }),
    };
  }
  const days = Object.entries(v);
  if (days.length === 0) throw invalid('recurrence needs at least one day');
  return {
    timeSpans: days.map(([day, times]) => {
      if (!times || typeof times !== 'object') throw invalid(`recurrence.${day} must be an object`);
      return span(day, times as Record<string, unknown>);
    }),
  };
}
