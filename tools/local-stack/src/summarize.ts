import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  expectedDates,
  formatIsoDate,
  ItemStatus,
  type Day,
  type SeriesDefinition,
} from '@gapless/pipeline-core';
import type { SeriesTraffic } from './chaosProxy.js';
import { zeroDateCounts, type DateCounts, type RunSummary, type SeriesSummary } from './runSummary.js';
import { readPartition, type RawItem } from './tableReader.js';

type QuarantineEntry = RunSummary['quarantine'][number];

export interface SeriesState {
  readonly summaries: SeriesSummary[];
  readonly quarantine: QuarantineEntry[];
}

/**
 * Where every series of `catalog` stands: one Query of the series and one of its leases, compared with its
 * expected dates at `now` (each series' today in its source's time zone, less its lag). A date with no item
 * under a live lease is in flight, counted as pending.
 * Items outside the expected dates (an earlier start, another calendar) are not counted. `sourceRequests`
 * holds each series' count of source requests as its source counted them; a series missing from it (or
 * null) was not counted.
 */
export async function summarizeSeries(
  client: DynamoDBClient,
  tableName: string,
  catalog: readonly SeriesDefinition[],
  now: Date,
  traffic: ReadonlyMap<string, Readonly<SeriesTraffic>>,
  sourceRequests: ReadonlyMap<string, number | null> = new Map(),
): Promise<SeriesState> {
  const summaries: SeriesSummary[] = [];
  const quarantine: QuarantineEntry[] = [];
  for (const series of catalog) {
    const items = await readPartition(client, tableName, series.infoType);
    const leases = await readPartition(client, tableName, `LEASE#${series.infoType}`);
    const expected = expectedDates(series, now);
    const requests = sourceRequests.get(series.infoType) ?? null;
    summaries.push(seriesSummary(series, expected, items, traffic.get(series.infoType), leases, requests));
    const expectedSet = new Set(Array.from(expected, formatIsoDate));
    for (const item of items) {
      const date = item.date?.S ?? '';
      const status = item.status?.S;
      if ((status !== ItemStatus.Quarantined && status !== ItemStatus.Absent) || !expectedSet.has(date))
        continue;
      quarantine.push({
        infoType: series.infoType,
        date,
        status: status === ItemStatus.Absent ? ItemStatus.Absent : ItemStatus.Quarantined,
        retryCount: Number(item.retry_count?.N ?? 0),
        lastError: item.last_error?.S ?? '',
      });
    }
  }
  return { summaries, quarantine };
}

/** Counts one series' expected dates by status, overall and per month; `sourceRequests` null: not counted. */
export function seriesSummary(
  series: SeriesDefinition,
  expected: Int32Array,
  items: readonly RawItem[],
  traffic: Readonly<SeriesTraffic> | undefined,
  leases: readonly RawItem[] = [],
  sourceRequests: number | null = null,
): SeriesSummary {
  const statusByDate = new Map(items.map((item) => [item.date?.S ?? '', item.status?.S ?? '']));
  const inFlight = (date: string): boolean =>
    leases.some((lease) => (lease.date?.S ?? '') <= date && date <= (lease.last?.S ?? ''));
  const total = zeroDateCounts();
  const months = new Map<string, DateCounts>();
  for (const day of expected) {
    const date = formatIsoDate(day);
    const month = date.slice(0, 7);
    let counts = months.get(month);
    if (!counts) months.set(month, (counts = zeroDateCounts()));
    const status = statusByDate.get(date);
    const key = status === undefined && inFlight(date) ? 'pending' : countKey(status);
    for (const target of [total, counts]) {
      target.expected += 1;
      target[key] += 1;
    }
  }
  return {
    infoType: series.infoType,
    source: series.source,
    calendar: series.calendar,
    start: formatIsoDate(series.start),
    end:
      expected.length > 0 ? formatIsoDate(expected[expected.length - 1] as Day) : formatIsoDate(series.start),
    ...total,
    sourceRequests,
    batchWriteCalls: traffic?.batchWriteCalls ?? 0,
    months: [...months].map(([month, counts]) => ({ month, ...counts })),
  };
}

function countKey(status: string | undefined): Exclude<keyof DateCounts, 'expected'> {
  switch (status) {
    case ItemStatus.Ok:
      return 'ok';
    case ItemStatus.Pending:
      return 'pending';
    case ItemStatus.Retry:
      return 'retrying';
    case ItemStatus.Quarantined:
      return 'quarantined';
    case ItemStatus.Absent:
      return 'absent';
    default:
      return 'missing';
  }
}
