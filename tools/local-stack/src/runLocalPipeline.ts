import { DEFAULT_CATALOG, loadCatalog } from '@gapless/catalog';
import { parseIsoDate, servingSource, SourceId, type SeriesDefinition } from '@gapless/pipeline-core';
import { queueDefinition } from '@gapless/aws-adapters';
import { deployment, loadPriceTable, PriceTableError, priceUsage, type PriceTable } from '@gapless/cost';
import { fileURLToPath } from 'node:url';
import type { ItemWriteRecord, SeriesTraffic } from './chaosProxy.js';
import { collectUsage } from './collectUsage.js';
import { UsageError } from './errors.js';
import { moreVerbose } from './functionLog.js';
import { ingestIntoStack } from './ingestFiles.js';
import { exportStackLake } from './lakeExportStep.js';
import {
  startLocalStack,
  type LocalStack,
  type LocalStackOptions,
  type OptionalFunctionName,
} from './localStack.js';
import { runCycles, type CycleOutcome, type CycleProgress } from './runCycles.js';
import type { RunSummary } from './runSummary.js';
import type { S3RequestKind } from './s3RequestKind.js';
import { countSourceRequests, type SourceRequestRecord } from './sourceRequestLog.js';
import type { DeliveryLog } from './sqsPoller.js';
import { summarizeSeries } from './summarize.js';
import type { PlainItem } from './tableReader.js';

/** Fault rates of the simulated source (see pipeline-core's `SimulatedFaults`); missing ones are 0. */
export type FaultRates = Partial<Record<'error' | 'timeout' | 'throttle' | 'null' | 'malformed', number>>;

export interface ChaosOptions {
  /** Share of BatchWriteItem calls answered with part of their items as `UnprocessedItems`. */
  readonly unprocessedRate?: number;
  /** Share of first deliveries delivered twice. */
  readonly duplicateRate?: number;
  /** Share of scraper invocations whose host is killed part-way through. */
  readonly crashRate?: number;
}

export interface LocalPipelineOptions {
  /** `simulated` (default): every series from the seeded simulated source; `live`: the real BCB APIs. */
  readonly source?: 'simulated' | 'live';
  readonly faults?: FaultRates;
  /** Seeds the simulated source's values and faults and every chaos hook (default 42). */
  readonly seed?: number;
  /** Only these series of the catalog (by `info_type`). */
  readonly series?: readonly string[];
  /** Overrides every series' start date (ISO); earlier items are neither fetched nor counted. */
  readonly from?: string;
  /** The catalog in its JSON form; default the built-in one. */
  readonly catalog?: readonly unknown[];
  /** Keep the table on disk here between runs; in memory when absent. */
  readonly dataDir?: string;
  /** Cycle limit (default 50). */
  readonly maxCycles?: number;
  readonly maxRetries?: number;
  readonly chaos?: ChaosOptions;
  /** Scraper invocations at once (default 2). */
  readonly concurrency?: number;
  /** Visibility timeout set by the poller's receives, in seconds (default 3). */
  readonly visibilityTimeoutSeconds?: number;
  /** The functions' log file (default `.local-stack/functions.log`); null keeps none. */
  readonly logPath?: string | null;
  /** The functions' log level (default WARN). */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  readonly echoLog?: (line: string) => void;
  /** Where the built zips are (default `<repo>/dist/apps`). */
  readonly distDir?: string;
  /** Extra function environment, e.g. `BCB_SGS_BASE_URL` of a test server. */
  readonly extraEnv?: Readonly<Record<string, string>>;
  /** Aborting stops polling, waits briefly for running invocations and tears everything down. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: CycleProgress) => void;
  /** Called once the stack is up, before the first cycle (a test may send its own messages). */
  readonly beforeCycles?: (stack: LocalStackHandle) => Promise<void>;
  /** Called after the last cycle, before the lake export and teardown (a test may inspect the emulators). */
  readonly afterCycles?: (stack: LocalStackHandle) => Promise<void>;
  /**
   * Local CSV files to load before the first cycle: each is uploaded to `incoming/<name>` of the ingest bucket
   * and csv_ingest is invoked with the S3 event for it (needs the csv_ingest zip).
   */
  readonly ingest?: readonly string[];
  /** End the run with a lake export (lake_export with its scheduled event; needs its zip). Default true. */
  readonly lakeExport?: boolean;
  /** Called after the lake export, before teardown (a test may read the lake bucket). */
  readonly afterLakeExport?: (stack: LocalStackHandle) => Promise<void>;
  /** Include every table item in the result (`tableSnapshot`). */
  readonly snapshot?: boolean;
  /** The region whose list prices the run's `cost` uses (default us-east-1; see tools/cost/prices). */
  readonly region?: string;
}

