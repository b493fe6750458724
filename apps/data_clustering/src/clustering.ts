import {
  calendarFor,
  describeError,
  encodeMessage,
  maxDatesPerMessage,
  formatIsoDate,
  todayUtc,
  type Day,
  findGaps,
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
  /** How long a PENDING placeholder may wait for its message before retry_recheck re-enqueues it. */
  readonly pendingTimeoutMs: number;
  readonly now: () => Date;
  readonly telemetry: Telemetry;
}

/** What one series contributed to a run. */
export interface SeriesClusteringResult {
  readonly infoType: string;
  readonly gaps: number;
  readonly messages: number;
  /** Dates whose placeholder or message could not be written; they are found again by a later run. */
  readonly deferred: number;
  readonly error?: string;
}

/**
 * One scheduled run: for every series, find the dates with no item, mark them PENDING, and enqueue one
 * message per continuous stream. Series are independent: one failing does not stop the others, and the
 * run reports it at the end.
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
  const end = todayUtc(now) - series.publicationLagDays;
  const watermark = mode === 'routine' ? await store.readWatermark(series.infoType) : undefined;
  const from = Math.max(series.start, watermark === undefined ? series.start : watermark + 1);
  if (from > end) return { infoType: series.infoType, gaps: 0, messages: 0, deferred: 0 };

  const calendar = calendarFor(series.calendar);
  const present = await store.presentDays(series.infoType, from);
  const gaps = findGaps(calendar, from, end, present);
  telemetry.metrics.addMetric(MetricName.GapsFound, 'Count', gaps.length);

  // Placeholders first: once a date has an item it is no longer a gap, so a second run enqueues nothing,
  // and a message that is lost leaves a PENDING item that retry_recheck will find.
  const pendingDue = new Date(now.getTime() + deps.pendingTimeoutMs).toISOString();
  const placed = await store.writePlaceholders(series.infoType, Array.from(gaps), pendingDue);
  const unplaced = new Set(placed.unwritten);
  const enqueueable = unplaced.size === 0 ? gaps : gaps.filter((day) => !unplaced.has(day));

  const streams = toStreams(enqueueable, calendar, {
    maxSpanDays: deps.maxWindowDays(series),
    maxDatesPerStream: maxDatesPerMessage(deps.maxMessageBytes, series.infoType),
  });
  const bodies = streams.map((days) =>
    encodeMessage({ partitionKey: series.infoType, days, reason: 'gap', attempt: 0 }),
  );
  const sent = bodies.length > 0 ? await deps.queue.sendBodies(bodies) : { sent: 0, calls: 0, failed: [] };
  telemetry.metrics.addMetric(MetricName.MessagesSent, 'Count', sent.sent);
  for (const failure of sent.failed) {
    // The dates keep their PENDING placeholders, so retry_recheck re-enqueues them once they are due.
    telemetry.logger.warn('message not sent; its dates stay PENDING for retry_recheck', {
      series: series.infoType,
      error: failure.error,
    });
  }

  const through = unplaced.size === 0 ? end : earliest(placed.unwritten) - 1;
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
  return { infoType: series.infoType, gaps: gaps.length, messages: sent.sent, deferred: unplaced.size };
}

function earliest(days: readonly Day[]): Day {
  let min = Infinity;
  for (const day of days) if (day < min) min = day;
  return min;
}
