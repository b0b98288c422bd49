import { WEEKDAYS, type Weekday } from '../../core/model';
import type { UnlocRecurrence, UnlocTimeSpan } from './types';

/**
 * Unloc's key `recurrence` (developer.unloc.app recurring-keys / recurrence): an object
 * {timeSpans: [{weekday: "sat", startHour, startMinute, endHour, endMinute}]}, times in the lock's own
 * timezone, hours 0..24 and minutes 0..59. An earlier revision of the page keyed the same times by
 * weekday ({sat: {startHour, ...}}); both are read, only timeSpans is written.
 */

/** Unloc's day names, in core's order (mo..su). */
const UNLOC_DAYS: Record<Weekday, UnlocTimeSpan['weekday']> = {
  mo: 'mon',
  tu: 'tue',
  we: 'wed',
  th: 'thu',
  fr: 'fri',
  sa: 'sat',
  su: 'sun',
};
const CORE_DAYS = new Map(Object.entries(UNLOC_DAYS).map(([core, unloc]) => [unloc, core as Weekday]));
const DAY = 24 * 60;

const next = (day: Weekday): Weekday => WEEKDAYS[(WEEKDAYS.indexOf(day) + 1) % 7];

function span(weekday: Weekday, from: number, to: number): UnlocTimeSpan {
  return {
    weekday: UNLOC_DAYS[weekday],
    startHour: Math.floor(from / 60),
    startMinute: from % 60,
    // 24:00 is how Unloc says "to the end of the day".
    endHour: Math.floor(to / 60),
    endMinute: to % 60,
  };
}

/**
 * A weekly window as timeSpans. A window past midnight (22:00-02:00) becomes two spans, the evening on
 * its day and the early hours on the next, since one span lies within one day. Equal start and end is
 * the whole day.
 */
export function windowToRecurrence(days: Weekday[], startMinute: number, endMinute: number): UnlocRecurrence {
  const timeSpans: UnlocTimeSpan[] = [];
  for (const day of WEEKDAYS.filter((d) => days.includes(d))) {
    if (endMinute > startMinute) timeSpans.push(span(day, startMinute, endMinute));
    else if (endMinute === startMinute) timeSpans.push(span(day, 0, DAY));
    else {
      timeSpans.push(span(day, startMinute, DAY));
      if (endMinute > 0) timeSpans.push(span(next(day), 0, endMinute));
    }
  }
  return { timeSpans };
}

interface Parsed {
  day: Weekday;
  from: number;
  to: number;
}

function minutes(hour: unknown, minute: unknown): number | undefined {
  if (typeof hour !== 'number' || typeof minute !== 'number') return undefined;
  if (!Number.isInteger(hour) || !Number.isInteger(minute) || hour < 0 || hour > 24) return undefined;
  if (minute < 0 || minute > 59 || (hour === 24 && minute !== 0)) return undefined;
  return hour * 60 + minute;
}

function parseSpan(weekday: unknown, t: unknown): Parsed | undefined {
  if (!t || typeof t !== 'object' || typeof weekday !== 'string') return undefined;
  const day = CORE_DAYS.get(weekday.toLowerCase().slice(0, 3) as UnlocTimeSpan['weekday']);
  const o = t as Record<string, unknown>;
  const from = minutes(o.startHour, o.startMinute);
  const to = minutes(o.endHour, o.endMinute);
  if (!day || from === undefined || to === undefined || to <= from) return undefined;
  return { day, from, to };
}

/** Either documented form as spans; undefined for anything else (an RRULE string, garbage). */
function parseSpans(recurrence: unknown): Parsed[] | undefined {
  if (!recurrence || typeof recurrence !== 'object' || Array.isArray(recurrence)) return undefined;
  const r = recurrence as Record<string, unknown>;
  const raw: Array<Parsed | undefined> = Array.isArray(r.timeSpans)
    ? r.timeSpans.map((t: unknown) => parseSpan((t as Record<string, unknown> | null)?.weekday, t))
    : Object.entries(r).map(([day, t]) => parseSpan(day, t));
  if (raw.length === 0 || raw.some((p) => p === undefined)) return undefined;
  return raw as Parsed[];
}

/**
 * The weekly window a recurrence describes, when core's model can say it (one window on some days,
 * past midnight allowed): the reverse of windowToRecurrence. Undefined when the spans differ from day
 * to day, which core's Schedule cannot express; never throws.
 */
export function recurrenceToWindow(
  recurrence: unknown,
): { days: Weekday[]; startMinute: number; endMinute: number } | undefined {
  const spans = parseSpans(recurrence);
  if (!spans) return undefined;
  const byDay = new Map<Weekday, Parsed[]>();
  for (const s of spans) byDay.set(s.day, [...(byDay.get(s.day) ?? []), s]);
  // Evening spans to midnight whose next day starts at midnight are one window past midnight.
  const evenings = spans.filter((s) => s.to === DAY && s.from > 0);
  const mornings = new Map(spans.filter((s) => s.from === 0 && s.to < DAY).map((s) => [s.day, s]));
  if (evenings.length > 0 && evenings.every((e) => mornings.has(next(e.day)))) {
    const from = evenings[0].from;
    const to = (mornings.get(next(evenings[0].day)) as Parsed).to;
    const paired = new Set(evenings.map((e) => next(e.day)));
    const consistent =
      evenings.every((e) => e.from === from && (mornings.get(next(e.day)) as Parsed).to === to) &&
      spans.every(
        (s) => (s.to === DAY && s.from === from) || (s.from === 0 && s.to === to && paired.has(s.day)),
      );
    if (consistent)
      return {
        days: WEEKDAYS.filter((d) => evenings.some((e) => e.day === d)),
        startMinute: from,
        endMinute: to,
      };
  }
  const first = spans[0];
  if (!spans.every((s) => s.from === first.from && s.to === first.to)) return undefined;
  if ([...byDay.values()].some((list) => list.length > 1)) return undefined;
  return {
    days: WEEKDAYS.filter((d) => byDay.has(d)),
    startMinute: first.from,
    endMinute: first.to % DAY,
  };
}
