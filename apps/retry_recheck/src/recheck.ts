import {
  calendarFor,
  findGaps,
  encodeMessage,
  maxDatesPerMessage,
  mapConcurrently,
  type Day,
  decideDueItem,
  type SeriesDefinition,
  type DueItem,
  type DueLease,
  type SeriesStore,
  describeError,
  formatIsoDate,
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
  /** How long a resent lease may wait for its first delivery before it comes due again. */
  readonly pendingTimeoutMs: number;
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
  /** Due items another run changed first. */
  readonly skipped: number;
  /** Due dates and leases of series that left the catalog: their retries retired, their records deleted. */
  readonly retired: number;
  /** Due dates and leases a DynamoDB failure kept from being handled; they come due again. */
  readonly failed: number;
  /** Leases that came due (lost messages, deliveries that died). */
  readonly leases: number;
}

/** Conditional single-item updates in flight at once. */
const UPDATE_CONCURRENCY = 8;

/**
 * One scheduled run of the retry path: read every shard of the sparse `retry-due` index; re-enqueue each due
 * date whose budget allows another attempt (after pushing its due time, so an overlapping run leaves it
 * alone), quarantine the others, and take up the leases that came due (a lost message, a delivery that died).
 * Attempts are counted where the source is asked (the scraper's claims), not here, so a date this run fails
 * to send loses nothing: it comes due again. One failing date or lease never stops the others.
 */
