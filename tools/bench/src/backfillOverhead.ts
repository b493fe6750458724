import { runLocalPipeline, type LocalPipelineResult, type LocalStackHandle } from '@gapless/local-stack';
import { formatIsoDate, parseCatalog, todayUtc, type SeriesDefinition } from '@gapless/pipeline-core';
import { round, verdict } from './figures.js';
import { rawBatchWrites, renamed, type RawWrites } from './rawBatchWrites.js';
import type { SectionResult } from './section.js';

/**
 * Dates to backfill: the 100,000 the figure is defined on. It takes a few minutes on a 2-core machine;
 * BENCH_BACKFILL_DATES=25000 gives a quicker look (the figure is a ratio of two sides of the same size).
 */
const DEFAULT_DATES = 100_000;
const SERIES = 4;
const SEED = 42;
const WARMUP_ITEMS = 2_000;
const TARGET = 1.3;
/** Item writes per backfilled date, bookkeeping included: the value once, plus a few writes per stream. */
const WRITE_UNITS_TARGET = 1.05;

/**
 * End-to-end backfill of about {@link DEFAULT_DATES} dates (four daily series of the simulated source)
 * through the local stack, against writing the same items with raw BatchWriteItem calls (25 per call,
 * sequential) on the same emulator. The functions' DynamoDB calls cross the local stack's observing proxy
 * (it parses every call to count the write units), which AWS does not have; the raw writes the figure
 * compares with cross the same proxy, so its cost is on both sides. The raw writes straight to the
 * emulator are measured too, and the ratio to them is shown beside the figure. Each raw side runs before
 * (the stack's `beforeCycles` hook) and after (`afterCycles`) the pipeline, each time on a table of its
 * own, in the order direct, proxied | pipeline | proxied, direct; the pipeline is timed from the end of
 * the first hook to the start of the second, so stack start-up and teardown are left out of every side.
 */
export async function backfillOverhead(): Promise<SectionResult> {
  const dates = Number(process.env.BENCH_BACKFILL_DATES ?? DEFAULT_DATES);
  if (!Number.isInteger(dates) || dates < SERIES) {
    throw new Error(`BENCH_BACKFILL_DATES must be an integer >= ${SERIES}, got ${String(dates)}`);
  }
  return report(await measure(dates));
}

/** One raw side, timed before and after the pipeline (a change of the machine's load weighs on both). */
interface Bracket {
  readonly before: RawWrites;
  readonly after: RawWrites;
}

const meanMs = ({ before, after }: Bracket) => (before.ms + after.ms) / 2;

/** Both sides of one run: the raw writes (through the proxy and direct) and the pipeline's cycles. */
interface Measured {
  readonly viaProxy: Bracket;
  readonly direct: Bracket;
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
  const sides = rawSides(catalog, now);
  let before: { direct: RawWrites; viaProxy: RawWrites } | undefined;
  let after: { direct: RawWrites; viaProxy: RawWrites } | undefined;
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
      // Warm-ups (not measured): the first calls of a client and of the emulator pay for JIT compilation.
      await sides.direct(stack, 'bench-raw-warmup-direct', WARMUP_ITEMS);
      await sides.viaProxy(stack, 'bench-raw-warmup-proxied', WARMUP_ITEMS);
      const direct = await sides.direct(stack, 'bench-raw-direct-before');
      before = { direct, viaProxy: await sides.viaProxy(stack, 'bench-raw-proxied-before') };
      writesBefore = stack.itemWriteRequests();
      started = performance.now();
    },
    afterCycles: async (stack) => {
      pipelineMs = performance.now() - started;
      writeRequests = stack.itemWriteRequests() - writesBefore;
      const viaProxy = await sides.viaProxy(stack, 'bench-raw-proxied-after');
      after = { viaProxy, direct: await sides.direct(stack, 'bench-raw-direct-after') };
    },
  });
  if (before === undefined || after === undefined) throw new Error('the raw writes did not run');
  const items = [before.direct, before.viaProxy, after.viaProxy, after.direct].map((side) => side.items);
  if (
    !result.converged ||
    result.totals.ok !== result.totals.expected ||
    items.some((count) => count !== result.totals.ok)
  ) {
    throw new Error(
      `backfill incomplete: ${result.totals.ok} OK of ${result.totals.expected}, raw ${items.join(' / ')}`,
    );
  }
  // The proxy counts every partition it saw; the raw sides' `BENCH#R` series are not the pipeline's.
  const traffic = catalog.map((series) => result.traffic[series.infoType]);
  const sum = (key: 'batchWriteCalls' | 'itemWrites') =>
    traffic.reduce((total, counts) => total + (counts?.[key] ?? 0), 0);
  return {
    viaProxy: { before: before.viaProxy, after: after.viaProxy },
    direct: { before: before.direct, after: after.direct },
    pipelineMs,
    pipelineCalls: sum('batchWriteCalls'),
    pipelineWrites: sum('itemWrites'),
    writeRequests,
    result,
  };
}

/**
 * The two raw sides: straight to the emulator, and through the proxy the functions' calls cross (under the
 * `BENCH#R` partitions, which the proxy's per-series traffic keeps apart from the pipeline's).
 */
