import type { Weekday } from './model';

/** RFC 5545 (iCalendar RRULE) day names of the core weekdays; August and Unloc recurrences use them. */
export const RRULE_DAYS: Record<Weekday, string> = {
  mo: 'MO',
  tu: 'TU',
  we: 'WE',
  th: 'TH',
  fr: 'FR',
  sa: 'SA',
  su: 'SU',
};
