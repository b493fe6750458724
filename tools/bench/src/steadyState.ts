import { DEFAULT_CATALOG } from '@gapless/catalog';
import { createDynamoSeriesStore, queueDefinition } from '@gapless/aws-adapters';
import {
  expectedDates,
  sgsDailyWindowDays,
  silentTelemetry,
  todayUtc,
  type SeriesDefinition,
  type WorkQueue,
} from '@gapless/pipeline-core';
// The benchmark measures data_clustering's service in process, on a store whose consumed capacity it
// counts; it is the one place besides the in-memory simulation test where a tool reaches into an app.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { runClustering, type ClusteringMode } from '../../../apps/data_clustering/src/clustering.js';
import { callsOf, startBenchDynamo, type BenchDynamo } from './benchDynamo.js';
import { round, verdict } from './figures.js';
import type { SectionResult, SectionRow } from './section.js';

const LONG_YEARS = 20;
const SHORT_YEARS = 1;
/** The day of the first full run; the measured routine run is the next day (a Tuesday, a business day). */
const FIRST_RUN = '2025-06-02T12:00:00.000Z';
const DAY_MS = 86_400_000;
const TARGET_GROWTH = 1.1;

/** What one run read: capacity units (GetItem + Query), calls and items returned by the Queries. */
interface ReadCost {
  readonly units: number;
  readonly getItemCalls: number;
  readonly queryCalls: number;
  readonly itemsRead: number;
  readonly gaps: number;
}

/** The costs measured on one history length. */
interface HistoryCost {
  readonly years: number;
  readonly historyItems: number;
  readonly routine: ReadCost;
  readonly audit: ReadCost;
}

/**
 * Read capacity of a routine daily `runClustering` with {@link LONG_YEARS} years of complete history
 * against {@link SHORT_YEARS}, same catalog (the default one, starts moved back): after a first full run
 * has set the watermarks, the clock moves one day and the next run is measured. The audit run (which
 * ignores watermarks and must grow with history) is measured after it for contrast.
 */
export async function steadyState(): Promise<SectionResult> {
  const dynamo = await startBenchDynamo();
  try {
    const long = await measureHistory(dynamo, LONG_YEARS);
    const short = await measureHistory(dynamo, SHORT_YEARS);
    return report(long, short);
  } finally {
    await dynamo.stop();
  }
}

function report(long: HistoryCost, short: HistoryCost): SectionResult {
  const growth = long.routine.units / short.routine.units;
  const auditGrowth = long.audit.units / short.audit.units;
  const met = growth <= TARGET_GROWTH;
  const rows: SectionRow[] = [
    ['catalog', `${DEFAULT_CATALOG.length} series (default catalog)`],
    ...[long, short].flatMap((cost): SectionRow[] => [
      [`${cost.years}y: items of history`, cost.historyItems.toLocaleString('en')],
      [`${cost.years}y: routine run`, describe(cost.routine)],
      [`${cost.years}y: audit run`, describe(cost.audit)],
    ]),
    ['routine read units growth (20y / 1y)', `${growth.toFixed(2)} ${verdict(met, `<= ${TARGET_GROWTH}`)}`],
    ['audit read units growth (20y / 1y)', `${auditGrowth.toFixed(1)}x (expected to grow)`],
  ];
  return {
    title: `steady state: a routine data_clustering run the day after a full run, ${LONG_YEARS}y vs ${SHORT_YEARS}y of history`,
    rows,
    figures: {
      read_units_growth: round(growth, 2),
      audit_read_units_growth: round(auditGrowth, 1),
      read_units: {
        routine: { [`${LONG_YEARS}y`]: long.routine.units, [`${SHORT_YEARS}y`]: short.routine.units },
        audit: { [`${LONG_YEARS}y`]: long.audit.units, [`${SHORT_YEARS}y`]: short.audit.units },
      },
      items_read: {
        routine: { [`${LONG_YEARS}y`]: long.routine.itemsRead, [`${SHORT_YEARS}y`]: short.routine.itemsRead },
        audit: { [`${LONG_YEARS}y`]: long.audit.itemsRead, [`${SHORT_YEARS}y`]: short.audit.itemsRead },
      },
      targets: { read_units_growth: TARGET_GROWTH },
      met: { read_units_growth: met },
    },
  };
}

