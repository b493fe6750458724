import { formatIsoDate, todayUtc } from '@gapless/pipeline-core';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CostEstimate } from './costEstimate.js';
import { daysPerMonth, type Deployment } from './deployment.js';
import { MeasurementError } from './errors.js';
import type { LocalRunner } from './localRun.js';
import type { PriceTable } from './priceTable.js';
import { priceUsage } from './priceUsage.js';
import { type MeasuredRun, scaleBackfill, scaleMonth, type Target } from './scaleUsage.js';
import { catalogChoice, targetOf } from './targetCatalog.js';
import type { RunUsage } from './usage.js';
import { withoutFunctions } from './withoutFunctions.js';

export interface EstimateOptions {
  /** Series of the target catalog (like the sample's); absent: the catalog file's own series. */
  readonly series?: number;
  readonly years: number;
  readonly catalogFile?: string;
  /** Series of the catalog the measuring runs use (the first ones). */
  readonly sampleSeries: number;
  /** The shorter measuring window, in days; the longer one is twice it. */
  readonly windowDays: number;
  readonly prices: PriceTable;
  readonly deployment: Deployment;
  /** The pipeline's zips, and where the naive design's are (built by the caller, see naiveBundle.ts). */
  readonly distDir: string;
  readonly naiveDistDir: string;
  readonly workDir: string;
  readonly runner: LocalRunner;
  readonly progress: (line: string) => void;
  readonly now: Date;
}

/** One design's estimate: the backfill and a month after it, priced, with the usage they were priced from. */
export interface DesignEstimate {
  readonly backfill_usd: number;
  readonly monthly_usd: number;
  readonly backfill: CostEstimate;
  readonly monthly: CostEstimate;
  readonly usage: { readonly backfill: RunUsage; readonly monthly: RunUsage };
  /** The measuring runs: each window's backfill and idle run, as the local stack counted them. */
  readonly measured: readonly { window_days: number; dates: number; backfill: RunUsage; idle: RunUsage }[];
}

export interface EstimateDocument {
  readonly region: string;
  readonly currency: 'USD';
  readonly target: Target & { readonly years: number; readonly catalog: string };
  readonly backfill_usd: number;
  readonly monthly_usd: number;
  readonly naive: DesignEstimate;
  readonly ours: DesignEstimate;
  /** Ours over naive for the same backfill. */
  readonly backfill_ratio_to_naive: number | null;
  readonly sample: { readonly series: readonly string[]; readonly window_days: readonly number[] };
  readonly assumptions: readonly string[];
  readonly notes: readonly string[];
}

/** The pipeline's functions the naive design does not have (its recheck is a no-op; it has no lake). */
const notInNaive = ['retry_recheck', 'lake_export', 'csv_ingest'];

/**
 * Measures both designs on the same sample and windows through the local stack (a backfill and an idle run
 * per window), scales each to the target, and prices both with the same model.
 */
