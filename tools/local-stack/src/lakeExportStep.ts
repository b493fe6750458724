import { LocalStackError } from './errors.js';
import type { LambdaRunner } from './lambdaRunner.js';
import type { LocalStack } from './localStack.js';
import { scheduledEvent } from './runCycles.js';

/** lake_export's default `LAKE_PREFIX` (the local stack does not set it). */
export const lakePrefix = 'lake/';

/** One series as lake_export reports it. */
export interface LakeSeriesExport {
  infoType: string;
  partitionsWritten: number;
  partitionsUnchanged: number;
  rows: number;
  bytesWritten: number;
  /** The objects written, in the lake bucket. */
  keys: string[];
}

/** The lake export at the end of a run: lake_export's report, summed. */
export interface LakeExportSummary {
  bucket: string;
  prefix: string;
  partitionsWritten: number;
  partitionsUnchanged: number;
  bytesWritten: number;
  /** Rows in the partitions written. */
  rows: number;
  series: LakeSeriesExport[];
  /** Set when the invocation failed or answered something else than its report; the figures are then 0. */
  error?: string;
}

/** What the export needs of a running stack. */
export interface LakeExportTarget {
  readonly region: string;
  readonly lakeBucket: string;
  readonly lakeExport: Pick<LambdaRunner, 'invoke'>;
}

/**
 * Invokes lake_export once with the scheduled event its daily rule sends, and reads its report. A failure
 * does not fail the run (the pipeline's results stand): it is returned in `error`.
 */
export async function runLakeExport(target: LakeExportTarget): Promise<LakeExportSummary> {
  const empty = { bucket: target.lakeBucket, prefix: lakePrefix, series: [] };
  let reply: unknown;
  try {
    reply = await target.lakeExport.invoke(scheduledEvent(target.region, 'lake_export'));
  } catch (error) {
    return { ...empty, ...zeros, error: error instanceof Error ? error.message : String(error) };
  }
  const series = readSeries(reply);
  if (typeof series === 'string') {
    return {
      ...empty,
      ...zeros,
      error: `lake_export answered ${series}: ${JSON.stringify(reply)?.slice(0, 300)}`,
    };
  }
  const sum = (name: 'partitionsWritten' | 'partitionsUnchanged' | 'bytesWritten' | 'rows') =>
    series.reduce((total, entry) => total + entry[name], 0);
  return {
    ...empty,
    partitionsWritten: sum('partitionsWritten'),
    partitionsUnchanged: sum('partitionsUnchanged'),
    bytesWritten: sum('bytesWritten'),
    rows: sum('rows'),
    series,
  };
}

/** {@link runLakeExport} with a running stack's lake bucket and lake_export. */
export async function exportStackLake(
  stack: Pick<LocalStack, 'region' | 'buckets' | 'functions'>,
): Promise<LakeExportSummary> {
  const lakeExport = stack.functions.lake_export;
  if (lakeExport === undefined) throw new LocalStackError('lake_export was not started: cannot export');
  return runLakeExport({ region: stack.region, lakeBucket: stack.buckets.lake, lakeExport });
}

const zeros = { partitionsWritten: 0, partitionsUnchanged: 0, bytesWritten: 0, rows: 0 };

/** The report's `series`, checked entry by entry; a string says what was wrong. */
function readSeries(reply: unknown): LakeSeriesExport[] | string {
  const entries = (reply as { series?: unknown } | null)?.series;
  if (!Array.isArray(entries)) return 'no series list';
  const series: LakeSeriesExport[] = [];
  for (const entry of entries as Record<string, unknown>[]) {
    const numbers = ['partitionsWritten', 'partitionsUnchanged', 'rows', 'bytesWritten'] as const;
    const missing = numbers.filter((name) => typeof entry?.[name] !== 'number');
    const keys = entry?.keys;
    if (typeof entry?.infoType !== 'string' || missing.length > 0 || !Array.isArray(keys)) {
      return `a series entry without infoType, keys or ${numbers.join('/')}`;
    }
    series.push({
      infoType: entry.infoType,
      partitionsWritten: entry.partitionsWritten as number,
      partitionsUnchanged: entry.partitionsUnchanged as number,
      rows: entry.rows as number,
      bytesWritten: entry.bytesWritten as number,
      keys: keys.map(String),
    });
  }
  return series;
}