/** What hooks and tests can reach while the stack runs. */
export type LocalStackHandle = Pick<
  LocalStack,
  | 'endpoints'
  | 'tableName'
  | 'queueUrl'
  | 'deadLetterQueueUrl'
  | 'region'
  | 'readAllItems'
  | 'deadLetterBodies'
  | 'sourceRequests'
  | 's3'
  | 'buckets'
  | 's3Requests'
> & {
  /** Item writes asked of DynamoDB so far, as billed (see ChaosProxy.itemWriteRequests). */
  itemWriteRequests(): number;
};

/** The run summary plus what end-to-end tests inspect. */
export type LocalPipelineResult = RunSummary & {
  /** True when the run was stopped by its signal (Ctrl-C). */
  interrupted: boolean;
  /** Every table item at the end, when `snapshot` was asked for. */
  tableSnapshot?: PlainItem[];
  /**
   * Every request the simulated source received during the run, in order, from its own log. A real source's
   * requests (live mode) are not in it: count them at its server (the end-to-end tests' BCB test server).
   */
  sourceRequestLog: SourceRequestRecord[];
  /** The dead-letter queue's bodies at the end. */
  deadLetterBodies: string[];
  /** Every applied write to a series item, in order (to check that no OK value was overwritten). */
  writeLog: ItemWriteRecord[];
  /** Injected duplicate copies and the records of invocations that failed as a whole. */
  deliveries: DeliveryLog;
  /** Writes per series, as they went over the wire to DynamoDB. */
  traffic: Record<string, SeriesTraffic>;
  /** The last ERROR lines the functions logged (`function: message`); the log file has them all. */
  functionErrors: string[];
  /** The functions' EMF metrics, summed. */
  metrics: Record<string, number>;
  stats: Record<string, number>;
  /** S3 requests the functions made (uploads and reads by the stack itself not included), by operation. */
  s3Requests: Partial<Record<S3RequestKind, number>>;
};

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
/** Visibility timeout of the local poller; short so that failed records come back within the run. */
const defaultVisibilitySeconds = 3;

/**
 * Runs the whole pipeline locally: emulators on loopback, the functions from their built zips, the schedule
 * emulated as cycles (data_clustering, drain the queue through the poller, retry_recheck) until nothing is
 * left to do or the cycle limit, then one Query per series for the summary.
 */
