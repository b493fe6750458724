import {
  decodeMessage,
  InvalidMessageError,
  MessageProblem,
  maxDatesPerMessage,
  type WorkMessage,
  calendarFor,
  mapConcurrently,
  formatIsoDate,
  type Day,
  valueProblem,
  SourceError,
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
  /** How long a claimed date or lease may stay in flight before retry_recheck takes it up again. */
  readonly inflightTimeoutMs: number;
  readonly now: () => Date;
  readonly telemetry: Telemetry;
  /** A token unique to one delivery (default `crypto.randomUUID()`). */
  readonly newToken?: () => string;
}

/** One SQS record as the scraper sees it. */
export interface WorkRecord {
  readonly body: string;
  /** SQS `ApproximateReceiveCount`: deliveries so far, this one included (for the logs). */
  readonly receiveCount: number;
}

export type ScrapeOutcome =
  | { readonly kind: 'scraped'; readonly written: number; readonly failed: number }
  | { readonly kind: 'duplicate' }
  /** The message's series left the catalog: nothing to ask any more (retry_recheck retires its records). */
  | { readonly kind: 'retired' }
  | { readonly kind: 'budget-spent'; readonly quarantined: number };

/**
 * Processes one work message: one source request for its stream (one per run of the dates this delivery
 * claimed, made together, when some of its dates are not this delivery's to ask), good values written as OK,
 * every other date recorded for retry, spent dates quarantined last. Every request is counted before it is
 * made, on the stream's lease for its first request and on each date after that (DESIGN.md "The work
 * ledger"), so no date is asked more than 1 + MAX_RETRIES times whatever the deliveries do. Throws `InvalidMessageError` for a poison body and lets
 * DynamoDB failures out, so the record is reported failed and SQS delivers it again.
 */
export async function scrapeRecord(
  deps: ScrapeDeps,
  record: WorkRecord,
  deadline: number,
): Promise<ScrapeOutcome> {
  let message: WorkMessage;
  try {
    message = decodeMessage(record.body, (partitionKey) => {
      const series = deps.catalog.get(partitionKey);
      if (!series) return undefined;
      return {
        calendar: calendarFor(series.calendar),
        maxDates: maxDatesPerMessage(deps.maxMessageBytes, partitionKey),
      };
    });
  } catch (error) {
    // A series taken out of the catalog leaves messages in flight: they are retired, not poison.
    if (!(error instanceof InvalidMessageError) || error.problem !== MessageProblem.UnknownPartitionKey)
      throw error;
    deps.telemetry.logger.warn('series not in the catalog: message retired', {
      series: partitionKeyOf(record.body),
      receiveCount: record.receiveCount,
    });
    return { kind: 'retired' };
  }
  const series = deps.catalog.get(message.partitionKey) as SeriesDefinition;
  const token = (deps.newToken ?? (() => crypto.randomUUID()))();
  const inflightDue = new Date(deps.now().getTime() + deps.inflightTimeoutMs).toISOString();
  const { lease } = message;

  const asked = await claimAsks(deps, series, message, token, inflightDue);
  if (asked === 'gone') {
    deps.telemetry.logger.info('duplicate delivery: its lease is closed', logKeys(message, record));
    return { kind: 'duplicate' };
  }
  if (asked.attempts.size === 0) {
    const quarantined = await quarantineSpent(deps, series.infoType, asked.spent);
    if (lease) await deps.store.closeLease(series.infoType, lease.first, lease.id);
    if (quarantined > 0) return { kind: 'budget-spent', quarantined };
    deps.telemetry.logger.info(
      'nothing left to ask: every date is done or claimed',
      logKeys(message, record),
    );
    return { kind: 'duplicate' };
  }

  // One request per run of claimed dates: a date of the message this delivery did not claim (spent, done,
  // claimed by another delivery) is never asked, even between two it did claim. The requests are made
  // together: a delivery killed inside one of them (its Lambda timed out) has made the others too, so no
  // claimed attempt is spent without its ask.
  const answers = await Promise.all(
    claimedRuns(message.days, asked.attempts).map(async (run) => ({
      run,
      fetched: await download(deps, series, run[0] as Day, run[run.length - 1] as Day, deadline),
    })),
  );
  const good: GoodValue[] = [];
  const failures = new Map<Day, Failure>();
  for (const { run, fetched } of answers) {
    const byDay = new Map<Day, number | null>();
    if (Array.isArray(fetched))
      for (const observation of fetched) byDay.set(observation.day, observation.value);
    for (const day of run) {
      const problem = Array.isArray(fetched) ? valueProblem(series, byDay.get(day)) : fetched;
      if (problem === undefined) good.push({ day, value: byDay.get(day) as number });
      // A request that succeeded without a row for the date: an absence, if it lasts (see recordFailures).
      else failures.set(day, { error: problem, absent: Array.isArray(fetched) && !byDay.has(day) });
    }
  }

  const outcome = await deps.store.writeValues(series.infoType, series.source, good);
  deps.telemetry.metrics.addMetric(MetricName.ItemsWritten, 'Count', good.length - outcome.unwritten.length);
  deps.telemetry.metrics.addMetric(MetricName.BatchWriteCalls, 'Count', outcome.calls);
  deps.telemetry.metrics.addMetric(MetricName.UnprocessedRetries, 'Count', outcome.unprocessedRetries);
  for (const day of outcome.unwritten)
    failures.set(day, { error: 'DynamoDB left the write unprocessed after retries', absent: false });

  await recordFailures(deps, series.infoType, failures, asked.attempts, token);
  // Quarantine last: a crash before it leaves the spent dates for retry_recheck, not the asks uncounted.
  await quarantineSpent(deps, series.infoType, asked.spent);
  // Every date of the stream has its item now (a value, a failure or a claim): the lease has done its work.
  if (lease) await deps.store.closeLease(series.infoType, lease.first, lease.id);
  if (failures.size > 0) {
    deps.telemetry.logger.warn('dates recorded for retry', {
      ...logKeys(message, record),
      failed: failures.size,
      firstError: failures.values().next().value?.error,
    });
  }
  return { kind: 'scraped', written: good.length - outcome.unwritten.length, failed: failures.size };
}

