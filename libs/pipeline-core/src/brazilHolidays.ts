import Holidays from 'date-holidays';
import { parseIsoDate, type Day } from './dates.js';

/**
 * The years whose Brazilian holidays the pipeline answers for: wide enough for any series, narrow enough
 * to bound memory (the BR-business calendar refuses dates outside them). Lambda bundles carry these
 * years' holidays precomputed (see {@link brazilClosedDays}), so widening the range grows the bundle.
 */
export const brazilHolidayYears = { first: 1900, last: 2199 } as const;

/** `public` holds the national holidays; `bank` holds Carnival Monday/Tuesday and Corpus Christi. */
const closedTypes: ReadonlySet<string> = new Set(['public', 'bank']);

let holidays: Holidays | undefined;

/**
 * The days of `year` on which Brazil is closed for business: national and bank holidays, as
 * `date-holidays` knows them, ascending.
 *
 * The Lambda bundler replaces this module with a table computed by this very function at build time over
 * {@link brazilHolidayYears} (tools/nx-plugin/src/trimHolidayData.ts): the holiday rules, moment and
 * the timezone data are then neither shipped nor loaded at cold start. Keep the exports' names and shapes.
 */
export function brazilClosedDays(year: number): Day[] {
  holidays ??= new Holidays('BR');
  const days = new Set<Day>();
  for (const holiday of holidays.getHolidays(year)) {
    // `date` is the local civil date ("2024-11-20 00:00:00"); `start` is a UTC instant and would shift.
    if (closedTypes.has(holiday.type)) days.add(parseIsoDate(holiday.date.slice(0, 10)));
  }
  return [...days].sort((a, b) => a - b);
}