function describe(cost: ReadCost): string {
  return (
    `${cost.units} read units, ${cost.getItemCalls} GetItem + ${cost.queryCalls} Query, ` +
    `${cost.itemsRead.toLocaleString('en')} items read, ${cost.gaps} gaps`
  );
}

async function measureHistory(dynamo: BenchDynamo, years: number): Promise<HistoryCost> {
  const firstRun = new Date(FIRST_RUN);
  const catalog = catalogFrom(todayUtc(firstRun) - Math.round(years * 365.25));
  const tableName = await dynamo.freshTable(`bench-steady-${years}y`);
  const historyItems = await writeCompleteHistory(dynamo, tableName, catalog, firstRun);
  const first = await clusteringRun(dynamo, tableName, catalog, firstRun, 'routine');
  if (first.gaps !== 0) throw new Error(`the first run found ${first.gaps} gaps in a complete history`);
  const nextDay = new Date(firstRun.getTime() + DAY_MS);
  const routine = await clusteringRun(dynamo, tableName, catalog, nextDay, 'routine');
  const audit = await clusteringRun(dynamo, tableName, catalog, nextDay, 'audit');
  return { years, historyItems, routine, audit };
}

function catalogFrom(start: number): SeriesDefinition[] {
  return DEFAULT_CATALOG.map((series) => ({ ...series, start }));
}

/** Every expected date of every series as an OK item, through the store's own batch writes. */
async function writeCompleteHistory(
  dynamo: BenchDynamo,
  tableName: string,
  catalog: readonly SeriesDefinition[],
  now: Date,
): Promise<number> {
  const store = createDynamoSeriesStore({ tableName, client: dynamo.client, now: () => now });
  let written = 0;
  for (const series of catalog) {
    const values = Array.from(expectedDates(series, now), (day, index) => ({
      day,
      value: 1 + (index % 100) / 100,
    }));
    const outcome = await store.writeValues(series.infoType, 'bench', values);
    if (outcome.unwritten.length > 0) throw new Error(`history of ${series.infoType} not fully written`);
    written += values.length;
  }
  return written;
}

async function clusteringRun(
  dynamo: BenchDynamo,
  tableName: string,
  catalog: readonly SeriesDefinition[],
  now: Date,
  mode: ClusteringMode,
): Promise<ReadCost> {
  let units = 0;
  const store = createDynamoSeriesStore({
    tableName,
    client: dynamo.client,
    now: () => now,
    onConsumedCapacity: (consumed, operation) => {
      if (operation === 'GetItem' || operation === 'Query') units += consumed;
    },
  });
  dynamo.calls.clear();
  const itemsBefore = dynamo.itemsRead();
  const results = await runClustering(
    {
      catalog,
      store,
      queue: countingQueue,
      maxWindowDays: () => sgsDailyWindowDays,
      maxMessageBytes: queueDefinition.maximumMessageBytes,
      pendingTimeoutMs: 15 * 60_000,
      now: () => now,
      telemetry: silentTelemetry,
    },
    mode,
  );
  const failed = results.find((result) => result.error !== undefined);
  if (failed) throw new Error(`clustering failed on ${failed.infoType}: ${failed.error}`);
  return {
    units,
    getItemCalls: callsOf(dynamo.calls, 'GetItem'),
    queryCalls: callsOf(dynamo.calls, 'Query'),
    itemsRead: dynamo.itemsRead() - itemsBefore,
    gaps: results.reduce((total, result) => total + result.gaps, 0),
  };
}

/** The queue is not what is measured here: it takes every body, as SQS would (10 per call). */
const countingQueue: WorkQueue = {
  sendBodies: async (bodies) => ({ sent: bodies.length, calls: Math.ceil(bodies.length / 10), failed: [] }),
};
