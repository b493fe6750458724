import {
  decodeMessage,
  maxDatesPerMessage,
  type WorkMessage,
  calendarFor,
  mapConcurrently,
  formatIsoDate,
  type Day,
  valueProblem,
  SourceError,
  effectiveAttempt,
  mayAttempt,
  type SeriesDefinition,
  type SourceId,
  type FailureRecord,
  type GoodValue,
  type SeriesStore,
  type Observation,
  type SeriesSource,
  MetricName,
  type Telemetry,
} from '@gapless/pipeline-core';

/** Conditional single-item writes in flight at once (failures, quarantines). */
const WRITE_CONCURRENCY = 8;

export interface ScrapeDeps {
  readonly catalog: ReadonlyMap<string, SeriesDefinition>;
  readonly store: SeriesStore;
  readonly sourceFor: (id: SourceId) => SeriesSource;
  readonly maxRetries: number;
  readonly maxMessageBytes: number;
  /** Back-off before retry_recheck may re-enqueue a date that failed with `retryCount` retries spent. */
  readonly retryBackoffMs: (retryCount: number) => number;
  readonly now: () => Date;
  readonly telemetry: Telemetry;
}

/** One SQS record as the scraper sees it. */
export interface WorkRecord {
  readonly body: string;
  /** SQS `ApproximateReceiveCount`: deliveries so far, this one included. */
  readonly receiveCount: number;
}

export type ScrapeOutcome =
  | { readonly kind: 'scraped'; readonly written: number; readonly failed: number }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'budget-spent'; readonly quarantined: number };

/**
 * Processes one work message: one source request for its stream, good values written as OK, every other
 * date recorded for retry. Throws `InvalidMessageError` for a poison body and lets DynamoDB failures out,
 * so the record is reported failed and SQS delivers it again (which counts as an attempt).
 */
export async function scrapeRecord(
  deps: ScrapeDeps,
  record: WorkRecord,
  deadline: number,
): Promise<ScrapeOutcome> {
  const message = decodeMessage(record.body, (partitionKey) => {
    const series = deps.catalog.get(partitionKey);
    if (!series) return undefined;
    return {
      calendar: calendarFor(series.calendar),
      maxDates: maxDatesPerMessage(deps.maxMessageBytes, partitionKey),
    };
  });
  const series = deps.catalog.get(message.partitionKey) as SeriesDefinition;
  const attempt = effectiveAttempt(message.attempt, record.receiveCount);
  const first = message.days[0] as Day;
  const last = message.days[message.days.length - 1] as Day;

  if (!mayAttempt(attempt, deps.maxRetries)) return quarantineAll(deps, message, attempt);
  // The mark comes before the claim: a claim of attempt k then always means the dates carry retry_count k,
  // so a delivery that dies between claiming and marking cannot leave the dates to be claimed at k again
  // in another stream (which would spend more than 1 + MAX_RETRIES asks).
  if (record.receiveCount > 1) await markRedelivery(deps, series.infoType, message.days, attempt);
  if (!(await deps.store.claimAttempt(series.infoType, first, last, attempt))) {
    deps.telemetry.logger.info('duplicate delivery: attempt already claimed', logKeys(message, attempt));
    return { kind: 'duplicate' };
  }

  const fetched = await download(deps, series, first, last, deadline);
  const byDay = new Map<Day, number | null>();
  if (Array.isArray(fetched))
    for (const observation of fetched) byDay.set(observation.day, observation.value);

  const good: GoodValue[] = [];
  const failures = new Map<Day, string>();
  for (const day of message.days) {
    const problem = Array.isArray(fetched) ? valueProblem(series, byDay.get(day)) : fetched;
    if (problem === undefined) good.push({ day, value: byDay.get(day) as number });
    else failures.set(day, problem);
  }

  const outcome = await deps.store.writeValues(series.infoType, series.source, good);
  deps.telemetry.metrics.addMetric(MetricName.ItemsWritten, 'Count', good.length - outcome.unwritten.length);
  deps.telemetry.metrics.addMetric(MetricName.BatchWriteCalls, 'Count', outcome.calls);
  deps.telemetry.metrics.addMetric(MetricName.UnprocessedRetries, 'Count', outcome.unprocessedRetries);
  for (const day of outcome.unwritten) failures.set(day, 'DynamoDB left the write unprocessed after retries');

  await recordFailures(deps, series.infoType, failures, attempt);
  if (failures.size > 0) {
    deps.telemetry.logger.warn('dates recorded for retry', {
      ...logKeys(message, attempt),
      failed: failures.size,
      firstError: failures.values().next().value,
    });
  }
  return { kind: 'scraped', written: good.length - outcome.unwritten.length, failed: failures.size };
}

