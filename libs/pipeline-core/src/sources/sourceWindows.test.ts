import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { CalendarId } from '../calendar.js';
import { SourceError } from '../errors.js';
import { SourceId, type SeriesDefinition } from '../series.js';
import { createBcbPtaxSource } from './bcbPtax.js';
import { createBcbSgsSource } from './bcbSgs.js';
import { createSimulatedSource } from './simulated.js';
import { sgsDailyWindowDays, sourceWindowDays } from './sourceWindows.js';

const series = (source: SourceId, calendar: CalendarId): SeriesDefinition => ({
  infoType: 'CURRENCY#USD',
  source,
  code: 1,
  calendar,
  start: 0,
  publicationLagDays: 0,
});
const anySource = fc.constantFrom(...Object.values(SourceId));
const anyCalendar = fc.constantFrom(...Object.values(CalendarId));

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

  test.prop([anySource, anyCalendar])('is what the adapter itself declares', (source, calendar) => {
    // Prepare
    const adapters = {
      [SourceId.BcbSgs]: createBcbSgsSource({ baseUrl: 'http://127.0.0.1:9' }),
      [SourceId.BcbPtax]: createBcbPtaxSource({ baseUrl: 'http://127.0.0.1:9' }),
      [SourceId.Simulated]: createSimulatedSource(),
    };
    const definition = series(source, calendar);

    // Act / Assess
    expect(sourceWindowDays(source, definition)).toBe(adapters[source].maxWindowDays(definition));
  });

  it('refuses a source it does not know instead of guessing a window', () => {
    // Act
    const attempt = () => sourceWindowDays('ftp' as SourceId, series(SourceId.BcbSgs, CalendarId.Daily));

    // Assess
    expect(attempt).toThrow(SourceError);
    expect(attempt).toThrow(/ftp: unknown source/);
  });
});