export async function estimateCost(options: EstimateOptions): Promise<EstimateDocument> {
  const choice = catalogChoice(options.catalogFile);
  const sampleCount = Math.min(options.sampleSeries, choice.series.length);
  const sample = choice.series.slice(0, sampleCount);
  const target = targetOf(choice, sample, options.series, options.years, options.now);
  await mkdir(options.workDir, { recursive: true });
  const catalogFile = join(options.workDir, 'sample-catalog.json');
  await writeFile(catalogFile, JSON.stringify(choice.entries.slice(0, sampleCount)));
  const windows = [options.windowDays, options.windowDays * 2];
  const measure = async (design: 'ours' | 'naive', distDir: string): Promise<MeasuredRun[]> => {
    const runs: MeasuredRun[] = [];
    for (const days of windows) {
      const from = formatIsoDate(todayUtc(options.now) - days);
      const dataDir = join(options.workDir, `${design}-${days}d`);
      const request = { catalogFile, from, distDir, dataDir, workDir: dataDir };
      options.progress(`measuring ${design}: ${sampleCount} series from ${from}, backfill then an idle run`);
      const backfill = await options.runner(request);
      if (!backfill.converged || backfill.ok !== backfill.expected) {
        throw new MeasurementError(
          `${design} over ${days} days stored ${backfill.ok} of ${backfill.expected} dates (converged: ${backfill.converged})`,
        );
      }
      const idle = await options.runner(request);
      const keep = (usage: RunUsage) => (design === 'naive' ? withoutFunctions(usage, notInNaive) : usage);
      runs.push({
        windowDays: days,
        dates: backfill.expected,
        backfill: keep(backfill.usage),
        idle: keep(idle.usage),
      });
    }
    return runs;
  };
  const oursRuns = await measure('ours', options.distDir);
  const naiveRuns = await measure('naive', options.naiveDistDir);
  const ours = designEstimate(
    oursRuns,
    sampleCount,
    target,
    options,
    options.deployment.scheduledRunsPerMonth,
    ['retry_recheck'],
  );
  const naive = designEstimate(
    naiveRuns,
    sampleCount,
    target,
    options,
    { data_clustering: daysPerMonth },
    [],
  );
  return {
    region: options.prices.region,
    currency: 'USD',
    target: {
      ...target,
      years: options.years,
      catalog: options.catalogFile ?? `${choice.origin} (built-in)`,
    },
    backfill_usd: ours.backfill_usd,
    monthly_usd: ours.monthly_usd,
    naive,
    ours,
    backfill_ratio_to_naive: naive.backfill_usd > 0 ? round(ours.backfill_usd / naive.backfill_usd, 4) : null,
    sample: { series: sample.map((series) => series.infoType), window_days: windows },
    assumptions: assumptions(options, sampleCount, target),
    notes: [...ours.backfill.notes],
  };
}

function designEstimate(
  runs: readonly MeasuredRun[],
  sampleCount: number,
  target: Target,
  options: EstimateOptions,
  schedule: Readonly<Record<string, number>>,
  fixedRuns: readonly string[],
): DesignEstimate {
  const [small, large] = runs as [MeasuredRun, MeasuredRun];
  const backfill = scaleBackfill(small, large, sampleCount, target, Object.keys(schedule));
  const monthly = scaleMonth(small, large, sampleCount, target, schedule, fixedRuns, backfill);
  const backfillCost = priceUsage(backfill, options.prices, options.deployment);
  const monthlyCost = priceUsage(monthly, options.prices, options.deployment);
  return {
    backfill_usd: backfillCost.total_usd,
    monthly_usd: monthlyCost.total_usd,
    backfill: backfillCost,
    monthly: monthlyCost,
    usage: { backfill, monthly },
    measured: runs.map((run) => ({
      window_days: run.windowDays,
      dates: run.dates,
      backfill: run.backfill,
      idle: run.idle,
    })),
  };
}

function assumptions(options: EstimateOptions, sampleCount: number, target: Target): string[] {
  return [
    `Measured, not modelled: each design ran through the local stack on the first ${sampleCount} series of the ` +
      `catalog over ${options.windowDays} and ${options.windowDays * 2} days up to today (a backfill, then one ` +
      'idle scheduled run on the same table); every counter was fitted as per series plus per date from the ' +
      `two windows and evaluated at ${target.series} series and ${Math.round(target.dates).toLocaleString('en')} dates.`,
    "Per run, not scaled: cold starts, INIT phases and the scheduled functions' invocations of the backfill.",
    'The naive design: one message per missing date (sent ten to a SendMessageBatch call), one source request ' +
      'and one PutItem of the same item per date, a gap finder that reads each whole partition every day; no ' +
      'streams, leases, watermark, retry path or lake. Its recheck and the lake export the local stack runs are ' +
      'left out of its usage.',
    `A month: ${Math.round(target.datesPerMonth).toLocaleString('en')} new dates, each its own stream of one date, ` +
      "priced with the backfill's fits; the scheduled runs of the deployment (ours: gap finding daily plus the " +
      'weekly audit, recheck every 30 minutes, lake export daily; naive: gap finding daily) each priced as the ' +
      'measured idle run scaled to the catalog, cold every time; the weekly audit priced as a routine run.',
    'Storage for the month: the table, logs and lake as the backfill leaves them.',
  ];
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
