import type { Day } from './dates.js';

/** A date of a series whose item waits on the retry path (from the sparse `retry-due` index). */
export interface DueItem {
  readonly infoType: string;
  readonly day: Day;
  /** `PENDING` only on tables written before the work ledger (see DESIGN.md "Migration"). */
  readonly status: 'PENDING' | 'RETRY';
  /** Retries spent: the attempts made, less the first. */
  readonly retryCount: number;
  readonly lastError?: string;
}

/** A lease that has come due on the `retry-due` index: its message was lost, or its delivery died. */
export interface DueLease {
  readonly infoType: string;
  readonly first: Day;
}

/** What the retry-due index holds that is due now. */
export interface DueWork {
  readonly dates: DueItem[];
  readonly leases: DueLease[];
}

/**
 * A record of work in flight: one stream of a series' dates that has no item yet, enqueued in one message.
 * Its dates count as present for gap detection while it lives, and it sits on the `retry-due` index so a
 * lost message is found again. The first source request for the stream is counted on the lease (`asks`),
 * so the success path writes one bookkeeping item per stream, never one per date.
 */
export interface Lease {
  readonly infoType: string;
  /** Unique per lease, so a message of an old lease that started on the same date cannot claim this one. */
  readonly id: string;
  /** The stream's first and last dates; the lease covers the calendar dates between them. */
  readonly first: Day;
  readonly last: Day;
  /** Source requests begun under the lease: 0 until a delivery claims the first one, then 1. */
  readonly asks: number;
  /** ISO time after which retry_recheck takes the lease up again. */
  readonly retryDue: string;
}

/** How a delivery's claim of a lease's first source request turned out. */
export type LeaseClaim =
  /** This delivery makes the stream's first request (also when its own earlier claim's answer was lost). */
  | { readonly kind: 'claimed' }
  /** Another delivery made the first request; this one must claim each date (`asks` already spent). */
  | { readonly kind: 'taken'; readonly asks: number }
  /** The lease is closed: every date of the stream has its item. A late duplicate: nothing to do. */
  | { readonly kind: 'gone' };

/** How a delivery's claim of one more attempt on one date turned out. */
export type DateClaim =
  /** This delivery may ask the source for the date; `attempts` counts this ask. */
  | { readonly kind: 'claimed'; readonly attempts: number }
  /** The date needs nothing: it is OK, or QUARANTINED (only a release asks again). */
  | { readonly kind: 'done' }
  /** Every attempt of the date's budget was made; it belongs in quarantine. */
  | { readonly kind: 'spent'; readonly attempts: number; readonly lastError?: string }
  /** Another delivery claimed the date at the same moment; this one leaves it alone. */
  | { readonly kind: 'busy' };

/** What a delivery asks of `claimDates`. */
export interface DateClaimRequest {
  /** Unique per delivery: a claim whose answer was lost is recognised as this delivery's own. */
  readonly token: string;
  /** 1 + MAX_RETRIES: no date is claimed beyond it. */
  readonly maxAttempts: number;
  /** Attempts already made on dates that have no item yet (1 when the stream's lease made its first ask). */
  readonly attemptsWithoutItem: number;
  /** ISO time after which retry_recheck may take a claimed date up again if this delivery dies. */
  readonly retryDue: string;
}

/**
 * A date that left the retry path for a human to look at, as listed for inspection: `QUARANTINED` (its
 * attempts failed) or `ABSENT` (the source never published it, though it published the dates around it).
 */
export interface QuarantinedItem {
  readonly infoType: string;
  readonly day: Day;
  readonly status: 'QUARANTINED' | 'ABSENT';
  readonly retryCount: number;
  readonly lastError?: string;
  readonly updatedAt?: string;
}

/** Items on each side of a date that `publishedAround` looks at. */
export const NEIGHBOURS_CHECKED = 10;

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
  /** Attempts made on the date, the failed one included. */
  readonly attempts: number;
  /** ISO timestamp from which retry_recheck may re-enqueue it. */
  readonly retryDue: string;
  /**
   * The delivery that made the attempt (its claim token). A date another delivery claimed since, or that was
   * released since, is left alone: a late report cannot spend an attempt it did not make.
   */
  readonly token: string;
  /**
   * The source answered the request without this date (no row) while the request succeeded. A date whose
   * every attempt was such an answer may end `ABSENT` instead of `QUARANTINED` (see `markAbsent`).
   */
  readonly absent?: boolean;
}

/** What a watermark write could not store after its retries. */
export interface WatermarkWriteOutcome {
  /** Series whose watermark was not written: the next run reads them from their previous watermark. */
  readonly unwritten: string[];
  /** BatchWriteItem calls made. */
  readonly calls: number;
}

/**
 * The port the domain owns for the single table. Every method is about one series, one index or the one
 * partition of watermarks; none scans.
 * The DynamoDB adapter is `createDynamoSeriesStore`; tests use the in-memory one of `@gapless/pipeline-core/testing`.
 */
