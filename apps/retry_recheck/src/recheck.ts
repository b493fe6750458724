import {
  calendarFor,
  encodeMessage,
  maxDatesPerMessage,
  mapConcurrently,
  type Day,
  decideDueItem,
  type SeriesDefinition,
  type DueItem,
  type SeriesStore,
  toStreams,
  MetricName,
  type Telemetry,
  type WorkQueue,
} from '@gapless/pipeline-core';

export interface RecheckDeps {
  readonly catalog: ReadonlyMap<string, SeriesDefinition>;
  readonly store: SeriesStore;
  readonly queue: WorkQueue;
  readonly maxRetries: number;
  /** How long a re-enqueued date may take (all its deliveries) before it comes due again. */
  readonly inflightTimeoutMs: number;
  readonly maxWindowDays: (series: SeriesDefinition) => number;
  readonly maxMessageBytes: number;
  readonly now: () => Date;
  readonly telemetry: Telemetry;
}

export interface RecheckReport {
  readonly due: number;
  readonly reenqueued: number;
  readonly quarantined: number;
  readonly messages: number;
  /** Due items another run changed first, or whose series left the catalog. */
  readonly skipped: number;
}

/** Conditional single-item updates in flight at once. */
const UPDATE_CONCURRENCY = 8;

/**
 * One scheduled run of the retry path: read every shard of the sparse `retry-due` index, spend one retry and
 * re-enqueue each due date whose budget allows it, quarantine the others. A retry is spent BEFORE its message
 * is sent, so a crash or a lost message can waste a retry but never grant an extra attempt.
 */
export async function runRecheck(deps: RecheckDeps): Promise<RecheckReport> {
  const now = deps.now();
  const nowIso = now.toISOString();
  const inflightDue = new Date(now.getTime() + deps.inflightTimeoutMs).toISOString();
  const due = await deps.store.dueItems(nowIso);

  let skipped = 0;
  let quarantined = 0;
  const groups = new Map<string, { series: SeriesDefinition; attempt: number; days: Day[] }>();
  await mapConcurrently(due, UPDATE_CONCURRENCY, async (item) => {
    const series = deps.catalog.get(item.infoType);
    if (!series) {
      skipped += 1;
      deps.telemetry.logger.warn('due item of a series not in the catalog; left alone', {
        series: item.infoType,
      });
      return;
    }
    if (decideDueItem(item.retryCount, deps.maxRetries) === 'quarantine') {
      if (await deps.store.quarantine(item.infoType, item.day, lastErrorOf(item), item.retryCount))
        quarantined += 1;
      else skipped += 1;
      return;
    }
    if (!(await deps.store.spendRetry(item.infoType, item.day, item.retryCount, inflightDue))) {
      skipped += 1;
      return;
    }
    const attempt = item.retryCount + 1;
    const key = `${item.infoType}\u0000${attempt}`;
    const group = groups.get(key) ?? { series, attempt, days: [] };
    group.days.push(item.day);
    groups.set(key, group);
  });

  let reenqueued = 0;
  let messages = 0;
  for (const { series, attempt, days } of groups.values()) {
    const sent = await enqueueRetries(deps, series, attempt, days);
    reenqueued += sent.dates;
    messages += sent.messages;
  }
  deps.telemetry.metrics.addMetric(MetricName.RetriesEnqueued, 'Count', reenqueued);
  deps.telemetry.metrics.addMetric(MetricName.Quarantined, 'Count', quarantined);
  const report = { due: due.length, reenqueued, quarantined, messages, skipped };
  deps.telemetry.logger.info('recheck finished', { ...report });
  return report;
}

async function enqueueRetries(
  deps: RecheckDeps,
  series: SeriesDefinition,
  attempt: number,
  days: Day[],
): Promise<{ dates: number; messages: number }> {
  days.sort((a, b) => a - b);
  const streams = toStreams(days, calendarFor(series.calendar), {
    maxSpanDays: deps.maxWindowDays(series),
    maxDatesPerStream: maxDatesPerMessage(deps.maxMessageBytes, series.infoType),
  });
  const datesOfBody = new Map(
    streams.map((stream) => [
      encodeMessage({ partitionKey: series.infoType, days: stream, reason: 'retry', attempt }),
      stream.length,
    ]),
  );
  const result = await deps.queue.sendBodies([...datesOfBody.keys()]);
  deps.telemetry.metrics.addMetric(MetricName.MessagesSent, 'Count', result.sent);
  let failedDates = 0;
  for (const failure of result.failed) {
    failedDates += datesOfBody.get(failure.body) ?? 0;
    // The retry is spent and the item comes due again after the in-flight timeout: nothing is lost.
    deps.telemetry.logger.warn('retry message not sent; the dates come due again later', {
      series: series.infoType,
      error: failure.error,
    });
  }
  return { dates: days.length - failedDates, messages: result.sent };
}

function lastErrorOf(item: DueItem): string {
  if (item.lastError) return item.lastError;
  return item.status === 'PENDING' ? 'never processed: its message was lost' : 'retry budget spent';
}
