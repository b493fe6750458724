import {
  calendarFor,
  describeError,
  encodeMessage,
  maxDatesPerMessage,
  formatIsoDate,
  lastExpectedDay,
  type Day,
  findGaps,
  type Lease,
  mapConcurrently,
  type SeriesDefinition,
  type SeriesStore,
  toStreams,
  MetricName,
  type Telemetry,
  type WorkQueue,
} from '@gapless/pipeline-core';

/** `routine` reads from each series' watermark on; `audit` re-reads every series from its start. */
export type ClusteringMode = 'routine' | 'audit';

/**
 * Series clustered at once. Each series is a chain of awaited calls (one Query in a steady state), so a few
 * in flight hide the round trips; more would only pile calls onto the table at the same moment.
 */
export const CLUSTERING_CONCURRENCY = 8;

export interface ClusteringDeps {
  readonly catalog: readonly SeriesDefinition[];
  readonly store: SeriesStore;
  readonly queue: WorkQueue;
  /** The widest window one source request may span for a series, in days. */
  readonly maxWindowDays: (series: SeriesDefinition) => number;
  readonly maxMessageBytes: number;
  /** How long a lease may wait for its message's first delivery before retry_recheck sends it again. */
  readonly pendingTimeoutMs: number;
  readonly now: () => Date;
  readonly telemetry: Telemetry;
  /** A new lease id (default `crypto.randomUUID()`); tests pass a counter. */
  readonly newLeaseId?: () => string;
  /** Series clustered at once (default {@link CLUSTERING_CONCURRENCY}). */
  readonly concurrency?: number;
}

/** What one series contributed to a run. */
export interface SeriesClusteringResult {
  readonly infoType: string;
  readonly gaps: number;
  readonly messages: number;
  /** Dates whose lease could not be opened; a later run finds them again. */
  readonly deferred: number;
  readonly error?: string;
}

/** What one series' clustering found, and where its watermark goes (undefined: it stays). */
interface SeriesOutcome {
  readonly result: SeriesClusteringResult;
  readonly watermark?: Day;
}

/**
 * One scheduled run: for every series, find the dates with no item and no live lease, open one lease per
 * continuous stream and enqueue the stream's message under it. A routine run reads every watermark in one
 * call first and writes the ones that moved in batches at the end, so a series in a steady state costs one
 * Query. Series run {@link CLUSTERING_CONCURRENCY} at a time and are independent: one failing does not stop
 * the others, and the run reports it at the end, in catalog order.
 */
export async function runClustering(
  deps: ClusteringDeps,
  mode: ClusteringMode,
): Promise<SeriesClusteringResult[]> {
  let watermarks: ReadonlyMap<string, Day> = new Map();
  if (mode === 'routine') {
    try {
      watermarks = await deps.store.readWatermarks();
    } catch (error) {
      // Without its watermark a series would be read from its start: the run fails instead, every series
      // reported, and the next run (or the schedule's retry) reads them as usual.
      const message = describeError(error);
      deps.telemetry.logger.error('watermarks not read; no series clustered', { error: message });
      return deps.catalog.map((series) => failed(series, message));
    }
  }
  const outcomes = await mapConcurrently(
    deps.catalog,
    deps.concurrency ?? CLUSTERING_CONCURRENCY,
    async (series): Promise<SeriesOutcome> => {
      try {
        return await clusterSeries(deps, series, mode, watermarks.get(series.infoType));
      } catch (error) {
        const message = describeError(error);
        deps.telemetry.logger.error('series failed', { series: series.infoType, error: message });
        return { result: failed(series, message) };
      }
    },
  );
  await writeMovedWatermarks(deps, outcomes);
  return outcomes.map((outcome) => outcome.result);
}

function failed(series: SeriesDefinition, error: string): SeriesClusteringResult {
  return { infoType: series.infoType, gaps: 0, messages: 0, deferred: 0, error };
}

/**
 * Writes the watermarks that moved. One not written only costs the next run a longer read from the old one
 * (never a missed date), so it is logged, not counted as a failed series.
 */
async function writeMovedWatermarks(deps: ClusteringDeps, outcomes: readonly SeriesOutcome[]): Promise<void> {
  const moved = new Map<string, Day>();
  for (const { result, watermark } of outcomes)
    if (watermark !== undefined) moved.set(result.infoType, watermark);
  if (moved.size === 0) return;
  try {
    const { unwritten } = await deps.store.writeWatermarks(moved);
    if (unwritten.length === 0) return;
    deps.telemetry.logger.warn('watermarks not written; the next run reads from the previous ones', {
      series: unwritten.join(' '),
    });
  } catch (error) {
    deps.telemetry.logger.error('watermarks not written; the next run reads from the previous ones', {
      series: [...moved.keys()].join(' '),
      error: describeError(error),
    });
  }
}

