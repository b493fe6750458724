import { startClusteringStack, type ClusteringStack } from '@gapless/local-stack';
import { lastExpectedDay, SourceId, todayUtc, type Day, type SeriesDefinition } from '@gapless/pipeline-core';
import { round, verdict } from './figures.js';
import type { SectionResult, SectionRow } from './section.js';
import { median } from './stats.js';

const SMALL = 10;
const LARGE = 1_000;
/** Warm runs timed at each size (after the cold one): about as long at both, a few seconds each. */
const WARM_RUNS: Readonly<Record<number, number>> = { [SMALL]: 41, [LARGE]: 7 };
/** A month of operation: the dates each series holds. */
const HISTORY_DAYS = 30;
const THROTTLE_RATE = 0.1;
const SEED = 11;
const TARGET_SCALING = 1.2;
const TARGET_CALLS = 1.05;

interface RunResult {
  readonly series: readonly { gaps: number; messages: number; error?: string }[];
}

/** One catalog size, measured warm: the same routine run again and again. */
interface SizeCost {
  readonly series: number;
  readonly warmMs: readonly number[];
  /** Median warm run time / series. */
  readonly perSeriesMs: number;
  /** DynamoDB calls of one routine run, by operation, counted at the proxy. */
  readonly calls: Readonly<Record<string, number>>;
}

/** The routine run over the large catalog with a share of its DynamoDB calls throttled. */
interface ThrottledCost {
  readonly calls: number;
  readonly throttled: number;
  readonly failed: number;
  readonly messages: number;
  readonly queued: number;
  readonly ms: number;
}

/**
 * data_clustering over generated catalogs of {@link SMALL} and {@link LARGE} daily simulated series in a
 * steady state (every date present, each watermark a day behind, as a month of daily runs leaves them):
 * the built zip in its own process, its DynamoDB calls through the local stack's proxy, timed warm and
 * counted at the proxy. Then one run over {@link LARGE} series that each have their newest date to send,
 * with {@link THROTTLE_RATE} of the DynamoDB calls answered with DynamoDB's throttling error: it must
 * skip no series.
 */
export async function clusteringScale(): Promise<SectionResult> {
  const small = await measureSize(SMALL);
  const large = await measureSize(LARGE);
  const throttled = await measureThrottled(LARGE);
  return report(small, large, throttled);
}

function report(small: SizeCost, large: SizeCost, throttled: ThrottledCost): SectionResult {
  const scaling = large.perSeriesMs / small.perSeriesMs;
  // What each series past the small catalog's added: the fixed cost of a run (the watermarks' read and
  // write, the invocation itself) is in both medians, and weighs most on the small one's per-series time.
  const marginal = (median(large.warmMs) - median(small.warmMs)) / (large.series - small.series);
  const callsPerSeries = total(large.calls) / large.series;
  const met = {
    per_series_scaling: scaling <= TARGET_SCALING,
    calls_per_series: callsPerSeries <= TARGET_CALLS,
  };
  const rows: SectionRow[] = [
    ...[small, large].map((cost): SectionRow => [
      `${cost.series.toLocaleString('en')} series, warm run`,
      `median ${cost.perSeriesMs.toFixed(3)} ms per series (${median(cost.warmMs).toFixed(1)} ms, ${cost.warmMs.length} runs)`,
    ]),
    [
      `per-series time, ${LARGE.toLocaleString('en')} / ${SMALL}`,
      `${scaling.toFixed(2)} ${verdict(met.per_series_scaling, `<= ${TARGET_SCALING}`)}`,
    ],
    [
      `time per series added (${SMALL} -> ${LARGE.toLocaleString('en')})`,
      `${marginal.toFixed(3)} ms (reported)`,
    ],
    [
      `DynamoDB calls of a routine run, ${LARGE.toLocaleString('en')} series`,
      `${describeCalls(large.calls)} (at the proxy)`,
    ],
    [
      'calls per series',
      `${callsPerSeries.toFixed(3)} ${verdict(met.calls_per_series, `<= ${TARGET_CALLS}`)}`,
    ],
    [
      `${THROTTLE_RATE * 100}% throttled, ${LARGE.toLocaleString('en')} series with a new date each`,
      `${throttled.throttled} of ${throttled.calls} calls throttled, ${throttled.failed} series skipped, ` +
        `${throttled.messages} messages sent (${throttled.queued} queued), ${(throttled.ms / 1000).toFixed(1)} s`,
    ],
  ];
  return {
    title:
      `clustering at scale: warm data_clustering runs (built zip) over ${SMALL} and ` +
      `${LARGE.toLocaleString('en')} daily series in a steady state, then ${THROTTLE_RATE * 100}% throttling`,
    rows,
    figures: {
      per_series_scaling: round(scaling, 2),
      calls_per_series: round(callsPerSeries, 3),
      per_series_ms: { [SMALL]: round(small.perSeriesMs, 4), [LARGE]: round(large.perSeriesMs, 4) },
      marginal_ms_per_series: round(marginal, 4),
      warm_runs: { [SMALL]: small.warmMs.length, [LARGE]: large.warmMs.length },
      calls: large.calls,
      throttled_run: {
        series: LARGE,
        throttle_rate: THROTTLE_RATE,
        calls: throttled.calls,
        throttled: throttled.throttled,
        skipped: throttled.failed,
        messages: throttled.messages,
        calls_per_series_unthrottled: round((throttled.calls - throttled.throttled) / LARGE, 3),
      },
      targets: { per_series_scaling: TARGET_SCALING, calls_per_series: TARGET_CALLS },
      met,
    },
  };
}

