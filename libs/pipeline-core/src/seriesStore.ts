import type { Day } from './dates.js';

/** A date of a series whose item needs attention (from the sparse `retry-due` index). */
export interface DueItem {
  readonly infoType: string;
  readonly day: Day;
  readonly status: 'PENDING' | 'RETRY';
  readonly retryCount: number;
  readonly lastError?: string;
}

/** A quarantined date, as listed for inspection. */
export interface QuarantinedItem {
  readonly infoType: string;
  readonly day: Day;
  readonly retryCount: number;
  readonly lastError?: string;
  readonly updatedAt?: string;
}

/** A good value to store as `OK`. */
export interface GoodValue {
  readonly day: Day;
  readonly value: number;
}

/** What a batch write could not store after its retries; the caller decides what happens to them. */
export interface BatchWriteOutcome {
  readonly unwritten: Day[];
  /** BatchWriteItem calls made. */
  readonly calls: number;
  /** Items sent again because DynamoDB returned them as unprocessed. */
  readonly unprocessedRetries: number;
}

/** A failed attempt to record on a date. */
export interface FailureRecord {
  readonly day: Day;
  readonly error: string;
  /** Retries spent when the attempt was made (the effective attempt number). */
  readonly retryCount: number;
  /** ISO timestamp from which retry_recheck may re-enqueue it. */
  readonly retryDue: string;
}

/**
 * The port the domain owns for the single table. Every method is about one series or one index; none scans.
 * The DynamoDB adapter is `createDynamoSeriesStore`; tests may use an in-memory one.
 */
export interface SeriesStore {
  /** The date through which every expected date already had an item at the last run, if recorded. */
  readWatermark(infoType: string): Promise<Day | undefined>;
  writeWatermark(infoType: string, through: Day): Promise<void>;
  /** Dates that have an item (any status) from `from` on, ascending. One paginated Query, keys only. */
  presentDays(infoType: string, from?: Day): Promise<Int32Array>;
  /** Writes `PENDING` placeholders so the dates count as present; returns what it could not write. */
  writePlaceholders(infoType: string, days: readonly Day[], retryDue: string): Promise<BatchWriteOutcome>;
  /** Writes good values as `OK` (BatchWriteItem in 25s, unprocessed items retried with back-off). */
  writeValues(infoType: string, source: string, values: readonly GoodValue[]): Promise<BatchWriteOutcome>;
  /** Records a failed attempt as `RETRY` on a missing, PENDING or RETRY item; OK and QUARANTINED ones are left alone. */
  recordFailure(infoType: string, failure: FailureRecord): Promise<'recorded' | 'left-alone'>;
  /**
   * Claims one attempt at a stream, so a duplicate delivery does not download it again.
   * Returns false when that attempt was claimed already.
   */
  claimAttempt(infoType: string, first: Day, last: Day, attempt: number): Promise<boolean>;
  /** Items on the retry path (the sparse `retry-due` index, every shard) whose `retry_due <= now`. */
  dueItems(nowIso: string): Promise<DueItem[]>;
  /**
   * Spends one retry before a date is re-enqueued: sets `retry_count` to `from + 1` and pushes `retry_due`,
   * only if the item still has `retry_count = from` and is PENDING or RETRY. False when someone else did.
   */
  spendRetry(infoType: string, day: Day, from: number, retryDue: string): Promise<boolean>;
  /**
   * Moves a PENDING/RETRY item to QUARANTINED with its last error and the retries it spent.
   * False when it was not in those states (an OK item is never quarantined).
   */
  quarantine(infoType: string, day: Day, lastError: string, retryCount: number): Promise<boolean>;
  /** Quarantined dates, optionally of one series, from every shard of the `quarantined` index. */
  listQuarantined(infoType?: string): Promise<QuarantinedItem[]>;
  /** Puts a QUARANTINED item back into the retry path with a fresh budget. False when it was not quarantined. */
  release(infoType: string, day: Day, retryDue: string): Promise<boolean>;
}
