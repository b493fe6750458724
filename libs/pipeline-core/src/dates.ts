import { InvalidDateError } from './errors.js';

/**
 * A calendar date as the number of days since 1970-01-01 (UTC, proleptic Gregorian). The hot paths
 * (gaps, streams) work on these integers; ISO strings exist only at the edges (messages, table keys).
 */
export type Day = number;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since the epoch of a civil date (month 1-12). No validation: see {@link parseIsoDate}. */
export function dayFromCivil(year: number, month: number, day: number): Day {
  // Hinnant's days_from_civil: shift the year to start in March so the leap day is the last one.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The civil date of a day number, month 1-12. */
export function civilFromDay(dayNumber: Day): { year: number; month: number; day: number } {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Number of days in a month (1-12) of a year. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * Parses a strict ISO `YYYY-MM-DD` date. Refuses anything else (`2024-1-5`, `2024-02-30`, a timestamp)
 * with an {@link InvalidDateError} that quotes the input.
 */
export function parseIsoDate(input: unknown): Day {
  if (typeof input !== 'string') throw new InvalidDateError(input, 'expected a string YYYY-MM-DD');
  const match = ISO_DATE.exec(input);
  if (!match) throw new InvalidDateError(input, 'expected the form YYYY-MM-DD');
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12) throw new InvalidDateError(input, `month ${month} is not 01-12`);
  const last = daysInMonth(year, month);
  if (day < 1 || day > last) {
    throw new InvalidDateError(input, `day ${day} does not exist in ${match[1]}-${match[2]} (1-${last})`);
  }
  return dayFromCivil(year, month, day);
}

/** Formats a day number as `YYYY-MM-DD`. */
export function formatIsoDate(dayNumber: Day): string {
  const { year, month, day } = civilFromDay(dayNumber);
  return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

/** Day of the week, 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday). */
export function dayOfWeek(dayNumber: Day): number {
  return (((dayNumber + 4) % 7) + 7) % 7;
}

/** Today's date in UTC as a day number. */
export function todayUtc(now: Date = new Date()): Day {
  return Math.floor(now.getTime() / 86_400_000);
}

const civilDateFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * Today's date on the wall clocks of an IANA time zone (`America/Sao_Paulo`), as a day number: at 01:30 UTC
 * it is still yesterday in Brasília. Uses the runtime's time zone data (Node and Lambda ship full ICU).
 * Throws a RangeError for a zone the runtime does not know.
 */
export function todayIn(timeZone: string, now: Date = new Date()): Day {
  let format = civilDateFormats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
    });
    civilDateFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((one) => one.type === type)?.value ?? Number.NaN);
  return dayFromCivil(part('year'), part('month'), part('day'));
}
