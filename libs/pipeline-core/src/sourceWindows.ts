import { CalendarId } from './calendar.js';
import { servingSource, SourceId, SourceMode, type SeriesDefinition } from './series.js';

/**
 * SGS refuses more than 10 years per request for daily series. Like the stream splitter's `maxSpanDays`,
 * the window is measured as `to - from`. Ten calendar years are 3652 or 3653 days (two or three leap days),
 * and SGS accepts `dataFinal` on the same date ten years after `dataInicial` (its own error text shows
 * that), so `to - from <= 3652` is always accepted until 2090 (a start on 2092-02-29 would meet 2100, which
 * is not a leap year).
 */
export const sgsDailyWindowDays = 3652;

/** Calendars whose series SGS treats as daily (the 10-year limit applies to them only). */
const sgsDailyCalendars: ReadonlySet<string> = new Set([
  CalendarId.Daily,
  CalendarId.Weekdays,
  CalendarId.BrazilBusiness,
]);

/**
 * The largest `to - from`, in days, that one request to `source` may span for `series` (`Infinity` when
 * unlimited). It is domain data, apart from the adapters, so that the functions that only split
 * streams (data_clustering, retry_recheck) know the windows without bundling the HTTP clients; an unknown
 * id throws (see {@link servingSource}).
 */
export function sourceWindowDays(source: SourceId, series: SeriesDefinition): number {
  switch (servingSource(source, SourceMode.Live)) {
    case SourceId.BcbSgs:
      return sgsDailyCalendars.has(series.calendar) ? sgsDailyWindowDays : Infinity;
    case SourceId.BcbPtax:
    case SourceId.Ipea:
    case SourceId.Simulated:
      return Infinity;
  }
}
