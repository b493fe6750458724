import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { CALENDAR_IDS, CalendarId } from './calendar.js';
import { calendarFor } from './calendars.js';
import { formatIsoDate, parseIsoDate } from './dates.js';
import { expectedDates, findGaps } from './gaps.js';
import type { SeriesDefinition } from './series.js';

const day = parseIsoDate;
const isoDates = (dates: Int32Array) => Array.from(dates, formatIsoDate);

const aSeries = (overrides: Partial<SeriesDefinition> = {}): SeriesDefinition => ({
  infoType: 'CURRENCY#USD',
  source: 'bcb-sgs',
  code: 1,
  calendar: CalendarId.BrazilBusiness,
  start: day('2024-11-18'),
  publicationLagDays: 1,
  ...overrides,
});

describe('expectedDates', () => {
  it('runs from the start to today minus the publication lag, on the calendar', () => {
    // Act
    const dates = expectedDates(aSeries(), new Date('2024-11-26T12:00:00.000Z'));

    // Assess: 20 November is a holiday, the 23rd and 24th a weekend, the 26th is not due yet.
    expect(isoDates(dates)).toEqual(['2024-11-18', '2024-11-19', '2024-11-21', '2024-11-22', '2024-11-25']);
  });

  it('counts today in Brasília: at 01:30 UTC on the 27th it is still the 26th there', () => {
    // Act
    const dates = expectedDates(aSeries(), new Date('2024-11-27T01:30:00.000Z'));

    // Assess
    expect(isoDates(dates).at(-1)).toBe('2024-11-25');
  });

  it('is empty before the first date is due', () => {
    // Act
    const dates = expectedDates(aSeries({ publicationLagDays: 3 }), new Date('2024-11-20T12:00:00.000Z'));

    // Assess
    expect(dates).toHaveLength(0);
  });
});

describe('findGaps', () => {
  const weekdays = calendarFor(CalendarId.Weekdays);

  it('returns the calendar dates missing from present, ignoring days off the calendar or out of range', () => {
    // Prepare: Mon 2024-01-01 .. Fri 2024-01-12, with a Saturday and days outside the range mixed in.
    const present = ['2023-12-29', '2024-01-02', '2024-01-03', '2024-01-06', '2024-01-08', '2024-01-15'].map(
      day,
    );

    // Act
    const gaps = findGaps(weekdays, day('2024-01-01'), day('2024-01-12'), present);

    // Assess
    expect(gaps).toBeInstanceOf(Int32Array);
    expect(isoDates(gaps)).toEqual([
      '2024-01-01',
      '2024-01-04',
      '2024-01-05',
      '2024-01-09',
      '2024-01-10',
      '2024-01-11',
      '2024-01-12',
    ]);
  });

  it('finds nothing when every date is present, and everything when none is', () => {
    // Prepare
    const expected = weekdays.datesBetween(day('2024-02-01'), day('2024-03-31'));

    // Act
    const none = findGaps(weekdays, day('2024-02-01'), day('2024-03-31'), expected);
    const all = findGaps(weekdays, day('2024-02-01'), day('2024-03-31'), []);

    // Assess
    expect(none).toHaveLength(0);
    expect(all).toEqual(expected);
  });

  it('accepts repeated present days', () => {
    // Act
    const gaps = findGaps(weekdays, day('2024-01-01'), day('2024-01-03'), [
      day('2024-01-02'),
      day('2024-01-02'),
    ]);

    // Assess
    expect(isoDates(gaps)).toEqual(['2024-01-01', '2024-01-03']);
  });

  it('refuses present days that are not ascending', () => {
    // Prepare
    const present = [day('2024-01-03'), day('2024-01-02')];

    // Act
    const attempt = () => findGaps(weekdays, day('2024-01-01'), day('2024-01-05'), present);

    // Assess
    expect(attempt).toThrow(RangeError);
    expect(attempt).toThrow(/ascending/);
  });

  /** A calendar, a range, and present days: some expected dates, plus days off the calendar or outside. */
  const aCase = fc
    .record({
      id: fc.constantFrom(...CALENDAR_IDS),
      from: fc.integer({ min: day('1995-01-01'), max: day('2095-12-31') }),
      length: fc.integer({ min: -3, max: 400 }),
    })
    .chain(({ id, from, length }) => {
      const to = from + length;
      const expected = Array.from(calendarFor(id).datesBetween(from, to));
      return fc.record({
        id: fc.constant(id),
        from: fc.constant(from),
        to: fc.constant(to),
        kept: fc.subarray(expected),
        stray: fc.array(fc.integer({ min: from - 40, max: to + 40 }), { maxLength: 60 }),
        asTypedArray: fc.boolean(),
      });
    })
    .map(({ id, from, to, kept, stray, asTypedArray }) => {
      const sorted = [...kept, ...stray].sort((a, b) => a - b);
      return { id, from, to, present: asTypedArray ? Int32Array.from(sorted) : sorted };
    });

  test.prop([aCase])('gaps and the present expected dates make up the expected dates exactly', (c) => {
    // Prepare
    const calendar = calendarFor(c.id);
    const expected = Array.from(calendar.datesBetween(c.from, c.to));
    const present = new Set(Array.from(c.present));

    // Act
    const gaps = Array.from(findGaps(calendar, c.from, c.to, c.present));

    // Assess
    expect(gaps.some((gap) => present.has(gap))).toBe(false);
    const found = expected.filter((date) => present.has(date));
    expect([...gaps, ...found].sort((a, b) => a - b)).toEqual(expected);
  });

  test.prop([aCase])('gaps are ascending, unique, in range and on the calendar', (c) => {
    // Prepare
    const calendar = calendarFor(c.id);

    // Act
    const gaps = findGaps(calendar, c.from, c.to, c.present);

    // Assess
    gaps.forEach((gap, index) => {
      expect(calendar.contains(gap)).toBe(true);
      expect(gap).toBeGreaterThanOrEqual(c.from);
      expect(gap).toBeLessThanOrEqual(c.to);
      if (index > 0) expect(gap).toBeGreaterThan(gaps[index - 1]!);
    });
  });
});
