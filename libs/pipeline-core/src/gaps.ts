import type { Calendar } from './calendar.js';
import { calendarFor } from './calendars.js';
import type { Day } from './dates.js';
import { lastExpectedDay, type SeriesDefinition } from './series.js';

/**
 * The dates a series should have at `now`: its calendar's dates from `start` up to its
 * {@link lastExpectedDay} (today in its source's time zone, less the publication lag), ascending. Empty
 * before the first one is due.
 */
export function expectedDates(series: SeriesDefinition, now: Date = new Date()): Int32Array {
  return calendarFor(series.calendar).datesBetween(series.start, lastExpectedDay(series, now));
}

/**
 * The calendar dates in `[from, to]` that are not in `present`, ascending.
 *
 * `present` must be ascending (repeats allowed), as a DynamoDB Query on the `date` sort key returns it;
 * days outside the range or off the calendar are ignored. One merge walk over both sequences, so the cost
 * is linear in the range plus `present`, with no hashing and no date objects. Unsorted input would make
 * the walk report present dates as gaps, so a descending step the walk passes over throws a `RangeError`
 * (a bug in the caller, not bad data).
 */
export function findGaps(calendar: Calendar, from: Day, to: Day, present: ArrayLike<number>): Int32Array {
  const expected = calendar.datesBetween(from, to);
  const gaps = new Int32Array(expected.length);
  const presentCount = present.length;
  let count = 0;
  let next = 0;
  let last = -Infinity;
  for (let i = 0; i < expected.length; i++) {
    const day = expected[i]!;
    // Skip the present days before this expected date: out of range, off the calendar, or already matched.
    while (next < presentCount && present[next]! < day) {
      last = checkAscending(present[next]!, last, next);
      next++;
    }
    if (next < presentCount && present[next] === day) continue;
    gaps[count++] = day;
  }
  return gaps.slice(0, count);
}

function checkAscending(value: number, last: number, index: number): number {
  if (value < last)
    throw new RangeError(`present days must be ascending: index ${index} (${value}) < ${last}`);
  return value;
}
