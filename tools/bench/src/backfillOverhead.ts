import { BatchWriteItemCommand, DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import {
  ensureResources,
  runLocalPipeline,
  type LocalPipelineResult,
  type LocalStackHandle,
} from '@gapless/local-stack';
import {
  expectedDates,
  formatIsoDate,
  okItem,
  parseCatalog,
  todayUtc,
  type SeriesDefinition,
} from '@gapless/pipeline-core';
import { simulatedValue } from '@gapless/sources';
import { toAttributeMap } from '@gapless/aws-adapters';
import { round, verdict } from './figures.js';
import type { SectionResult } from './section.js';

/**
 * Dates to backfill: the 100,000 the figure is defined on. It takes a few minutes on a 2-core machine;
 * BENCH_BACKFILL_DATES=25000 gives a quicker look (the figure is a ratio of two sides of the same size).
 */
const DEFAULT_DATES = 100_000;
const SERIES = 4;
const SEED = 42;
const BATCH_SIZE = 25;
const WARMUP_ITEMS = 2_000;
const TARGET = 1.3;
/** Item writes per backfilled date, bookkeeping included: the value once, plus a few writes per stream. */
const WRITE_UNITS_TARGET = 1.05;

/** The raw side: wall time, calls and item writes of plain sequential BatchWriteItem calls. */
interface RawWrites {
  readonly ms: number;
  readonly calls: number;
  readonly items: number;
}

/**
 * End-to-end backfill of about {@link DEFAULT_DATES} dates (four daily series of the simulated source)
 * through the local stack, against writing the same items with raw BatchWriteItem calls (25 per call,
 * sequential) on the same emulator. The raw writes run before (the stack's `beforeCycles` hook) and after
 * (`afterCycles`) the pipeline, each time on a table of their own; the pipeline is timed from the end of
 * the first hook to the start of the second, so stack start-up and teardown are left out of both sides.
 */
export async function backfillOverhead(): Promise<SectionResult> {
  const dates = Number(process.env.BENCH_BACKFILL_DATES ?? DEFAULT_DATES);
  if (!Number.isInteger(dates) || dates < SERIES) {
    throw new Error(`BENCH_BACKFILL_DATES must be an integer >= ${SERIES}, got ${String(dates)}`);
  }
  return report(await measure(dates));
}

/** Both sides of one run: the raw writes (direct and through the proxy) and the pipeline's cycles. */
interface Measured {
  /** Its time is the mean of the runs before and after the pipeline. */
  readonly raw: RawWrites;
  readonly rawBeforeMs: number;
  readonly rawAfterMs: number;
  readonly rawViaProxy: RawWrites;
  readonly pipelineMs: number;
  readonly pipelineCalls: number;
  readonly pipelineWrites: number;
  /** Every item write the pipeline asked of DynamoDB (bookkeeping, retries and refused conditions included). */
  readonly writeRequests: number;
  readonly result: LocalPipelineResult;
}

async function measure(dates: number): Promise<Measured> {
  const now = new Date();
  const catalogJson = dailyCatalog(todayUtc(now), Math.ceil(dates / SERIES));
  const catalog = parseCatalog(catalogJson, 'bench catalog');
  let raw: RawSides | undefined;
  let rawAfter: RawWrites | undefined;
  let started = 0;
  let pipelineMs = 0;
  let writesBefore = 0;
  let writeRequests = 0;
  const result = await runLocalPipeline({
    seed: SEED,
    logPath: null,
    catalog: catalogJson,
    maxCycles: 5,
    beforeCycles: async (stack) => {
      raw = await writeRawSides(stack, catalog, now);
      writesBefore = stack.itemWriteRequests();
      started = performance.now();
    },
    afterCycles: async (stack) => {
      pipelineMs = performance.now() - started;
      writeRequests = stack.itemWriteRequests() - writesBefore;
      // Raw again after the pipeline: the two bracket it in time, so a change of the machine's load
      // during the run weighs on both sides alike.
      rawAfter = await writeRaw({
        stack,
        endpoint: stack.endpoints.dynamoDirect,
        now,
        catalog,
        table: 'bench-raw-after',
      });
    },
  });
  if (raw === undefined || rawAfter === undefined) throw new Error('the raw writes did not run');
  if (
    !result.converged ||
    result.totals.ok !== result.totals.expected ||
    result.totals.ok !== raw.direct.items
  ) {
    throw new Error(
      `backfill incomplete: ${result.totals.ok} OK of ${result.totals.expected}, raw ${raw.direct.items}`,
    );
  }
  // The proxy counts every partition it saw; the raw sides' `BENCH#R` series are not the pipeline's.
  const traffic = catalog.map((series) => result.traffic[series.infoType]);
  const sum = (key: 'batchWriteCalls' | 'itemWrites') =>
    traffic.reduce((total, counts) => total + (counts?.[key] ?? 0), 0);
  return {
    raw: { ...raw.direct, ms: (raw.direct.ms + rawAfter.ms) / 2 },
    rawBeforeMs: raw.direct.ms,
    rawAfterMs: rawAfter.ms,
    rawViaProxy: raw.viaProxy,
    pipelineMs,
    pipelineCalls: sum('batchWriteCalls'),
    pipelineWrites: sum('itemWrites'),
    writeRequests,
    result,
  };
}

function report(measured: Measured): SectionResult {
  const { raw, rawViaProxy, pipelineMs, pipelineCalls, pipelineWrites, writeRequests, result } = measured;
  const ratio = pipelineMs / raw.ms;
  const met = ratio <= TARGET;
  const unitsPerDate = writeRequests / raw.items;
  const unitsMet = unitsPerDate <= WRITE_UNITS_TARGET;
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const perWrite = (ms: number, writes: number) => `${((ms / writes) * 1000).toFixed(0)} \u00b5s`;
  return {
    title: `backfill overhead: ${raw.items.toLocaleString('en')} dates (${SERIES} daily simulated series) through the local stack vs raw BatchWriteItem`,
    rows: [
      ['pipeline: wall time (cycles only)', `${seconds(pipelineMs)}, ${result.cycles} cycle(s)`],
      [
        'pipeline: BatchWriteItem calls / item writes',
        `${pipelineCalls} / ${pipelineWrites.toLocaleString('en')}`,
      ],
      [
        'pipeline: source requests / messages',
        `${result.totals.sourceRequests} / ${result.totals.messagesSent}`,
      ],
      [
        'raw: wall time, mean of before / after the pipeline',
        `${seconds(raw.ms)} (${seconds(measured.rawBeforeMs)} / ${seconds(measured.rawAfterMs)})`,
      ],
      ['raw: BatchWriteItem calls / item writes', `${raw.calls} / ${raw.items.toLocaleString('en')}`],
      ['raw through the local stack\u2019s DynamoDB proxy', seconds(rawViaProxy.ms)],
      [
        'time per item write: pipeline / raw',
        `${perWrite(pipelineMs, pipelineWrites)} / ${perWrite(raw.ms, raw.items)}`,
      ],
      ['pipeline: item writes asked of DynamoDB, all partitions (wire)', writeRequests.toLocaleString('en')],
      [
        'write units per backfilled date',
        `${unitsPerDate.toFixed(4)} ${verdict(unitsMet, `<= ${WRITE_UNITS_TARGET}`)}`,
      ],
      ['overhead (pipeline / raw)', `${ratio.toFixed(2)}x ${verdict(met, `<= ${TARGET}`)}`],
    ],
    figures: {
      overhead_vs_raw_writes: round(ratio, 2),
      write_units_per_date: round(unitsPerDate, 4),
      write_requests: writeRequests,
      dates: raw.items,
      pipeline: { ms: Math.round(pipelineMs), batch_write_calls: pipelineCalls, item_writes: pipelineWrites },
      raw: {
        ms: Math.round(raw.ms),
        before_ms: Math.round(measured.rawBeforeMs),
        after_ms: Math.round(measured.rawAfterMs),
        batch_write_calls: raw.calls,
        item_writes: raw.items,
      },
      raw_via_proxy_ms: Math.round(rawViaProxy.ms),
      targets: { overhead_vs_raw_writes: TARGET, write_units_per_date: WRITE_UNITS_TARGET },
      met: { overhead_vs_raw_writes: met, write_units_per_date: unitsMet },
    },
  };
}

/** The raw side, straight to the emulator and through the local stack's proxy. */
interface RawSides {
  readonly direct: RawWrites;
  readonly viaProxy: RawWrites;
}

async function writeRawSides(
  stack: LocalStackHandle,
  catalog: readonly SeriesDefinition[],
  now: Date,
): Promise<RawSides> {
  const direct = { stack, endpoint: stack.endpoints.dynamoDirect, now, catalog };
  // The same writes through the local stack's observing proxy, which the functions' calls also cross:
  // the share of the overhead that is the local stack's own, not the pipeline's.
  const proxied = { stack, endpoint: stack.endpoints.dynamo, now, catalog: renamed(catalog) };
  // Warm-ups (not measured): the first calls of a client and of the emulator pay for JIT compilation.
  await writeRaw({ ...direct, table: 'bench-raw-warmup-direct', limit: WARMUP_ITEMS });
  await writeRaw({ ...proxied, table: 'bench-raw-warmup-proxied', limit: WARMUP_ITEMS });
  return {
    direct: await writeRaw({ ...direct, table: 'bench-raw-direct' }),
    viaProxy: await writeRaw({ ...proxied, table: 'bench-raw-proxied' }),
  };
}

/** Where and what {@link writeRaw} writes: `limit` keeps only the first items (warm-ups). */
interface RawTarget {
  readonly stack: LocalStackHandle;
  readonly endpoint: string;
  readonly table: string;
  readonly catalog: readonly SeriesDefinition[];
  /** The time whose expected dates are written (the run's start, as the pipeline's). */
  readonly now: Date;
  readonly limit?: number;
}

/** The same series under other partition keys of the same length (`BENCH#S1` -> `BENCH#R1`). */
function renamed(catalog: readonly SeriesDefinition[]): SeriesDefinition[] {
  return catalog.map((series) => ({ ...series, infoType: series.infoType.replace('#S', '#R') }));
}

/** Four daily series of the simulated source, each with `perSeries` expected dates up to yesterday. */
function dailyCatalog(today: number, perSeries: number): Record<string, unknown>[] {
  // The default publication lag is one day: the last expected date is yesterday.
  const start = formatIsoDate(today - 1 - perSeries + 1);
  return Array.from({ length: SERIES }, (_, index) => ({
    info_type: `BENCH#S${index + 1}`,
    source: 'simulated',
    calendar: 'daily',
    start,
  }));
}

/** The straightforward way: the final OK items, 25 per BatchWriteItem, each call awaited, unprocessed resent. */
async function writeRaw(target: RawTarget): Promise<RawWrites> {
  const { stack, endpoint, catalog, now } = target;
  const { tableName } = await ensureResources({
    dynamoEndpoint: stack.endpoints.dynamoDirect,
    sqsEndpoint: stack.endpoints.sqs,
    tableName: target.table,
  });
  const client = new DynamoDBClient({
    endpoint,
    region: stack.region,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  const updatedAt = new Date().toISOString();
  const requests: WriteRequest[] = catalog
    .flatMap((series) =>
      Array.from(expectedDates(series, now), (day) => ({
        PutRequest: {
          Item: toAttributeMap(
            okItem({
              infoType: series.infoType,
              day,
              value: simulatedValue(SEED, series, day),
              source: 'simulated',
              updatedAt,
            }),
          ),
        },
      })),
    )
    .slice(0, target.limit);
  try {
    let calls = 0;
    const started = performance.now();
    for (let first = 0; first < requests.length; first += BATCH_SIZE) {
      let pending = requests.slice(first, first + BATCH_SIZE);
      while (pending.length > 0) {
        calls += 1;
        const output = await client.send(
          new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }),
        );
        pending = output.UnprocessedItems?.[tableName] ?? [];
      }
    }
    return { ms: performance.now() - started, calls, items: requests.length };
  } finally {
    client.destroy();
  }
}
