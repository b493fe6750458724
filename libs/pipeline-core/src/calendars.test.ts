import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { CALENDAR_IDS, CalendarId } from './calendar.js';
import { calendarFor } from './calendars.js';
import { civilFromDay, dayOfWeek, formatIsoDate, parseIsoDate } from './dates.js';

const brazil = () => calendarFor(CalendarId.BrazilBusiness);
const isoDates = (dates: Int32Array) => Array.from(dates, formatIsoDate);

/** Days between 1990 and 2100: inside every calendar's range, with room to step a year either way. */
const anyDay = fc.integer({ min: parseIsoDate('1990-01-01'), max: parseIsoDate('2100-12-31') });
const anyCalendar = fc.constantFrom(...CALENDAR_IDS);

describe('calendarFor', () => {
  it('knows every calendar id and shares one instance per id', () => {
    // Act
    const calendars = CALENDAR_IDS.map((id) => calendarFor(id));

    // Assess
    expect(CALENDAR_IDS).toEqual(['daily', 'weekdays', 'BR-business', 'weekly', 'monthly', 'annual']);
    expect(calendars.map((calendar) => calendar.id)).toEqual(CALENDAR_IDS);
    expect(calendarFor(CalendarId.BrazilBusiness)).toBe(calendars[2]);
  });

  it('refuses an id it does not know', () => {
    // Act
    const attempt = () => calendarFor('fortnightly' as CalendarId);

    // Assess
    expect(attempt).toThrow(/unknown calendar "fortnightly"/);
  });
});

describe('BR-business', () => {
  it.each([
    ['2023-02-20', 'Carnival Monday'],
    ['2023-02-21', 'Carnival Tuesday'],
    ['2023-04-07', 'Good Friday'],
    ['2023-04-21', 'Tiradentes'],
    ['2023-05-01', 'Labour Day'],
    ['2023-06-08', 'Corpus Christi'],
    ['2023-09-07', 'Independence'],
    ['2023-10-12', 'Aparecida'],
    ['2023-11-02', 'All Souls'],
    ['2023-11-15', 'Republic'],
    ['2023-12-25', 'Christmas'],
    ['2024-11-20', 'Consciência Negra, national from 2024'],
    ['2025-11-20', 'Consciência Negra'],
    ['2024-01-01', 'New Year'],
    ['2023-02-18', 'a Saturday'],
    ['2023-02-19', 'a Sunday'],
  ])('has no PTAX on %s (%s)', (iso) => {
    // Act
    const open = brazil().contains(parseIsoDate(iso));

    // Assess
    expect(open).toBe(false);
  });

  it.each([
    ['2023-11-20', 'Consciência Negra was not yet national'],
    ['2023-02-22', 'Ash Wednesday is only optional'],
    ['2023-12-22', 'a plain Friday'],
    ['2024-12-24', 'Christmas Eve is only optional'],
  ])('is open on %s (%s)', (iso) => {
    // Act
    const open = brazil().contains(parseIsoDate(iso));

    // Assess
    expect(open).toBe(true);
  });

  it('skips Carnival and the weekend around it', () => {
    // Act
    const after = brazil().next(parseIsoDate('2023-02-17'));
    const before = brazil().previous(parseIsoDate('2023-02-22'));

    // Assess
    expect(formatIsoDate(after)).toBe('2023-02-22');
    expect(formatIsoDate(before)).toBe('2023-02-17');
  });

  it('lists the business days of April 2023 without Good Friday or Tiradentes', () => {
    // Act
    const dates = brazil().datesBetween(parseIsoDate('2023-04-01'), parseIsoDate('2023-04-30'));

    // Assess
    expect(dates).toBeInstanceOf(Int32Array);
    expect(dates).toHaveLength(18);
    expect(isoDates(dates)).not.toContain('2023-04-07');
    expect(isoDates(dates)).not.toContain('2023-04-21');
  });

  it('says which years it covers instead of answering outside them', () => {
    // Act
    const attempt = () => brazil().contains(parseIsoDate('1850-01-01'));

    // Assess
    expect(attempt).toThrow(/covers 1900-2199/);
  });
});