function rawSides(catalog: readonly SeriesDefinition[], now: Date) {
  const proxiedCatalog = renamed(catalog);
  return {
    direct: (stack: LocalStackHandle, table: string, limit?: number) =>
      rawBatchWrites({
        stack,
        endpoint: stack.endpoints.dynamoDirect,
        table,
        catalog,
        now,
        seed: SEED,
        ...(limit === undefined ? {} : { limit }),
      }),
    viaProxy: (stack: LocalStackHandle, table: string, limit?: number) =>
      rawBatchWrites({
        stack,
        endpoint: stack.endpoints.dynamo,
        table,
        catalog: proxiedCatalog,
        now,
        seed: SEED,
        ...(limit === undefined ? {} : { limit }),
      }),
  };
}

function report(measured: Measured): SectionResult {
  const { viaProxy, direct, pipelineMs, pipelineCalls, pipelineWrites, writeRequests, result } = measured;
  const items = viaProxy.before.items;
  // The headline divides by raw writes straight to the emulator, as every earlier run of this figure did:
  // the proxy's own cost is counted against the pipeline. The ratio with both sides through the proxy is
  // shown beside it (the share of the overhead that is the measuring instrument's).
  const ratio = pipelineMs / meanMs(direct);
  const ratioViaProxy = pipelineMs / meanMs(viaProxy);
  const met = ratio <= TARGET;
  const unitsPerDate = writeRequests / items;
  const unitsMet = unitsPerDate <= WRITE_UNITS_TARGET;
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const bracket = (side: Bracket) =>
    `${seconds(meanMs(side))} (${seconds(side.before.ms)} / ${seconds(side.after.ms)})`;
  const perWrite = (ms: number) => `${((ms / items) * 1000).toFixed(0)} \u00b5s`;
  const phases = ['clustering', 'scraping', 'recheck', 'waiting'] as const;
  const phaseMs = Object.fromEntries(phases.map((phase) => [phase, result.stats[`${phase}Ms`] ?? 0]));
  return {
    title: `backfill overhead: ${items.toLocaleString('en')} dates (${SERIES} daily simulated series) through the local stack vs raw BatchWriteItem`,
    rows: [
      ['pipeline: wall time (cycles only)', `${seconds(pipelineMs)}, ${result.cycles} cycle(s)`],
      ['pipeline: per phase', phases.map((phase) => `${phase} ${seconds(phaseMs[phase] ?? 0)}`).join(', ')],
      [
        'pipeline: BatchWriteItem calls / item writes',
        `${pipelineCalls} / ${pipelineWrites.toLocaleString('en')}`,
      ],
      [
        'pipeline: source requests / messages',
        `${result.totals.sourceRequests} / ${result.totals.messagesSent}`,
      ],
      ['raw through the proxy: wall time, mean of before / after the pipeline', bracket(viaProxy)],
      ['raw straight to the emulator: wall time, mean of before / after', bracket(direct)],
      [
        'raw: BatchWriteItem calls / item writes (each run)',
        `${viaProxy.before.calls} / ${items.toLocaleString('en')}`,
      ],
      [
        'time per item write: pipeline / raw through the proxy / raw direct',
        [pipelineMs, meanMs(viaProxy), meanMs(direct)].map(perWrite).join(' / '),
      ],
      ['pipeline: item writes asked of DynamoDB, all partitions (wire)', writeRequests.toLocaleString('en')],
      [
        'write units per backfilled date',
        `${unitsPerDate.toFixed(4)} ${verdict(unitsMet, `<= ${WRITE_UNITS_TARGET}`)}`,
      ],
      [
        'overhead with both sides through the proxy (the instrument discounted)',
        `${ratioViaProxy.toFixed(2)}x`,
      ],
      [
        'overhead (pipeline / raw straight to the emulator; the proxy counted against the pipeline)',
        `${ratio.toFixed(2)}x ${verdict(met, `<= ${TARGET}`)}`,
      ],
    ],
    figures: {
      overhead_vs_raw_writes: round(ratio, 2),
      overhead_vs_raw_writes_via_proxy: round(ratioViaProxy, 2),
      write_units_per_date: round(unitsPerDate, 4),
      write_requests: writeRequests,
      dates: items,
      pipeline: {
        ms: Math.round(pipelineMs),
        phases_ms: phaseMs,
        batch_write_calls: pipelineCalls,
        item_writes: pipelineWrites,
      },
      raw: { batch_write_calls: viaProxy.before.calls, item_writes: items },
      raw_via_proxy: bracketFigures(viaProxy),
      raw_direct: bracketFigures(direct),
      targets: { overhead_vs_raw_writes: TARGET, write_units_per_date: WRITE_UNITS_TARGET },
      met: { overhead_vs_raw_writes: met, write_units_per_date: unitsMet },
    },
  };
}

function bracketFigures(side: Bracket) {
  return {
    ms: Math.round(meanMs(side)),
    before_ms: Math.round(side.before.ms),
    after_ms: Math.round(side.after.ms),
  };
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
