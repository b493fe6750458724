import { daysPerMonth, hoursPerMonth } from './deployment.js';
import type { RunUsage } from './usage.js';
import { allPaths, type Counters, countersOf, fitLinear, withCounters } from './usageMath.js';

/** One measuring run of a design: a backfill of the sample over a window, then one idle scheduled cycle. */
export interface MeasuredRun {
  readonly windowDays: number;
  /** The sample's expected dates over the window (the run's `totals.expected`). */
  readonly dates: number;
  readonly backfill: RunUsage;
  /** The next run on the same table, with nothing new to fetch: one scheduled run of each function, idle. */
  readonly idle: RunUsage;
}

/** The catalog an estimate is for. */
export interface Target {
  readonly series: number;
  /** Expected dates of all its series over the backfill's years. */
  readonly dates: number;
  /** New dates a month, all series together, once the backfill is done. */
  readonly datesPerMonth: number;
}

/** Paths that are per run, not per series or per date: cold starts and the scheduled runs themselves. */
function isPerRun(path: string, scheduled: readonly string[]): boolean {
  if (path === 'hours' || path === 'scheduledInvocations') return true;
  const fn = /^lambda\.([^.]+)\.(coldStarts|initBilledMs|invocations)$/.exec(path);
  if (!fn) return false;
  return fn[2] !== 'invocations' || scheduled.includes(fn[1] ?? '');
}

/** State at the end (items and bytes stored), not activity: a month has the backfill's, not more of it. */
const statePaths = /^(dynamodb\.(items|itemBytes|indexEntries|indexBytes)|s3\.storedBytes)$/;

/**
 * The backfill of the target from two measured backfills of the sample (`small`, `large`: the same series
 * over two windows): each counter fitted as per series plus per date and evaluated at the target's series
 * and dates; per-run counters (cold starts, INIT, the scheduled runs) kept as the larger run measured them.
 */
export function scaleBackfill(
  small: MeasuredRun,
  large: MeasuredRun,
  sampleSeries: number,
  target: Target,
  scheduled: readonly string[],
): RunUsage {
  const a = countersOf(small.backfill);
  const b = countersOf(large.backfill);
  const scaled: Counters = new Map();
  for (const path of allPaths(small.backfill, large.backfill)) {
    const measured = b.get(path) ?? 0;
    if (isPerRun(path, scheduled)) {
      scaled.set(path, measured);
      continue;
    }
    const fit = fitLinear(
      { value: a.get(path) ?? 0, dates: small.dates },
      { value: measured, dates: large.dates },
      sampleSeries,
    );
    scaled.set(path, target.series * fit.perUnit + target.dates * fit.perDate);
  }
  return withCounters(large.backfill, scaled);
}

/**
 * A month of steady state for the target after its backfill:
 * - each new date is one stream of one date: priced with the backfill's per-series and per-date fits (the
 *   non-scheduled functions start cold once a day at most);
 * - each scheduled run of each function is one idle run as measured, its work scaled to the target's
 *   series and stored dates by the two idle runs (`fixedRuns`: functions whose idle run does not depend on
 *   the catalog, like retry_recheck reading its sharded index), cold each time;
 * - storage is the backfill's (the month adds a few dates to it);
 * - every metric the runs published is published all month.
 */
export function scaleMonth(
  small: MeasuredRun,
  large: MeasuredRun,
  sampleSeries: number,
  target: Target,
  schedule: Readonly<Record<string, number>>,
  fixedRuns: readonly string[],
  backfill: RunUsage,
): RunUsage {
  const scheduled = Object.keys(schedule);
  const a = countersOf(small.backfill);
  const b = countersOf(large.backfill);
  const month: Counters = new Map();
  const add = (path: string, value: number) => month.set(path, (month.get(path) ?? 0) + value);
  for (const path of allPaths(small.backfill, large.backfill)) {
    if (isPerRun(path, scheduled) || statePaths.test(path)) continue;
    const fit = fitLinear(
      { value: a.get(path) ?? 0, dates: small.dates },
      { value: b.get(path) ?? 0, dates: large.dates },
      sampleSeries,
    );
    add(path, target.datesPerMonth * (fit.perUnit + fit.perDate));
  }
  for (const [fn, usage] of Object.entries(large.backfill.lambda)) {
    if (scheduled.includes(fn)) continue;
    const invocations = month.get(`lambda.${fn}.invocations`) ?? 0;
    const colds = Math.min(invocations, daysPerMonth);
    add(`lambda.${fn}.coldStarts`, colds);
    add(
      `lambda.${fn}.initBilledMs`,
      colds * (usage.coldStarts > 0 ? usage.initBilledMs / usage.coldStarts : 0),
    );
  }
  for (const [fn, runs] of Object.entries(schedule))
    addScheduledRuns(add, fn, runs, { small, large, sampleSeries, target, fixed: fixedRuns.includes(fn) });
  const base = countersOf(backfill);
  for (const [path, value] of base) if (statePaths.test(path)) month.set(path, value);
  month.set(
    'scheduledInvocations',
    Object.values(schedule).reduce((sum, runs) => sum + runs, 0),
  );
  month.set('hours', hoursPerMonth);
  const metrics = [...new Set([...large.backfill.metrics.distinct, ...large.idle.metrics.distinct])].sort();
  return {
    ...withCounters(large.backfill, month),
    metrics: { distinct: metrics, metricHours: metricHours(metrics, schedule) },
  };
}