export interface SeriesStore {
  /**
   * Every series' watermark (the date through which every expected date already had an item at its last run)
   * in one read of the watermarks' partition, paginated; a series without one is absent from the map.
   */
  readWatermarks(): Promise<Map<string, Day>>;
  /** Records these series' watermarks (BatchWriteItem in 25s, unprocessed items retried with back-off). */
  writeWatermarks(watermarks: ReadonlyMap<string, Day>): Promise<WatermarkWriteOutcome>;
  /** Dates that have an item (any status) in `[from, to]`, ascending. One paginated Query, keys only. */
  presentDays(infoType: string, from?: Day, to?: Day): Promise<Int32Array>;
  /** Writes good values as `OK` (BatchWriteItem in 25s, unprocessed items retried with back-off). */
  writeValues(infoType: string, source: string, values: readonly GoodValue[]): Promise<BatchWriteOutcome>;

  /** The live leases of a series. */
  listLeases(infoType: string): Promise<Lease[]>;
  /** One lease, or undefined when it is closed. */
  getLease(infoType: string, first: Day): Promise<Lease | undefined>;
  /** Records a new lease (no asks yet); false when a lease starting on `first` already exists. */
  openLease(lease: Omit<Lease, 'asks'>): Promise<boolean>;
  /** Claims the lease's first source request for one delivery (`token`), pushing its due time. */
  claimLease(infoType: string, first: Day, id: string, token: string, retryDue: string): Promise<LeaseClaim>;
  /** Pushes a due lease's `retry_due` (only if it is still due at `nowIso`): one recheck run wins it. */
  deferLease(infoType: string, first: Day, id: string, nowIso: string, retryDue: string): Promise<boolean>;
  /** Removes the lease (once every date of it has its item); a lease already gone is fine. */
  closeLease(infoType: string, first: Day, id: string): Promise<void>;

  /**
   * Claims one more attempt on each date before the source is asked for it again. Counting the attempt on
   * the date itself, conditionally, is what bounds the asks per date whatever the deliveries' schedule.
   */
  claimDates(infoType: string, days: readonly Day[], request: DateClaimRequest): Promise<Map<Day, DateClaim>>;
  /**
   * Records a failed attempt as `RETRY` on a missing item, or on a PENDING or RETRY item that this delivery
   * claimed (or no delivery did) and whose attempts are not ahead of this one; anything else is left alone.
   */
  recordFailure(infoType: string, failure: FailureRecord): Promise<'recorded' | 'left-alone'>;
  /** Due items and leases on the retry path (the sparse `retry-due` index, every shard) at `nowIso`. */
  dueItems(nowIso: string): Promise<DueWork>;
  /**
   * Pushes a due date's `retry_due` before retry_recheck re-enqueues it, only if the item still has
   * `retry_count = from` and is still due: of two overlapping runs, one sends it.
   */
  deferRetry(infoType: string, day: Day, from: number, nowIso: string, retryDue: string): Promise<boolean>;
  /**
   * Moves a date whose every attempt was made (`maxAttempts` = 1 + MAX_RETRIES; a date with no item, as its
   * caller found it spent) to QUARANTINED with its last error. False otherwise: a date that still has budget
   * (a release just gave it back, even if the index read was stale) and an OK item are never quarantined.
   */
  quarantine(infoType: string, day: Day, lastError: string, maxAttempts: number): Promise<boolean>;
  /**
   * Whether the source published values on both sides of a date: among the nearest dates that have an item
   * (up to {@link NEIGHBOURS_CHECKED} on each side), at least one before it and one after it is OK.
   */
  publishedAround(infoType: string, day: Day): Promise<boolean>;
  /**
   * Records a date's last attempt as `ABSENT` (terminal, listed with the quarantine, not alarmed) when every
   * attempt of its release cycle found the source answering without it: this one (`failure.absent`) and each
   * earlier one, recorded as absences by `recordFailure`. The same claim rules as `recordFailure`. False when
   * any earlier attempt failed otherwise (or died unrecorded), or the claim is not this delivery's: the caller
   * then records the failure as usual.
   */
  markAbsent(infoType: string, failure: FailureRecord): Promise<boolean>;
  /**
   * Deletes a date's PENDING or RETRY record: its series left the catalog, so its retries are retired (a
   * date with a value, or set aside for an operator, is never touched; false for those and for no item).
   * Should the series come back, gap detection finds the date missing and asks for it afresh.
   */
  retireDate(infoType: string, day: Day): Promise<boolean>;
  /** QUARANTINED and ABSENT dates, optionally of one series, from every shard of the `quarantined` index. */
  listQuarantined(infoType?: string): Promise<QuarantinedItem[]>;
  /**
   * Puts a QUARANTINED or ABSENT item back into the retry path with its full budget, due at `retryDue`, under a
   * fresh claim token so that no delivery from before the release can record on it.
   */
  release(infoType: string, day: Day, retryDue: string): Promise<boolean>;
}