/** The dates this delivery may ask the source for with the attempt each ask is, and the dates out of budget. */
interface Asks {
  readonly attempts: ReadonlyMap<Day, number>;
  readonly spent: ReadonlyMap<Day, string>;
}

/**
 * Counts this delivery's request before it is made. A gap message's first delivery claims its lease's one
 * first request (one write for the whole stream). Any other delivery (a retry, a redelivery, a duplicate that
 * lost the lease) claims one more attempt on each date, conditionally, and asks only for the dates it won.
 */
async function claimAsks(
  deps: ScrapeDeps,
  series: SeriesDefinition,
  message: WorkMessage,
  token: string,
  inflightDue: string,
): Promise<Asks | 'gone'> {
  let attemptsWithoutItem = 0;
  if (message.lease) {
    const claim = await deps.store.claimLease(
      series.infoType,
      message.lease.first,
      message.lease.id,
      token,
      inflightDue,
    );
    if (claim.kind === 'gone') return 'gone';
    if (claim.kind === 'claimed') {
      return { attempts: new Map(Array.from(message.days, (day) => [day, 1])), spent: new Map() };
    }
    attemptsWithoutItem = claim.asks;
  } else {
    // A message without a lease (a retry, or one written by hand or by an older version) may still cover
    // dates without an item under a live lease whose first request was made: count that request too.
    attemptsWithoutItem = await leaseAsksOver(deps.store, series.infoType, message.days);
  }
  const claims = await deps.store.claimDates(series.infoType, Array.from(message.days), {
    token,
    maxAttempts: 1 + deps.maxRetries,
    attemptsWithoutItem,
    retryDue: inflightDue,
  });
  const attempts = new Map<Day, number>();
  const spent = new Map<Day, string>();
  for (const [day, claim] of claims) {
    if (claim.kind === 'claimed') attempts.set(day, claim.attempts);
    else if (claim.kind === 'spent') spent.set(day, claim.lastError ?? `${claim.attempts} attempts made`);
  }
  return { attempts, spent };
}
/** The most requests any live lease overlapping the message's dates has made (0 when none overlaps). */
async function leaseAsksOver(store: SeriesStore, infoType: string, days: Int32Array): Promise<number> {
  const first = days[0] as Day;
  const last = days[days.length - 1] as Day;
  const leases = await store.listLeases(infoType);
  return leases
    .filter((lease) => lease.first <= last && first <= lease.last)
    .reduce((most, lease) => Math.max(most, lease.asks), 0);
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

/** The message's dates this delivery claimed, cut wherever a date it did not claim lies between. */
function claimedRuns(days: Int32Array, claimed: ReadonlyMap<Day, number>): Day[][] {
  const runs: Day[][] = [];
  let run: Day[] = [];
  for (const day of days) {
    if (claimed.has(day)) {
      run.push(day);
    } else if (run.length > 0) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** Why a claimed date got no value, and whether the source answered without it (no row). */
interface Failure {
  readonly error: string;
  readonly absent: boolean;
}

/**
 * Records each failed attempt for retry. A date whose last attempt this was, that the source answered
 * without on this and every earlier attempt while it published values on both sides of it, ends ABSENT
 * instead (a closure no calendar knew of: listed and releasable, but not an error to alarm on).
 */
async function recordFailures(
  deps: ScrapeDeps,
  infoType: string,
  failures: ReadonlyMap<Day, Failure>,
  attempts: ReadonlyMap<Day, number>,
  token: string,
): Promise<void> {
  const maxAttempts = 1 + deps.maxRetries;
  const records: FailureRecord[] = [...failures].map(([day, { error, absent }]) => {
    const made = attempts.get(day) ?? 1;
    const retryDue = new Date(deps.now().getTime() + deps.retryBackoffMs(made - 1)).toISOString();
    return { day, error, attempts: made, retryDue, token, ...(absent ? { absent } : {}) };
  });
  const outcomes = await mapConcurrently(records, WRITE_CONCURRENCY, async (failure) => {
    if (failure.absent && failure.attempts >= maxAttempts) {
      const absent = {
        ...failure,
        error: `the source answered all ${failure.attempts} attempts without this date while publishing the dates around it`,
      };
      if (
        (await deps.store.publishedAround(infoType, failure.day)) &&
        (await deps.store.markAbsent(infoType, absent))
      )
        return 'absent';
    }
    return deps.store.recordFailure(infoType, failure);
  });
  const absent = outcomes.filter((outcome) => outcome === 'absent').length;
  if (absent > 0) {
    deps.telemetry.metrics.addMetric(MetricName.DatesAbsent, 'Count', absent);
    deps.telemetry.logger.info('dates the source never published marked ABSENT', {
      series: infoType,
      absent,
    });
  }
}

/** Dates whose budget is spent go to quarantine with their last error; returns how many did. */
async function quarantineSpent(
  deps: ScrapeDeps,
  infoType: string,
  spent: ReadonlyMap<Day, string>,
): Promise<number> {
  if (spent.size === 0) return 0;
  const done = await mapConcurrently([...spent], WRITE_CONCURRENCY, ([day, lastError]) =>
    deps.store.quarantine(infoType, day, lastError, 1 + deps.maxRetries),
  );
  const quarantined = done.filter(Boolean).length;
  deps.telemetry.metrics.addMetric(MetricName.Quarantined, 'Count', quarantined);
  deps.telemetry.logger.warn('attempt budget spent; dates quarantined', { series: infoType, quarantined });
  return quarantined;
}

/** The partition key of a body that decoded that far (it did, to be refused for it). */
function partitionKeyOf(body: string): string {
  return String((JSON.parse(body) as { partition_key?: unknown }).partition_key);
}

function logKeys(message: WorkMessage, record: WorkRecord): Record<string, unknown> {
  return {
    series: message.partitionKey,
    from: formatIsoDate(message.days[0] as Day),
    to: formatIsoDate(message.days[message.days.length - 1] as Day),
    dates: message.days.length,
    attempt: message.attempt,
    receiveCount: record.receiveCount,
  };
}
