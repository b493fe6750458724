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
  type SeriesDefinition,
  type SeriesStore,
  toStreams,
  MetricName,
  type Telemetry,
  type WorkQueue,
} from '@gapless/pipeline-core';

/** `routine` reads from each series' watermark on; `audit` re-reads every series from its start. */
export type ClusteringMode = 'routine' | 'audit';

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

/**
 * One scheduled run: for every series, find the dates with no item and no live lease, open one lease per
 * continuous stream and enqueue the stream's message under it. Series are independent: one failing does
 * not stop the others, and the run reports it at the end.
 */
export async function runClustering(
  deps: ClusteringDeps,
  mode: ClusteringMode,
): Promise<SeriesClusteringResult[]> {
  const results: SeriesClusteringResult[] = [];
  for (const series of deps.catalog) {
    try {
      results.push(await clusterSeries(deps, series, mode));
    } catch (error) {
      const message = describeError(error);
      deps.telemetry.logger.error('series failed', { series: series.infoType, error: message });
      results.push({ infoType: series.infoType, gaps: 0, messages: 0, deferred: 0, error: message });
    }
  }
  return results;
}

async function clusterSeries(
  deps: ClusteringDeps,
  series: SeriesDefinition,
  mode: ClusteringMode,
): Promise<SeriesClusteringResult> {
  const { store, telemetry } = deps;
  const now = deps.now();
  const end = lastExpectedDay(series, now);
  const watermark = mode === 'routine' ? await store.readWatermark(series.infoType) : undefined;
  const from = Math.max(series.start, watermark === undefined ? series.start : watermark + 1);
  if (from > end) return { infoType: series.infoType, gaps: 0, messages: 0, deferred: 0 };

  const calendar = calendarFor(series.calendar);
  const present = await store.presentDays(series.infoType, from);
  // Dates without an item; those under a live lease are in flight already, the rest is new work.
  const missing = findGaps(calendar, from, end, present);
  // The leases are read only when some date has no item (never in a steady state).
  const gaps =
    missing.length === 0 ? missing : withoutLeased(missing, await store.listLeases(series.infoType));
  telemetry.metrics.addMetric(MetricName.GapsFound, 'Count', gaps.length);

  const streams = toStreams(gaps, calendar, {
    maxSpanDays: deps.maxWindowDays(series),
    maxDatesPerStream: maxDatesPerMessage(deps.maxMessageBytes, series.infoType),
  });
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
  if (through !== watermark) await store.writeWatermark(series.infoType, through);
  telemetry.logger.info('series clustered', {
    series: series.infoType,
    mode,
    from: formatIsoDate(from),
    to: formatIsoDate(end),
    gaps: gaps.length,
    messages: sent.sent,
    watermark: formatIsoDate(through),
  });
  return { infoType: series.infoType, gaps: gaps.length, messages: sent.sent, deferred };
}

/** The dates not covered by any lease (a lease covers the calendar dates from its first to its last). */
function withoutLeased(days: Int32Array, leases: readonly Lease[]): Int32Array {
  if (leases.length === 0) return days;
  return days.filter((day) => !leases.some((lease) => day >= lease.first && day <= lease.last));
}
