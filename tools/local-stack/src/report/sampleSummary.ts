import { calendarFor, formatIsoDate, parseIsoDate, type CalendarId } from '@gapless/pipeline-core';
import { zeroDateCounts, type MonthSummary, type RunSummary, type SeriesSummary } from '../runSummary.js';

type DateStatus = 'ok' | 'pending' | 'retrying' | 'quarantined' | 'missing';

interface SampleSeries {
  readonly infoType: string;
  readonly source: string;
  readonly calendar: CalendarId;
  readonly start: string;
  /** The status of each expected date, from its position counted from the end (0 = the last date). */
  readonly statusOf: (day: number, fromEnd: number) => DateStatus;
}

const end = '2026-11-20';

// Errors as sources phrase them, some with markup in them: the report must show them as text.
const sampleErrors: Readonly<Record<string, readonly string[]>> = {
  'bcb-sgs': [
    'bcb-sgs answered HTTP 500 with an HTML page: <html><body><h1>Internal Server Error</h1></body></html>',
    'bcb-sgs timed out after 10000 ms',
    'bcb-sgs answered a body that is not JSON: <?xml version="1.0"?><erro>limite</erro>',
  ],
  simulated: [
    'simulated source: malformed body <script>alert("x")</script> & more',
    'simulated source: HTTP 429 Too Many Requests',
    'simulated source: value null for this date',
  ],
};

/** A deterministic scatter: true for about `rate` of the days, the same days on every call. */
function scattered(day: number, salt: number, rate: number): boolean {
  const hash = Math.imul((day + salt * 7919) ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  return hash % 10_000 < rate * 10_000;
}

const sampleSeries: readonly SampleSeries[] = [
  {
    infoType: 'CURRENCY#USD',
    source: 'bcb-sgs',
    calendar: 'BR-business',
    start: '2015-01-02',
    statusOf: (day, fromEnd) => (fromEnd < 3 ? 'pending' : scattered(day, 1, 0.002) ? 'quarantined' : 'ok'),
  },
  {
    infoType: 'CURRENCY#EUR',
    source: 'bcb-ptax',
    calendar: 'BR-business',
    start: '2016-07-01',
    statusOf: (day, fromEnd) => (fromEnd < 12 && fromEnd % 3 === 0 ? 'retrying' : 'ok'),
  },
  {
    infoType: 'FUEL#DIESEL',
    source: 'simulated',
    calendar: 'weekly',
    start: '2015-01-05',
    // A hole the run has not reached yet (a cycle limit), to show the grey cells.
    statusOf: (day) =>
      day >= parseIsoDate('2019-03-01') && day < parseIsoDate('2019-09-01') ? 'missing' : 'ok',
  },
  {
    infoType: 'RATE#SELIC',
    source: 'simulated',
    calendar: 'daily',
    start: '2018-01-01',
    statusOf: (day) => (scattered(day, 4, 0.0015) ? 'quarantined' : 'ok'),
  },
];

function emptyMonth(month: string): MonthSummary {
  return { month, ...zeroDateCounts() };
}

function buildSeries(
  sample: SampleSeries,
  index: number,
  quarantine: RunSummary['quarantine'],
): SeriesSummary {
  const days = calendarFor(sample.calendar).datesBetween(parseIsoDate(sample.start), parseIsoDate(end));
  const months = new Map<string, MonthSummary>();
  const totals = emptyMonth('');
  days.forEach((day, position) => {
    const status = sample.statusOf(day, days.length - 1 - position);
    const date = formatIsoDate(day);
    const month = months.get(date.slice(0, 7)) ?? emptyMonth(date.slice(0, 7));
    months.set(month.month, month);
    for (const counts of [month, totals]) {
      counts.expected += 1;
      counts[status] += 1;
    }
    if (status === 'quarantined') {
      const errors = sampleErrors[sample.source] ?? ['unknown error'];
      const lastError = errors[quarantine.length % errors.length] ?? '';
      quarantine.push({ infoType: sample.infoType, date, retryCount: 5, lastError });
    }
  });
  const { month: _month, ...counts } = totals;
  return {
    infoType: sample.infoType,
    source: sample.source,
    calendar: sample.calendar,
    start: formatIsoDate(days[0] ?? parseIsoDate(sample.start)),
    end: formatIsoDate(days[days.length - 1] ?? parseIsoDate(end)),
    ...counts,
    sourceRequests: 2 + index,
    batchWriteCalls: Math.ceil(totals.ok / 25) + index,
    months: [...months.values()],
  };
}

/**
 * A realistic run summary for looking at the report without running the stack: four series (business-day,
 * weekly and daily calendars) from 2015 to 2026, a few quarantined dates with source errors (one carrying
 * markup), a tail still pending or retrying, and a hole still missing. Deterministic.
 */
export function sampleRunSummary(): RunSummary {
  const quarantine: RunSummary['quarantine'] = [];
  const series = sampleSeries.map((sample, index) => buildSeries(sample, index, quarantine));
  const sum = (pick: (one: SeriesSummary) => number | null): number =>
    series.reduce((total, one) => total + (pick(one) ?? 0), 0);
  const batchWriteCalls = sum((one) => one.batchWriteCalls);
  return {
    startedAt: '2026-11-25T04:10:00.000Z',
    finishedAt: '2026-11-25T04:11:23.456Z',
    durationMs: 83_456,
    cycles: 7,
    converged: false,
    options: {
      source: 'simulated',
      faultRate: 0.3,
      seed: 42,
      cycles: 7,
      maxRetries: 5,
      dataDir: '.local-stack/data',
    },
    series,
    totals: {
      expected: sum((one) => one.expected),
      ok: sum((one) => one.ok),
      pending: sum((one) => one.pending),
      retrying: sum((one) => one.retrying),
      quarantined: sum((one) => one.quarantined),
      absent: sum((one) => one.absent),
      sourceRequests: sum((one) => one.sourceRequests),
      batchWriteCalls,
      itemsWritten: sum((one) => one.ok),
      messagesSent: 58,
      deadLetters: 1,
    },
    quarantine,
    reportPath: '.local-stack/report.html',
  };
}
