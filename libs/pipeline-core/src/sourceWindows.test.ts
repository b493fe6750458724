import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { civilFromDay, dayFromCivil, daysInMonth } from './dates.js';
import { CalendarId } from './calendar.js';
import { SourceError } from './errors.js';
import { SourceId, type SeriesDefinition } from './series.js';
import { sgsDailyWindowDays, sourceWindowDays } from './sourceWindows.js';

const series = (source: SourceId, calendar: CalendarId): SeriesDefinition => ({
  infoType: 'CURRENCY#USD',
  source,
  code: 1,
  calendar,
  start: 0,
  publicationLagDays: 0,
});

describe('sourceWindowDays', () => {
  it.each([
    [SourceId.BcbSgs, CalendarId.BrazilBusiness, sgsDailyWindowDays],
    [SourceId.BcbSgs, CalendarId.Daily, sgsDailyWindowDays],
    [SourceId.BcbSgs, CalendarId.Weekdays, sgsDailyWindowDays],
    [SourceId.BcbSgs, CalendarId.Monthly, Infinity],
    [SourceId.BcbSgs, CalendarId.Weekly, Infinity],
    [SourceId.BcbPtax, CalendarId.BrazilBusiness, Infinity],
    [SourceId.Simulated, CalendarId.Daily, Infinity],
  ])('%s on %s spans at most %s days per request', (source, calendar, expected) => {
    // Act / Assess
    expect(sourceWindowDays(source, series(source, calendar))).toBe(expected);
  });

  it('refuses a source it does not know instead of guessing a window', () => {
    // Act
    const attempt = () => sourceWindowDays('ftp' as SourceId, series(SourceId.BcbSgs, CalendarId.Daily));

    // Assess
    expect(attempt).toThrow(SourceError);
    expect(attempt).toThrow(/ftp: unknown source/);
  });

  // Until 2090: a window from 2092-02-29 has only one leap day to count, since 2100 is not a leap year.
  test.prop([fc.integer({ min: dayFromCivil(1990, 1, 1), max: dayFromCivil(2089, 12, 31) })])(
    'a window of to - from = 3652 never ends after the same date ten years on',
    (from) => {
      // Prepare
      const { year, month, day } = civilFromDay(from);
      const tenYearsOn = dayFromCivil(year + 10, month, Math.min(day, daysInMonth(year + 10, month)));

      // Act
      const windowEnd = from + sgsDailyWindowDays;

      // Assess
      expect(windowEnd).toBeLessThanOrEqual(tenYearsOn);
    },
  );
});