/** The source's observations, or the reason the whole request failed (every date then gets it). */
async function download(
  deps: ScrapeDeps,
  series: SeriesDefinition,
  first: Day,
  last: Day,
  deadline: number,
): Promise<Observation[] | string> {
  deps.telemetry.metrics.addMetric(MetricName.SourceRequests, 'Count', 1);
  try {
    return await deps.sourceFor(series.source).fetchRange(series, first, last, { deadline });
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    deps.telemetry.logger.warn('source request failed', {
      series: series.infoType,
      from: formatIsoDate(first),
      to: formatIsoDate(last),
      retryable: error.retryable,
      error: error.message,
    });
    return error.message;
  }
}

/**
 * A redelivery follows a delivery that may have asked the source and then failed before recording anything.
 * Recording this attempt on every date BEFORE asking keeps the asks counted even if this delivery fails too
 * and the message ends in the dead-letter queue: retry_recheck then re-enqueues the dates with a higher
 * attempt instead of spending the same attempt numbers again (in streams the claims would not recognise).
 * Only the first delivery's ask can go unrecorded, and it is the attempt the dates' retry_count already
 * accounts for. OK items are left alone by `recordFailure`, as always.
 */
async function markRedelivery(
  deps: ScrapeDeps,
  infoType: string,
  days: Int32Array,
  attempt: number,
): Promise<void> {
  const error = `attempt ${attempt} (a redelivery) began but recorded no result`;
  await recordFailures(deps, infoType, new Map(Array.from(days, (day) => [day, error])), attempt);
}

async function recordFailures(
  deps: ScrapeDeps,
  infoType: string,
  failures: ReadonlyMap<Day, string>,
  attempt: number,
): Promise<void> {
  const retryDue = new Date(deps.now().getTime() + deps.retryBackoffMs(attempt)).toISOString();
  const records: FailureRecord[] = [...failures].map(([day, error]) => ({
    day,
    error,
    retryCount: attempt,
    retryDue,
  }));
  await mapConcurrently(records, WRITE_CONCURRENCY, (failure) => deps.store.recordFailure(infoType, failure));
}

async function quarantineAll(
  deps: ScrapeDeps,
  message: WorkMessage,
  attempt: number,
): Promise<ScrapeOutcome> {
  const reason = `attempt ${attempt + 1} would exceed 1 + MAX_RETRIES (${deps.maxRetries}): redelivered too often`;
  const done = await mapConcurrently(Array.from(message.days), WRITE_CONCURRENCY, (day) =>
    deps.store.quarantine(message.partitionKey, day, reason, deps.maxRetries),
  );
  const quarantined = done.filter(Boolean).length;
  deps.telemetry.metrics.addMetric(MetricName.Quarantined, 'Count', quarantined);
  deps.telemetry.logger.warn('attempt budget spent; dates quarantined', {
    ...logKeys(message, attempt),
    quarantined,
  });
  return { kind: 'budget-spent', quarantined };
}

function logKeys(message: WorkMessage, attempt: number): Record<string, unknown> {
  return {
    series: message.partitionKey,
    from: formatIsoDate(message.days[0] as Day),
    to: formatIsoDate(message.days[message.days.length - 1] as Day),
    dates: message.days.length,
    attempt,
  };
}
