import { fc } from '@fast-check/vitest';
import type { Calendar, CalendarId } from '../calendar.js';
import { dayOfWeek, type Day } from '../dates.js';

/**
 * Small calendars for tests, built only on the `Calendar` interface so the tests of streams and the
 * codec do not depend on the real calendars. Each is a predicate plus a walk to the next member.
 */
export function predicateCalendar(id: CalendarId, contains: (day: Day) => boolean): Calendar {
  const step = (day: Day, direction: 1 | -1): Day => {
    let candidate = day + direction;
    while (!contains(candidate)) candidate += direction;
    return candidate;
  };
  return {
    id,
    contains,
    next: (day) => step(day, 1),
    previous: (day) => step(day, -1),
    datesBetween: (from, to) => {
      const dates: number[] = [];
      for (let day = from; day <= to; day += 1) if (contains(day)) dates.push(day);
      return Int32Array.from(dates);
    },
  };
}

/** Every day is a date. */
export const everyDay = predicateCalendar('daily', () => true);

/** Monday to Friday. */
export const weekdays = predicateCalendar('weekdays', (day) => dayOfWeek(day) !== 0 && dayOfWeek(day) !== 6);

/** Weekdays minus a set of holidays: the shape of a business-day calendar. */
export function weekdaysWithout(holidays: Iterable<Day>): Calendar {
  const closed = new Set(holidays);
  return predicateCalendar('BR-business', (day) => weekdays.contains(day) && !closed.has(day));
}

/** A window of days the generators draw from: 2020-01-01 plus up to ~3 years. */
export const windowStart = 18_262;
export const windowLength = 1_100;

/** One of the test calendars; the holey one closes random days of the window. */
export const arbitraryCalendar: fc.Arbitrary<Calendar> = fc.oneof(
  fc.constant(everyDay),
  fc.constant(weekdays),
  fc
    .uniqueArray(fc.integer({ min: windowStart, max: windowStart + windowLength }), { maxLength: 200 })
    .map((holes) => weekdaysWithout(holes)),
);

/**
 * A calendar and ascending dates of it inside the window, as alternating kept and skipped stretches of
 * calendar dates: a skip of even one calendar date breaks a run, so cases range from scattered dates
 * to runs of hundreds.
 */
export const calendarWithDates: fc.Arbitrary<{ calendar: Calendar; dates: Int32Array }> = fc
  .tuple(
    arbitraryCalendar,
    fc.array(fc.tuple(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 20 })), { maxLength: 12 }),
  )
  .map(([calendar, stretches]) => {
    const all = calendar.datesBetween(windowStart, windowStart + windowLength);
    const kept: number[] = [];
    let index = 0;
    for (const [keep, skip] of stretches) {
      kept.push(...all.subarray(index, index + keep));
      index += keep + skip;
    }
    return { calendar, dates: Int32Array.from(kept) };
  });
