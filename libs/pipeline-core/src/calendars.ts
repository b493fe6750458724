import { brazilClosedDays, brazilHolidayYears } from './brazilHolidays.js';
import { CALENDAR_IDS, CalendarId, type Calendar } from './calendar.js';
import { civilFromDay, dayFromCivil, dayOfWeek, type Day } from './dates.js';

const calendars = new Map<CalendarId, Calendar>();

/**
 * The calendar of an id. Calendars are stateless apart from memoised lookup tables, so each id has one
 * shared instance: the Brazilian holiday bitmap is then built once per process, not once per series.
 */
export function calendarFor(id: CalendarId): Calendar {
  let calendar = calendars.get(id);
  if (calendar === undefined) {
    calendar = createCalendar(id);
    calendars.set(id, calendar);
  }
  return calendar;
}

function createCalendar(id: CalendarId): Calendar {
  switch (id) {
    case CalendarId.Daily:
      return new DailyCalendar();
    case CalendarId.Weekdays:
      return new WeekdayCalendar();
    case CalendarId.BrazilBusiness:
      return new BrazilBusinessCalendar();
    case CalendarId.Weekly:
      return new WeeklyCalendar();
    case CalendarId.Monthly:
      return new MonthlyCalendar();
    case CalendarId.Annual:
      return new AnnualCalendar();
    default:
      // Reachable only from untyped callers; the catalog validates ids before they get here.
      throw new RangeError(`unknown calendar ${JSON.stringify(id)} (known: ${CALENDAR_IDS.join(', ')})`);
  }
}

/**
 * The days a calendar can answer for, when it cannot answer for every day: the BR-business calendar knows
 * Brazil's holidays for {@link brazilHolidayYears} only. Undefined: no limit.
 */
export function calendarCoverage(id: CalendarId): { readonly first: Day; readonly last: Day } | undefined {
  if (id !== CalendarId.BrazilBusiness) return undefined;
  return {
    first: dayFromCivil(brazilHolidayYears.first, 1, 1),
    last: dayFromCivil(brazilHolidayYears.last, 12, 31),
  };
}

/** Collects the dates from `first` while `<= to`, stepping with `next`: for the sparse calendars. */
function collect(first: Day, to: Day, next: (day: Day) => Day): Int32Array {
  const days: number[] = [];
  for (let day = first; day <= to; day = next(day)) days.push(day);
  return Int32Array.from(days);
}

class DailyCalendar implements Calendar {
  readonly id = CalendarId.Daily;
  contains(_day: Day): boolean {
    return true;
  }
  next(day: Day): Day {
    return day + 1;
  }
  previous(day: Day): Day {
    return day - 1;
  }
  datesBetween(from: Day, to: Day): Int32Array {
    const dates = new Int32Array(Math.max(0, to - from + 1));
    for (let i = 0; i < dates.length; i++) dates[i] = from + i;
    return dates;
  }
}

/**
 * A calendar whose dates are dense (most days qualify, at most a few in a row do not), so `next` and
 * `previous` can simply scan with `contains`.
 */
abstract class DenseCalendar implements Calendar {
  abstract readonly id: CalendarId;
  abstract contains(day: Day): boolean;

  next(day: Day): Day {
    let candidate = day + 1;
    while (!this.contains(candidate)) candidate++;
    return candidate;
  }

  previous(day: Day): Day {
    let candidate = day - 1;
    while (!this.contains(candidate)) candidate--;
    return candidate;
  }

  datesBetween(from: Day, to: Day): Int32Array {
    // Two passes (count, then fill) so the result is allocated once at its exact size.
    let count = 0;
    for (let day = from; day <= to; day++) if (this.contains(day)) count++;
    const dates = new Int32Array(count);
    let index = 0;
    for (let day = from; day <= to; day++) if (this.contains(day)) dates[index++] = day;
    return dates;
  }
}

class WeekdayCalendar extends DenseCalendar {
  readonly id = CalendarId.Weekdays;
  contains(day: Day): boolean {
    const weekday = dayOfWeek(day);
    return weekday !== 0 && weekday !== 6;
  }
}

/** Years the Brazilian calendar answers for: those whose holidays are known (and bundled). */
const BR_FIRST_YEAR = brazilHolidayYears.first;
const BR_LAST_YEAR = brazilHolidayYears.last;

/**
 * Brazilian business days: Monday to Friday minus national and bank holidays, as `date-holidays` knows
 * them. That package already has Consciência Negra (20 November) as a national holiday from 2024 on
 * (Lei 14.759/2023), which the tests pin down. The holiday rules are evaluated once per year per process,
 * into tables over whole years that grow on demand: a bitmap for `contains`, and the sorted business days
 * with each day's rank among them, so `datesBetween` is a single copy of a slice.
 */
class BrazilBusinessCalendar extends DenseCalendar {
  readonly id = CalendarId.BrazilBusiness;
  /** Day number of `open[0]`, always a 1 January. */
  private base = 0;
  /** 1 where the day is a business day, over the whole years `firstYear..lastYear`. */
  private open = new Uint8Array(0);
  /** `rank[i]`: how many business days precede `base + i`; one entry longer than `open`. */
  private rank = new Int32Array(1);
  /** Every business day of the covered years, ascending. */
  private dates = new Int32Array(0);
  private firstYear = 0;
  private lastYear = -1;