describe('the sparse calendars', () => {
  it('weekly holds the Mondays', () => {
    // Act
    const dates = calendarFor(CalendarId.Weekly).datesBetween(
      parseIsoDate('2024-01-01'),
      parseIsoDate('2024-01-31'),
    );

    // Assess
    expect(isoDates(dates)).toEqual(['2024-01-01', '2024-01-08', '2024-01-15', '2024-01-22', '2024-01-29']);
  });

  it('monthly holds the first of each month, across a year end', () => {
    // Act
    const dates = calendarFor(CalendarId.Monthly).datesBetween(
      parseIsoDate('2023-11-02'),
      parseIsoDate('2024-02-01'),
    );

    // Assess
    expect(isoDates(dates)).toEqual(['2023-12-01', '2024-01-01', '2024-02-01']);
  });

  it('annual holds 1 January of each year; next and previous step a year', () => {
    // Act
    const annual = calendarFor(CalendarId.Annual);
    const dates = annual.datesBetween(parseIsoDate('2021-06-30'), parseIsoDate('2024-01-01'));

    // Assess
    expect(isoDates(dates)).toEqual(['2022-01-01', '2023-01-01', '2024-01-01']);
    expect(isoDates(Int32Array.of(annual.next(parseIsoDate('2024-01-01'))))).toEqual(['2025-01-01']);
    expect(isoDates(Int32Array.of(annual.previous(parseIsoDate('2024-01-01'))))).toEqual(['2023-01-01']);
    expect(isoDates(Int32Array.of(annual.previous(parseIsoDate('2024-07-01'))))).toEqual(['2024-01-01']);
  });

  it.each(CALENDAR_IDS)('%s gives nothing for an empty range', (id) => {
    // Act
    const dates = calendarFor(id).datesBetween(100, 99);

    // Assess
    expect(dates).toHaveLength(0);
  });
});

describe('every calendar is consistent with itself', () => {
  test.prop([anyCalendar, anyDay])('next is the first date after the day', (id, day) => {
    // Prepare
    const calendar = calendarFor(id);

    // Act
    const next = calendar.next(day);

    // Assess
    expect(next).toBeGreaterThan(day);
    expect(calendar.contains(next)).toBe(true);
    for (let between = day + 1; between < next; between++) expect(calendar.contains(between)).toBe(false);
  });

  test.prop([anyCalendar, anyDay])('previous is the last date before the day', (id, day) => {
    // Prepare
    const calendar = calendarFor(id);

    // Act
    const previous = calendar.previous(day);

    // Assess
    expect(previous).toBeLessThan(day);
    expect(calendar.contains(previous)).toBe(true);
    for (let between = previous + 1; between < day; between++) expect(calendar.contains(between)).toBe(false);
    expect(calendar.next(previous)).toBe(calendar.contains(day) ? day : calendar.next(day));
  });

  test.prop([anyCalendar, anyDay, fc.integer({ min: -5, max: 120 })])(
    'datesBetween is exactly the contained days, ascending, and the chain of next',
    (id, from, length) => {
      // Prepare
      const calendar = calendarFor(id);
      const to = from + length;
      const contained: number[] = [];
      for (let day = from; day <= to; day++) if (calendar.contains(day)) contained.push(day);

      // Act
      const dates = calendar.datesBetween(from, to);

      // Assess
      expect(Array.from(dates)).toEqual(contained);
      const chained: number[] = [];
      for (let day = calendar.next(from - 1); day <= to; day = calendar.next(day)) chained.push(day);
      expect(chained).toEqual(contained);
    },
  );

  test.prop([anyDay])('weekly dates are Mondays and monthly dates are firsts', (day) => {
    // Act
    const weekly = calendarFor(CalendarId.Weekly).next(day);
    const monthly = calendarFor(CalendarId.Monthly).next(day);

    // Assess
    expect(dayOfWeek(weekly)).toBe(1);
    expect(civilFromDay(monthly).day).toBe(1);
  });

  test.prop([anyDay])('a BR business day is always a weekday', (day) => {
    // Act
    const businessDay = brazil().contains(day);

    // Assess
    if (businessDay) expect(calendarFor(CalendarId.Weekdays).contains(day)).toBe(true);
  });
});
