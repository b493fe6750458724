import type { Day } from './dates.js';

/** The calendars a series can follow; a catalog entry names one of these ids. */
export const CalendarId = {
  Daily: 'daily',
  Weekdays: 'weekdays',
  BrazilBusiness: 'BR-business',
  Weekly: 'weekly',
  Monthly: 'monthly',
  /** 1 January of each year (annual series such as ipeadata's national energy balance prices). */
  Annual: 'annual',
} as const;
export type CalendarId = (typeof CalendarId)[keyof typeof CalendarId];

/** Every calendar id, in declaration order (for validation messages and exhaustive tests). */
export const CALENDAR_IDS: readonly CalendarId[] = Object.freeze(Object.values(CalendarId));

/**
 * The dates on which a series is expected to have an observation. Implementations must be cheap per
 * call: gap detection asks about millions of days.
 */
export interface Calendar {
  readonly id: CalendarId;
  /** Whether `day` is a date of this calendar. */
  contains(day: Day): boolean;
  /** The first calendar date strictly after `day`. */
  next(day: Day): Day;
  /** The last calendar date strictly before `day`. */
  previous(day: Day): Day;
  /** Every calendar date in `[from, to]`, ascending. Empty when `from > to`. */
  datesBetween(from: Day, to: Day): Int32Array;
}