  override contains(day: Day): boolean {
    const offset = day - this.base;
    if (offset < 0 || offset >= this.open.length) this.cover(day, day);
    return this.open[day - this.base] === 1;
  }

  override datesBetween(from: Day, to: Day): Int32Array {
    if (from > to) return new Int32Array(0);
    this.cover(from, to);
    return this.dates.slice(this.rank[from - this.base], this.rank[to - this.base + 1]);
  }

  /** Grows the tables so they span the whole years of `from` and `to` (and everything in between). */
  private cover(from: Day, to: Day): void {
    if (from >= this.base && to - this.base < this.open.length) return;
    const fromYear = civilFromDay(from).year;
    const toYear = civilFromDay(to).year;
    if (fromYear < BR_FIRST_YEAR || toYear > BR_LAST_YEAR) {
      throw new RangeError(
        `BR-business calendar covers ${BR_FIRST_YEAR}-${BR_LAST_YEAR}, not ${fromYear}-${toYear}`,
      );
    }
    const empty = this.lastYear < this.firstYear;
    const firstYear = empty ? fromYear : Math.min(fromYear, this.firstYear);
    const lastYear = empty ? toYear : Math.max(toYear, this.lastYear);

    const base = dayFromCivil(firstYear, 1, 1);
    const open = new Uint8Array(dayFromCivil(lastYear + 1, 1, 1) - base);
    if (!empty) open.set(this.open, this.base - base);
    for (let year = firstYear; year <= lastYear; year++) {
      if (!empty && year >= this.firstYear && year <= this.lastYear) continue;
      this.fillYear(open, base, year);
    }
    this.open = open;
    this.base = base;
    this.firstYear = firstYear;
    this.lastYear = lastYear;
    this.indexDates();
  }

  private indexDates(): void {
    const open = this.open;
    const rank = new Int32Array(open.length + 1);
    for (let i = 0; i < open.length; i++) rank[i + 1] = rank[i]! + open[i]!;
    const dates = new Int32Array(rank[open.length]!);
    for (let i = 0, count = 0; i < open.length; i++) if (open[i] === 1) dates[count++] = this.base + i;
    this.rank = rank;
    this.dates = dates;
  }

  private fillYear(open: Uint8Array, base: Day, year: number): void {
    const first = dayFromCivil(year, 1, 1);
    const last = dayFromCivil(year, 12, 31);
    for (let day = first, weekday = dayOfWeek(first); day <= last; day++, weekday = (weekday + 1) % 7) {
      open[day - base] = weekday === 0 || weekday === 6 ? 0 : 1;
    }
    for (const day of brazilClosedDays(year)) open[day - base] = 0;
  }
}

/** Mondays: weekly series are keyed by the Monday of their week. */
class WeeklyCalendar implements Calendar {
  readonly id = CalendarId.Weekly;
  contains(day: Day): boolean {
    return dayOfWeek(day) === 1;
  }
  next(day: Day): Day {
    return day - daysSinceMonday(day) + 7;
  }
  previous(day: Day): Day {
    const since = daysSinceMonday(day);
    return since === 0 ? day - 7 : day - since;
  }
  datesBetween(from: Day, to: Day): Int32Array {
    const first = this.contains(from) ? from : this.next(from);
    const dates = new Int32Array(first > to ? 0 : Math.floor((to - first) / 7) + 1);
    for (let i = 0; i < dates.length; i++) dates[i] = first + 7 * i;
    return dates;
  }
}

function daysSinceMonday(day: Day): number {
  return (dayOfWeek(day) + 6) % 7;
}

/** The first day of each month. */
class MonthlyCalendar implements Calendar {
  readonly id = CalendarId.Monthly;
  contains(day: Day): boolean {
    return civilFromDay(day).day === 1;
  }
  next(day: Day): Day {
    const { year, month } = civilFromDay(day);
    return month === 12 ? dayFromCivil(year + 1, 1, 1) : dayFromCivil(year, month + 1, 1);
  }
  previous(day: Day): Day {
    const { year, month, day: dayOfMonth } = civilFromDay(day);
    if (dayOfMonth > 1) return dayFromCivil(year, month, 1);
    return month === 1 ? dayFromCivil(year - 1, 12, 1) : dayFromCivil(year, month - 1, 1);
  }
  datesBetween(from: Day, to: Day): Int32Array {
    const first = this.contains(from) ? from : this.next(from);
    return collect(first, to, (day) => this.next(day));
  }
}

class AnnualCalendar implements Calendar {
  readonly id = CalendarId.Annual;
  contains(day: Day): boolean {
    const { month, day: dayOfMonth } = civilFromDay(day);
    return month === 1 && dayOfMonth === 1;
  }
  next(day: Day): Day {
    return dayFromCivil(civilFromDay(day).year + 1, 1, 1);
  }
  previous(day: Day): Day {
    const { year } = civilFromDay(day);
    return this.contains(day) ? dayFromCivil(year - 1, 1, 1) : dayFromCivil(year, 1, 1);
  }
  datesBetween(from: Day, to: Day): Int32Array {
    const first = this.contains(from) ? from : this.next(from);
    return collect(first, to, (day) => this.next(day));
  }
}