/**
 * Hours a month each metric has data, summed: a metric of a scheduled function has data in the hours its
 * runs fall in (at most every hour), any other (the scraper's) on the days new dates arrive.
 */
export function metricHours(metrics: readonly string[], schedule: Readonly<Record<string, number>>): number {
  return metrics.reduce((sum, id) => {
    const fn = /\|service=([^|]+)/.exec(id)?.[1] ?? '';
    return sum + Math.min(hoursPerMonth, schedule[fn] ?? daysPerMonth);
  }, 0);
}

interface ScheduledFit {
  readonly small: MeasuredRun;
  readonly large: MeasuredRun;
  readonly sampleSeries: number;
  readonly target: Target;
  readonly fixed: boolean;
}

/** Adds `runs` idle runs of `fn` a month, each as measured and scaled, with their DynamoDB and SQS units. */
function addScheduledRuns(
  add: (path: string, value: number) => void,
  fn: string,
  runs: number,
  fit: ScheduledFit,
): void {
  const perRun = (usage: RunUsage, path: string) => {
    const invocations = usage.lambda[fn]?.invocations ?? 0;
    return invocations === 0 ? 0 : (countersOf(usage).get(path) ?? 0) / invocations;
  };
  // Whether the idle run's work grows with the dates stored: its reads tell (the naive design reads whole
  // partitions; the pipeline reads from its watermarks). Durations and log bytes then follow the reads' shape,
  // so that timing noise between two short runs is not extrapolated to years of dates.
  const readsGrow = grows(fit, perRun, `dynamodb.byFunction.${fn}.readUnits`);
  const scaled = (path: string, withDates = true) => {
    const large = perRun(fit.large.idle, path);
    if (fit.fixed) return large;
    const small = withDates ? perRun(fit.small.idle, path) : large;
    const dates = withDates ? fit.small.dates : fit.large.dates;
    const line = fitLinear(
      { value: small, dates },
      { value: large, dates: fit.large.dates },
      fit.sampleSeries,
    );
    return fit.target.series * line.perUnit + fit.target.dates * line.perDate;
  };
  add(`lambda.${fn}.invocations`, runs);
  add(`lambda.${fn}.coldStarts`, runs);
  add(`lambda.${fn}.initBilledMs`, runs * perColdStart(fit.large.idle, fn));
  for (const field of ['billedMs', 'logBytes']) {
    add(`lambda.${fn}.${field}`, runs * scaled(`lambda.${fn}.${field}`, readsGrow));
  }
  const reads = runs * scaled(`dynamodb.byFunction.${fn}.readUnits`);
  const writes = runs * scaled(`dynamodb.byFunction.${fn}.writeUnits`);
  const messages = runs * scaled(`sqs.byFunction.${fn}.billedRequests`);
  add(`dynamodb.byFunction.${fn}.readUnits`, reads);
  add('dynamodb.readUnits', reads);
  add(`dynamodb.byFunction.${fn}.writeUnits`, writes);
  add('dynamodb.writeUnits', writes);
  add(`sqs.byFunction.${fn}.billedRequests`, messages);
  add('sqs.billedRequests', messages);
}

/** Whether a per-run counter of the idle runs grew with the dates stored (by more than a tenth). */
function grows(fit: ScheduledFit, perRun: (usage: RunUsage, path: string) => number, path: string): boolean {
  const small = perRun(fit.small.idle, path);
  const large = perRun(fit.large.idle, path);
  return large > small * 1.1;
}

function perColdStart(usage: RunUsage, fn: string): number {
  const measured = usage.lambda[fn];
  return measured && measured.coldStarts > 0 ? measured.initBilledMs / measured.coldStarts : 0;
}
