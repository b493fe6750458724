import { describe, expect, it } from 'vitest';
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
});