export async function runLocalPipeline(options: LocalPipelineOptions = {}): Promise<LocalPipelineResult> {
  const startedAt = new Date();
  const seed = options.seed ?? 42;
  const catalog = selectCatalog(options);
  const prices = priceTableFor(options.region ?? 'us-east-1');
  const stack = await startLocalStack(stackOptions(options, catalog, seed));
  const handle: LocalStackHandle = {
    ...stack,
    itemWriteRequests: () => stack.proxy.itemWriteRequests(),
  };
  try {
    await options.beforeCycles?.(handle);
    // Before the cycles, so that gap detection finds the file's dates present and asks the source for none
    // of them, as a history loaded before the schedule's next run would be.
    const ingest = await ingestIntoStack(stack, options.ingest ?? []);
    const outcome = await runCycles(stack, catalog, {
      maxCycles: options.maxCycles ?? 50,
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? defaultVisibilitySeconds,
      concurrency: options.concurrency ?? 2,
      chaos: { ...options.chaos, seed },
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    await options.afterCycles?.(handle);
    const lakeExport =
      options.lakeExport === false || outcome.interrupted ? undefined : await exportStackLake(stack);
    await options.afterLakeExport?.(handle);
    const sourceRequestLog = stack.sourceRequests();
    const summary = await summarizeRun(stack, catalog, outcome, {
      startedAt,
      options: describeOptions(options, seed),
      sourceRequests: sourceRequestsBySeries(catalog, options.source ?? 'simulated', sourceRequestLog),
    });
    const usage = await collectUsage(stack, outcome.stats, summary.durationMs);
    return {
      ...summary,
      usage,
      cost: priceUsage(usage, prices, deployment),
      ingest,
      ...(lakeExport ? { lakeExport } : {}),
      s3Requests: stack.s3Requests(),
      interrupted: outcome.interrupted,
      ...(options.snapshot ? { tableSnapshot: await stack.readAllItems() } : {}),
      sourceRequestLog,
      deadLetterBodies: await stack.deadLetterBodies(),
      writeLog: [...stack.proxy.writeLog()],
      deliveries: outcome.deliveries,
      traffic: Object.fromEntries(stack.proxy.traffic()),
      metrics: { ...stack.log.metrics() },
      functionErrors: [...stack.log.errors()],
      stats: { ...outcome.stats, ...prefixed('injectedUnprocessed', stack.proxy.injected()) },
    };
  } finally {
    await stack.stop();
  }
}

/** The functions beyond the pipeline's three that this run uses. */
function optionalFunctions(options: LocalPipelineOptions): OptionalFunctionName[] {
  return [
    ...((options.ingest ?? []).length > 0 ? (['csv_ingest'] as const) : []),
    ...(options.lakeExport === false ? [] : (['lake_export'] as const)),
  ];
}

function stackOptions(
  options: LocalPipelineOptions,
  catalog: readonly SeriesDefinition[],
  seed: number,
): LocalStackOptions {
  return {
    distDir: options.distDir ?? `${repoRoot}dist/apps`,
    optionalFunctions: optionalFunctions(options),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.logPath === null
      ? {}
      : { logPath: options.logPath ?? `${repoRoot}.local-stack/functions.log` }),
    ...(options.echoLog ? { echoLog: options.echoLog } : {}),
    // The functions log at the deployed level too when it is more verbose, so the log's volume is the
    // deployment's; the file still shows only the level asked for.
    logLevels: { show: options.logLevel ?? 'WARN', count: deployment.logLevel },
    unprocessedRate: options.chaos?.unprocessedRate ?? 0,
    seed,
    scraperConcurrency: options.concurrency ?? 2,
    scraperTimeoutMs: queueDefinition.scraperTimeoutSeconds * 1000,
    env: {
      sourceMode: options.source ?? 'simulated',
      simulatedFaults: JSON.stringify({ ...options.faults, seed }),
      ...(catalog === DEFAULT_CATALOG ? {} : { catalog }),
      ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
      logLevel: moreVerbose(options.logLevel ?? 'WARN', deployment.logLevel),
      pendingTimeoutSeconds: 5,
      inflightTimeoutSeconds: 5,
      ...(options.extraEnv ? { extra: options.extraEnv } : {}),
    },
  };
}

/**
 * Source requests per series of the catalog, as the simulated source counted them in its log; null for a
 * series a real source serves (live mode), whose requests the local stack does not see.
 */
function sourceRequestsBySeries(
  catalog: readonly SeriesDefinition[],
  mode: 'simulated' | 'live',
  log: readonly SourceRequestRecord[],
): Map<string, number | null> {
  const counts = countSourceRequests(log);
  return new Map(
    catalog.map((series) => [
      series.infoType,
      servingSource(series.source, mode) === SourceId.Simulated ? (counts.get(series.infoType) ?? 0) : null,
    ]),
  );
}

/**
 * The RunSummary at the end of the cycles: one Query per series, the wire counts, the source's own counts,
 * the dead-letter queue.
 */
async function summarizeRun(
  stack: LocalStack,
  catalog: readonly SeriesDefinition[],
  outcome: CycleOutcome,
  run: {
    readonly startedAt: Date;
    readonly options: Record<string, unknown>;
    readonly sourceRequests: ReadonlyMap<string, number | null>;
  },
): Promise<RunSummary> {
  const traffic = stack.proxy.traffic();
  const state = await summarizeSeries(
    stack.dynamo,
    stack.tableName,
    catalog,
    new Date(),
    traffic,
    run.sourceRequests,
  );
  const deadLetters = await stack.deadLetterCount();
  const finishedAt = new Date();
  const sum = (
    key: 'expected' | 'ok' | 'pending' | 'retrying' | 'quarantined' | 'absent' | 'batchWriteCalls',
  ) => state.summaries.reduce((total, series) => total + series[key], 0);
  const requests = state.summaries.map((series) => series.sourceRequests);
  return {
    startedAt: run.startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - run.startedAt.getTime(),
    cycles: outcome.cycles,
    converged: outcome.converged,
    options: run.options,
    series: state.summaries,
    totals: {
      expected: sum('expected'),
      ok: sum('ok'),
      pending: sum('pending'),
      retrying: sum('retrying'),
      quarantined: sum('quarantined'),
      absent: sum('absent'),
      // Counted at the source, by the simulated source itself (a crashed host never flushes the scraper's EMF
      // metrics, and the ledger's claims are the pipeline's word for it); unknown if any series is not.
      sourceRequests: requests.some((count) => count === null)
        ? null
        : requests.reduce<number>((total, count) => total + (count ?? 0), 0),
      batchWriteCalls: sum('batchWriteCalls'),
      itemsWritten: [...traffic.values()].reduce((total, series) => total + series.okWrites, 0),
      messagesSent: stack.log.metrics().MessagesSent ?? 0,
      deadLetters,
    },
    quarantine: state.quarantine,
  };
}

/** The price table of `region`; an unknown region is a usage error that names the tables there are. */
function priceTableFor(region: string): PriceTable {
  try {
    return loadPriceTable(region);
  } catch (error) {
    if (error instanceof PriceTableError) throw new UsageError(`--region: ${error.message}`);
    throw error;
  }
}

/** The catalog of this run: the given or built-in one, filtered by `series`, starts moved to `from`. */
export function selectCatalog(
  options: Pick<LocalPipelineOptions, 'catalog' | 'series' | 'from'>,
): readonly SeriesDefinition[] {
  let catalog = options.catalog
    ? loadCatalog({ SERIES_CATALOG: JSON.stringify(options.catalog) })
    : DEFAULT_CATALOG;
  if (options.series !== undefined) {
    const known = new Set(catalog.map((series) => series.infoType));
    const unknown = options.series.filter((name) => !known.has(name));
    if (unknown.length > 0) {
      throw new UsageError(`unknown series ${unknown.join(', ')} (known: ${[...known].join(', ')})`);
    }
    catalog = catalog.filter((series) => options.series?.includes(series.infoType));
  }
  if (options.from !== undefined) {
    const start = parseIsoDate(options.from);
    catalog = catalog.map((series) => ({ ...series, start }));
  }
  return catalog;
}

function describeOptions(options: LocalPipelineOptions, seed: number): Record<string, unknown> {
  return {
    source: options.source ?? 'simulated',
    faults: options.faults ?? {},
    seed,
    series: options.series ?? 'all',
    from: options.from ?? 'catalog',
    dataDir: options.dataDir ?? null,
    maxCycles: options.maxCycles ?? 50,
    maxRetries: options.maxRetries ?? 5,
    chaos: options.chaos ?? {},
    concurrency: options.concurrency ?? 2,
    ingest: options.ingest ?? [],
    lakeExport: options.lakeExport !== false,
  };
}

function prefixed(prefix: string, values: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => [`${prefix}${key[0]?.toUpperCase()}${key.slice(1)}`, value]),
  );
}
