import {
  describeError,
  mapConcurrently,
  nextMarker,
  partitionKey,
  planPartitions,
  type ExportMarker,
  type LakeBucket,
  type LakeRow,
  type LakeTable,
  type PartitionPlan,
  type PipelineLogger,
} from '@gapless/pipeline-core';
import type { ExportRequest } from './exportRequest.js';

/** What the service works with; the handler builds it once, at init. */
export interface LakeExportDeps {
  readonly table: LakeTable;
  readonly bucket: LakeBucket;
  /** Where the lake starts in the bucket (ends with `/`). */
  readonly prefix: string;
  /** One partition's rows as the bytes of its file. */
  readonly encode: (rows: readonly LakeRow[]) => Uint8Array;
  readonly logger: PipelineLogger;
  /** Series read and written at once (default 4). */
  readonly seriesConcurrency?: number;
  /** PUTs in flight per series (default 4). */
  readonly putConcurrency?: number;
}

/** What a run did for one series (in a plan: what it would do). */
export interface SeriesExportResult {
  readonly infoType: string;
  readonly partitionsWritten: number;
  readonly partitionsUnchanged: number;
  /** Rows in the files written. */
  readonly rows: number;
  readonly bytesWritten: number;
  /** The keys written, years ascending. */
  readonly keys: string[];
  /** Why the series (or some of its partitions) failed; its other partitions were still written. */
  readonly error?: string;
}

/** What a run returns: per series, and the totals. A plan says `mode: "plan"` and wrote nothing. */
export interface LakeExportReport {
  readonly series: SeriesExportResult[];
  readonly partitionsWritten: number;
  readonly bytesWritten: number;
  readonly mode?: 'plan';
}

/** What one partition's write came to. */
interface Written {
  readonly plan: PartitionPlan;
  readonly key: string;
  readonly bytes: number;
  readonly error?: unknown;
}

/**
 * Exports the requested series to the lake: reads every marker (one Query), then per series (a few at
 * once) reads its items (one paginated Query), groups the exported rows by year, and writes the file of
 * each partition whose fingerprint differs from the marker's (every one when `full`). The series' marker is
 * written after its PUTs, holding the new fingerprint only of the partitions whose PUT succeeded, so a
 * failed PUT is retried by the next run. A series that fails is reported with its error and the others go
 * on. A plan reads and encodes the same way, and writes nothing.
 */
export async function exportLake(deps: LakeExportDeps, request: ExportRequest): Promise<LakeExportReport> {
  const markers = await deps.table.readExportMarkers();
  const series = await mapConcurrently(request.series, deps.seriesConcurrency ?? 4, (infoType) =>
    exportSeries(deps, request, infoType, markers.get(infoType)),
  );
  return {
    series,
    partitionsWritten: series.reduce((sum, one) => sum + one.partitionsWritten, 0),
    bytesWritten: series.reduce((sum, one) => sum + one.bytesWritten, 0),
    ...(request.plan ? { mode: 'plan' as const } : {}),
  };
}

async function exportSeries(
  deps: LakeExportDeps,
  request: ExportRequest,
  infoType: string,
  marker: ExportMarker | undefined,
): Promise<SeriesExportResult> {
  let plans: PartitionPlan[];
  try {
    plans = planPartitions(await deps.table.readSeriesRows(infoType), marker, request.full);
  } catch (error) {
    return failed(deps, infoType, `reading the series: ${describeError(error)}`);
  }
  const changed = plans.filter((plan) => plan.changed);
  const outcomes = await mapConcurrently(changed, deps.putConcurrency ?? 4, (plan) =>
    writePartition(deps, request, infoType, plan),
  );
  const written = outcomes.filter((outcome) => outcome.error === undefined);
  const errors = outcomes.filter((outcome) => outcome.error !== undefined);
  const problems = errors.map(({ plan, error }) => `year ${plan.year}: ${describeError(error)}`);
  if (!request.plan && written.length > 0) {
    const years = new Set(written.map((outcome) => outcome.plan.year));
    try {
      await deps.table.writeExportMarker(infoType, nextMarker(marker, plans, years));
    } catch (error) {
      // The files are written; without the marker the next run only writes them again.
      problems.push(`writing the marker: ${describeError(error)}`);
    }
  }
  const result: SeriesExportResult = {
    infoType,
    partitionsWritten: written.length,
    partitionsUnchanged: plans.length - changed.length,
    rows: written.reduce((sum, outcome) => sum + outcome.plan.rows.length, 0),
    bytesWritten: written.reduce((sum, outcome) => sum + outcome.bytes, 0),
    keys: written.map((outcome) => outcome.key),
    ...(problems.length > 0 ? { error: problems.join('; ') } : {}),
  };
  // The keys are in the result; the log line names the years, which say the same in less.
  const { keys: _keys, ...logged } = result;
  const years = written.map((outcome) => outcome.plan.year);
  if (result.error === undefined) {
    deps.logger.info(request.plan ? 'series planned' : 'series exported', { ...logged, years });
  } else {
    deps.logger.error('series export failed', { ...logged, years });
  }
  return result;
}

async function writePartition(
  deps: LakeExportDeps,
  request: ExportRequest,
  infoType: string,
  plan: PartitionPlan,
): Promise<Written> {
  const key = partitionKey(deps.prefix, infoType, plan.year);
  try {
    const body = deps.encode(plan.rows);
    if (!request.plan) await deps.bucket.putFile(key, body);
    return { plan, key, bytes: body.byteLength };
  } catch (error) {
    return { plan, key, bytes: 0, error };
  }
}

function failed(deps: LakeExportDeps, infoType: string, error: string): SeriesExportResult {
  deps.logger.error('series export failed', { infoType, error });
  return {
    infoType,
    partitionsWritten: 0,
    partitionsUnchanged: 0,
    rows: 0,
    bytesWritten: 0,
    keys: [],
    error,
  };
}
