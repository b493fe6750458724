import type { MonthSummary, RunSummary, SeriesSummary } from '../runSummary.js';

/** A month whose dates are all `OK`, with `changes` on top. For tests. */
export function monthSummary(month: string, changes: Partial<MonthSummary> = {}): MonthSummary {
  return {
    month,
    expected: 20,
    ok: 20,
    pending: 0,
    retrying: 0,
    quarantined: 0,
    absent: 0,
    missing: 0,
    ...changes,
  };
}

/** A complete series over `months` (its start and end taken from them), with `changes` on top. For tests. */
export function seriesSummary(
  infoType: string,
  months: readonly MonthSummary[],
  changes: Partial<SeriesSummary> = {},
): SeriesSummary {
  const expected = months.reduce((total, month) => total + month.expected, 0);
  return {
    infoType,
    source: 'simulated',
    calendar: 'weekdays',
    start: `${months[0]?.month ?? '2024-01'}-01`,
    end: `${months[months.length - 1]?.month ?? '2024-01'}-28`,
    expected,
    ok: expected,
    pending: 0,
    retrying: 0,
    quarantined: 0,
    absent: 0,
    missing: 0,
    sourceRequests: 1,
    batchWriteCalls: 1,
    months: [...months],
    ...changes,
  };
}

/** A converged run of `series` with nothing quarantined, with `changes` on top. For tests. */
export function runSummary(series: SeriesSummary[], changes: Partial<RunSummary> = {}): RunSummary {
  const expected = series.reduce((total, one) => total + one.expected, 0);
  return {
    startedAt: '2026-11-25T04:00:00.000Z',
    finishedAt: '2026-11-25T04:00:12.500Z',
    durationMs: 12_500,
    cycles: 2,
    converged: true,
    options: { source: 'simulated', cycles: 50 },
    series,
    totals: {
      expected,
      ok: expected,
      pending: 0,
      retrying: 0,
      quarantined: 0,
      absent: 0,
      sourceRequests: series.length,
      batchWriteCalls: series.length,
      itemsWritten: expected,
      messagesSent: series.length,
      deadLetters: 0,
    },
    quarantine: [],
    ...changes,
  };
}