/** A series' work as read from the table: its missing dates, those not in flight, and their streams. */
export interface SeriesWork {
  readonly from: Day;
  readonly end: Day;
  /** Dates with no item, ascending. */
  readonly missing: Int32Array;
  /** The missing dates under no live lease: new work. */
  readonly gaps: Int32Array;
  /** `gaps` cut into continuous streams, one message each. */
  readonly streams: readonly Int32Array[];
}

/**
 * Reads what a series needs, writing nothing: its partition from the watermark on (`undefined`: from its
 * start), and its leases only when some date has no item (never in a steady state). Undefined when no
 * date is due after the watermark.
 */
export async function findSeriesWork(
  deps: Pick<ClusteringDeps, 'store' | 'maxWindowDays' | 'maxMessageBytes' | 'now'>,
  series: SeriesDefinition,
  watermark: Day | undefined,
): Promise<SeriesWork | undefined> {
  const end = lastExpectedDay(series, deps.now());
  const from = Math.max(series.start, watermark === undefined ? series.start : watermark + 1);
  if (from > end) return undefined;
  const calendar = calendarFor(series.calendar);
  const present = await deps.store.presentDays(series.infoType, from);
  // Dates without an item; those under a live lease are in flight already, the rest is new work.
  const missing = findGaps(calendar, from, end, present);
  const gaps =
    missing.length === 0 ? missing : withoutLeased(missing, await deps.store.listLeases(series.infoType));
  const streams = toStreams(gaps, calendar, {
    maxSpanDays: deps.maxWindowDays(series),
    maxDatesPerStream: maxDatesPerMessage(deps.maxMessageBytes, series.infoType),
  });
  return { from, end, missing, gaps, streams };
}

async function clusterSeries(
  deps: ClusteringDeps,
  series: SeriesDefinition,
  mode: ClusteringMode,
  watermark: Day | undefined,
): Promise<SeriesOutcome> {
  const { store, telemetry } = deps;
  const now = deps.now();
  const work = await findSeriesWork(deps, series, watermark);
  if (work === undefined) return { result: { infoType: series.infoType, gaps: 0, messages: 0, deferred: 0 } };
  const { from, end, missing, gaps, streams } = work;
  telemetry.metrics.addMetric(MetricName.GapsFound, 'Count', gaps.length);

  // One lease per stream before its message: the stream's dates then count as present (a second run enqueues
  // nothing), and a lost message leaves a lease that comes due on the retry-due index.
  const leaseDue = new Date(now.getTime() + deps.pendingTimeoutMs).toISOString();
  const newLeaseId = deps.newLeaseId ?? (() => crypto.randomUUID());
  const bodies: string[] = [];
  let deferred = 0;
  for (const days of streams) {
    const first = days[0] as Day;
    const lease = { infoType: series.infoType, id: newLeaseId(), first, last: days[days.length - 1] as Day };
    if (!(await store.openLease({ ...lease, retryDue: leaseDue }))) {
      deferred += days.length;
      telemetry.logger.warn('a lease starting on this date exists already; its dates wait for the next run', {
        series: series.infoType,
        first: formatIsoDate(first),
      });
      continue;
    }
    bodies.push(
      encodeMessage({
        partitionKey: series.infoType,
        days,
        reason: 'gap',
        attempt: 0,
        lease: { first, id: lease.id },
      }),
    );
  }
  const sent = bodies.length > 0 ? await deps.queue.sendBodies(bodies) : { sent: 0, calls: 0, failed: [] };
  telemetry.metrics.addMetric(MetricName.MessagesSent, 'Count', sent.sent);
  for (const failure of sent.failed) {
    // The lease stays: retry_recheck sends its message again once the lease is due.
    telemetry.logger.warn('message not sent; its lease stays for retry_recheck', {
      series: series.infoType,
      error: failure.error,
    });
  }

  // The watermark never passes a date without an item: dates in flight are read again until they land. It
  // may go down (an audit found a hole behind it), even to the day before the series' start.
  const through = missing.length === 0 ? end : (missing[0] as Day) - 1;
  telemetry.logger.info('series clustered', {
    series: series.infoType,
    mode,
    from: formatIsoDate(from),
    to: formatIsoDate(end),
    gaps: gaps.length,
    messages: sent.sent,
    watermark: formatIsoDate(through),
  });
  return {
    result: { infoType: series.infoType, gaps: gaps.length, messages: sent.sent, deferred },
    ...(through === watermark ? {} : { watermark: through }),
  };
}

/** The dates not covered by any lease (a lease covers the calendar dates from its first to its last). */
function withoutLeased(days: Int32Array, leases: readonly Lease[]): Int32Array {
  if (leases.length === 0) return days;
  return days.filter((day) => !leases.some((lease) => day >= lease.first && day <= lease.last));
}