function total(calls: Readonly<Record<string, number>>): number {
  return Object.values(calls).reduce((sum, count) => sum + count, 0);
}

function describeCalls(calls: Readonly<Record<string, number>>): string {
  const parts = Object.entries(calls).map(
    ([operation, count]) => `${count.toLocaleString('en')} ${operation}`,
  );
  return `${total(calls).toLocaleString('en')}: ${parts.join(' + ')}`;
}

/** `count` daily series of the simulated source, {@link HISTORY_DAYS} days old. */
function generatedCatalog(count: number): SeriesDefinition[] {
  const start = todayUtc(new Date()) - HISTORY_DAYS;
  return Array.from({ length: count }, (_, index) => ({
    infoType: `SCALE#S${String(index + 1).padStart(4, '0')}`,
    source: SourceId.Simulated,
    calendar: 'daily',
    start,
    publicationLagDays: 1,
  }));
}

/**
 * Writes every date of every series through `lastDay(series)` (on the emulator, not through the proxy) and
 * answers the watermarks a month of daily runs leaves: each the day before the last expected date, whose
 * run found that date still missing.
 */
async function seed(
  stack: ClusteringStack,
  catalog: readonly SeriesDefinition[],
  lastDay: (series: SeriesDefinition) => Day,
): Promise<Map<string, Day>> {
  const now = new Date();
  const watermarks = new Map<string, Day>();
  for (const series of catalog) {
    const last = lastDay(series);
    const days = Array.from({ length: last - series.start + 1 }, (_, index) => series.start + index);
    const written = await stack.store.writeValues(
      series.infoType,
      'bench',
      days.map((day) => ({ day, value: 1 })),
    );
    if (written.unwritten.length > 0) throw new Error(`history of ${series.infoType} not fully written`);
    watermarks.set(series.infoType, lastExpectedDay(series, now) - 1);
  }
  return watermarks;
}

async function measureSize(size: number): Promise<SizeCost> {
  const catalog = generatedCatalog(size);
  const stack = await startClusteringStack({ catalog });
  try {
    // Tomorrow's date too, so a run after midnight in Brasília still finds every date present.
    const watermarks = await seed(stack, catalog, (series) => lastExpectedDay(series, new Date()) + 1);
    const run = async (): Promise<{ ms: number; calls: Record<string, number> }> => {
      // Each run starts from the same state: the watermarks a day behind, as the previous run left them.
      await stack.store.writeWatermarks(watermarks);
      const before = stack.proxy.calls();
      const started = performance.now();
      const result = (await stack.invoke({})) as RunResult;
      const ms = performance.now() - started;
      const busy = result.series.filter((series) => series.gaps > 0 || series.error !== undefined);
      if (busy.length > 0) throw new Error(`${busy.length} series were not in a steady state`);
      const calls: Record<string, number> = {};
      for (const [operation, count] of stack.proxy.calls()) {
        const made = count - (before.get(operation) ?? 0);
        if (made > 0) calls[operation] = made;
      }
      return { ms, calls };
    };
    await run(); // the cold start, not measured
    const warm = [];
    for (let index = 0; index < (WARM_RUNS[size] ?? 5); index += 1) warm.push(await run());
    const calls = warm[0]?.calls ?? {};
    if (warm.some((one) => JSON.stringify(one.calls) !== JSON.stringify(calls)))
      throw new Error(`the routine runs over ${size} series did not all make the same calls`);
    const warmMs = warm.map((one) => one.ms);
    return { series: size, warmMs, perSeriesMs: median(warmMs) / size, calls };
  } finally {
    await stack.stop();
  }
}

async function measureThrottled(size: number): Promise<ThrottledCost> {
  const catalog = generatedCatalog(size);
  const stack = await startClusteringStack({ catalog, throttleRate: THROTTLE_RATE, seed: SEED });
  try {
    // The newest date of each series is missing, as in a real daily run: a lease and a message each.
    const watermarks = await seed(stack, catalog, (series) => lastExpectedDay(series, new Date()) - 1);
    await stack.store.writeWatermarks(watermarks);
    const started = performance.now();
    const result = (await stack.invoke({})) as RunResult;
    const ms = performance.now() - started;
    const failed = result.series.filter((series) => series.error !== undefined).length;
    const messages = result.series.reduce((sum, series) => sum + series.messages, 0);
    const queued = await stack.queuedMessages();
    if (failed > 0 || messages !== size || queued !== size)
      throw new Error(
        `under throttling ${failed} series failed and ${queued} of ${size} messages were queued`,
      );
    return {
      calls: total(Object.fromEntries(stack.proxy.calls())),
      throttled: stack.proxy.throttled(),
      failed,
      messages,
      queued,
      ms,
    };
  } finally {
    await stack.stop();
  }
}