export async function runRecheck(deps: RecheckDeps): Promise<RecheckReport> {
  const now = deps.now();
  const nowIso = now.toISOString();
  const inflightDue = new Date(now.getTime() + deps.inflightTimeoutMs).toISOString();
  const due = await deps.store.dueItems(nowIso);
  const maxAttempts = 1 + deps.maxRetries;

  const tally = { skipped: 0, quarantined: 0, failed: 0, retired: 0 };
  const groups = new Map<string, { series: SeriesDefinition; attempt: number; days: Day[] }>();
  await mapConcurrently(due.dates, UPDATE_CONCURRENCY, async (item) => {
    const series = deps.catalog.get(item.infoType);
    try {
      if (!series) {
        // The series left the catalog: its retries are retired (the record of a failed attempt holds no
        // value; values and quarantined dates stay). Should it come back, gap detection asks afresh.
        if (await deps.store.retireDate(item.infoType, item.day)) tally.retired += 1;
        else tally.skipped += 1;
        return;
      }
      // The store quarantines only a date whose every attempt was made: one a release just gave its budget
      // back (the index read may be stale, or MAX_RETRIES is 0) is re-enqueued below instead.
      const spent = decideDueItem(item.retryCount, deps.maxRetries) === 'quarantine';
      if (spent && (await deps.store.quarantine(item.infoType, item.day, lastErrorOf(item), maxAttempts))) {
        tally.quarantined += 1;
        return;
      }
      if (!(await deps.store.deferRetry(item.infoType, item.day, item.retryCount, nowIso, inflightDue))) {
        tally.skipped += 1;
        return;
      }
    } catch (error) {
      // This date comes due again; the others go on.
      tally.failed += 1;
      deps.telemetry.logger.error('due date not handled; it comes due again', {
        series: item.infoType,
        date: formatIsoDate(item.day),
        error: describeError(error),
      });
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
    try {
      const sent = await enqueueRetries(deps, series, attempt, days);
      reenqueued += sent.dates;
      messages += sent.messages;
    } catch (error) {
      // The queue could not be reached for this group: its dates come due again; the other groups go on.
      tally.failed += days.length;
      deps.telemetry.logger.error('retry messages not sent; the dates come due again later', {
        series: series.infoType,
        dates: days.length,
        error: describeError(error),
      });
    }
  }
  const leases = await mapConcurrently(due.leases, UPDATE_CONCURRENCY, (lease) =>
    takeUpLease(deps, lease, now),
  );
  messages += leases.filter((outcome) => outcome === 'resent').length;
  deps.telemetry.metrics.addMetric(MetricName.RetriesEnqueued, 'Count', reenqueued);
  deps.telemetry.metrics.addMetric(MetricName.Quarantined, 'Count', tally.quarantined);
  const report = {
    due: due.dates.length,
    reenqueued,
    quarantined: tally.quarantined,
    messages,
    skipped: tally.skipped,
    retired: tally.retired + leases.filter((outcome) => outcome === 'retired').length,
    failed: tally.failed + leases.filter((outcome) => outcome === 'failed').length,
    leases: due.leases.length,
  };
  if (report.retired > 0)
    deps.telemetry.logger.info('retries of series no longer in the catalog retired', {
      retired: report.retired,
    });
  deps.telemetry.logger.info('recheck finished', { ...report });
  return report;
}

type LeaseOutcome = 'resent' | 'closed' | 'expired' | 'retired' | 'skipped' | 'failed';

/**
 * A lease that came due: its message was lost before any delivery (no ask yet: send it again, for the dates
 * still without an item), or a delivery claimed its first request and died before recording (the ask is
 * counted on each date still without an item, as a failed attempt due now). Dates that have items are done
 * with the lease; when all have, the lease is closed.
 */
async function takeUpLease(deps: RecheckDeps, due: DueLease, now: Date): Promise<LeaseOutcome> {
  try {
    const lease = await deps.store.getLease(due.infoType, due.first);
    const series = deps.catalog.get(due.infoType);
    if (lease === undefined) return 'skipped';
    if (series === undefined) {
      // Work in flight for a series that left the catalog: nothing is to be asked for it any more.
      await deps.store.closeLease(due.infoType, lease.first, lease.id);
      return 'retired';
    }
    const nowIso = now.toISOString();
    // A delivery that claimed the lease since the index was read pushed its due time: it is alive, not lost.
    if (lease.retryDue > nowIso) return 'skipped';
    const calendar = calendarFor(series.calendar);
    const present = await deps.store.presentDays(due.infoType, lease.first, lease.last);
    const missing = Array.from(findGaps(calendar, lease.first, lease.last, present));
    if (missing.length === 0) {
      await deps.store.closeLease(due.infoType, lease.first, lease.id);
      return 'closed';
    }
    if (lease.asks > 0) {
      const error = 'a delivery asked the source and died before recording the result';
      const token = `lease:${lease.id}`;
      for (const day of missing)
        await deps.store.recordFailure(due.infoType, {
          day,
          error,
          attempts: lease.asks,
          retryDue: nowIso,
          token,
        });
      await deps.store.closeLease(due.infoType, lease.first, lease.id);
      return 'expired';
    }
    const resendDue = new Date(now.getTime() + deps.pendingTimeoutMs).toISOString();
    if (!(await deps.store.deferLease(due.infoType, lease.first, lease.id, nowIso, resendDue)))
      return 'skipped';
    const body = encodeMessage({
      partitionKey: due.infoType,
      days: Int32Array.from(missing),
      reason: 'gap',
      attempt: 0,
      lease: { first: lease.first, id: lease.id },
    });
    const result = await deps.queue.sendBodies([body]);
    return result.sent === 1 ? 'resent' : 'failed';
  } catch (error) {
    deps.telemetry.logger.error('due lease not handled; it comes due again', {
      series: due.infoType,
      first: formatIsoDate(due.first),
      error: describeError(error),
    });
    return 'failed';
  }
}

async function enqueueRetries(
  deps: RecheckDeps,
  series: SeriesDefinition,
  attempt: number,
  days: Day[],
): Promise<{ dates: number; messages: number }> {
  const streams = retryStreams(deps, series, days);
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
    // Nothing was spent: the dates come due again after the in-flight timeout.
    deps.telemetry.logger.warn('retry message not sent; the dates come due again later', {
      series: series.infoType,
      error: failure.error,
    });
  }
  return { dates: days.length - failedDates, messages: result.sent };
}

/**
 * The streams one series' due dates of one attempt are sent in, one message each: continuous runs of the
 * calendar, split at the source's window and at the queue's message size. Sorts `days` in place.
 */
export function retryStreams(
  deps: Pick<RecheckDeps, 'maxWindowDays' | 'maxMessageBytes'>,
  series: SeriesDefinition,
  days: Day[],
) {
  days.sort((a, b) => a - b);
  return toStreams(days, calendarFor(series.calendar), {
    maxSpanDays: deps.maxWindowDays(series),
    maxDatesPerStream: maxDatesPerMessage(deps.maxMessageBytes, series.infoType),
  });
}

function lastErrorOf(item: DueItem): string {
  if (item.lastError) return item.lastError;
  return item.status === 'PENDING' ? 'never processed: its message was lost' : 'retry budget spent';
}
