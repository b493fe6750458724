import type { Day } from '../dates.js';
import {
  NEIGHBOURS_CHECKED,
  type BatchWriteOutcome,
  type DateClaim,
  type DateClaimRequest,
  type DueItem,
  type DueLease,
  type DueWork,
  type FailureRecord,
  type Lease,
  type LeaseClaim,
  type QuarantinedItem,
  type SeriesStore,
  type WatermarkWriteOutcome,
} from '../seriesStore.js';

export interface MemoryItem {
  status: 'OK' | 'PENDING' | 'RETRY' | 'QUARANTINED' | 'ABSENT';
  value: number | null;
  retryCount: number;
  /** Attempts made in this release cycle; absent on items written before the work ledger. */
  attempts?: number;
  claimToken?: string;
  /** The attempts of this release cycle whose answer had no row for the date (DynamoDB: a number set). */
  absentAttempts?: readonly number[];
  lastError?: string;
  retryDue?: string;
  source?: string;
}

interface MemoryLease extends Lease {
  readonly askToken?: string;
}

/** Every write the store accepted, in order: what tests assert on ("no OK value was ever overwritten"). */
export interface WriteEvent {
  readonly infoType: string;
  readonly day: Day;
  readonly before: MemoryItem | undefined;
  readonly after: MemoryItem;
}

/**
 * An in-memory SeriesStore with the same conditional semantics as the DynamoDB adapter, for unit tests of
 * the services. It keeps a log of writes so tests can check invariants over a whole run, and counts every
 * item write (values, failures, claims, leases) as DynamoDB would bill them.
 */
export class MemorySeriesStore implements SeriesStore {
  readonly items = new Map<string, Map<Day, MemoryItem>>();
  readonly leases = new Map<string, Map<Day, MemoryLease>>();
  readonly watermarks = new Map<string, Day>();
  readonly log: WriteEvent[] = [];
  readonly calls = { presentDays: 0, batchWrites: 0, updates: 0, itemWrites: 0 };
  /** Set to make the next batch writes leave these days unwritten. */
  unwritable = new Set<Day>();
  /**
   * Makes an operation throw before it takes effect, as DynamoDB failing after the SDK's retries would (null:
   * it succeeds). Every method asks it, once per call (`infoType` is '' for the calls of no one series).
   */
  fault: (operation: keyof SeriesStore, infoType: string) => Error | null = () => null;

  series(infoType: string): Map<Day, MemoryItem> {
    let series = this.items.get(infoType);
    if (!series) this.items.set(infoType, (series = new Map()));
    return series;
  }

  private leasesOf(infoType: string): Map<Day, MemoryLease> {
    let leases = this.leases.get(infoType);
    if (!leases) this.leases.set(infoType, (leases = new Map()));
    return leases;
  }

  private put(infoType: string, day: Day, after: MemoryItem): void {
    const series = this.series(infoType);
    this.log.push({ infoType, day, before: series.get(day), after });
    this.calls.itemWrites += 1;
    series.set(day, after);
  }

  async readWatermarks() {
    this.check('readWatermarks', '');
    return new Map(this.watermarks);
  }
  async writeWatermarks(watermarks: ReadonlyMap<string, Day>): Promise<WatermarkWriteOutcome> {
    this.check('writeWatermarks', '');
    for (const [infoType, through] of watermarks) this.watermarks.set(infoType, through);
    // As the adapter's BatchWriteItem in 25s; watermarks are bookkeeping, not counted as item writes.
    return { unwritten: [], calls: Math.ceil(watermarks.size / 25) };
  }
  private check(operation: keyof SeriesStore, infoType: string): void {
    const error = this.fault(operation, infoType);
    if (error !== null) throw error;
  }
  async presentDays(infoType: string, from = -Infinity, to = Infinity) {
    this.check('presentDays', infoType);
    this.calls.presentDays += 1;
    const days = [...this.series(infoType).keys()].filter((day) => day >= from && day <= to);
    return Int32Array.from(days.sort((a, b) => a - b));
  }
  async writeValues(infoType: string, source: string, values: readonly { day: Day; value: number }[]) {
    this.check('writeValues', infoType);
    const unwritten: Day[] = [];
    // As BatchWriteItem, which refuses a key twice in one call: the last value of a day wins.
    const byDay = new Map(values.map(({ day, value }) => [day, value]));
    for (const [day, value] of byDay) {
      if (this.unwritable.has(day)) unwritten.push(day);
      else this.put(infoType, day, { status: 'OK', value, retryCount: 0, source });
    }
    const calls = Math.ceil(byDay.size / 25);
    this.calls.batchWrites += calls;
    return { unwritten, calls, unprocessedRetries: 0 } satisfies BatchWriteOutcome;
  }

  async listLeases(infoType: string): Promise<Lease[]> {
    this.check('listLeases', infoType);
    return [...this.leasesOf(infoType).values()].map(publicLease);
  }
  async getLease(infoType: string, first: Day): Promise<Lease | undefined> {
    this.check('getLease', infoType);
    const lease = this.leasesOf(infoType).get(first);
    return lease === undefined ? undefined : publicLease(lease);
  }
  async openLease(lease: Omit<Lease, 'asks'>): Promise<boolean> {
    this.check('openLease', lease.infoType);
    const leases = this.leasesOf(lease.infoType);
    if (leases.has(lease.first)) return false;
    this.calls.itemWrites += 1;
    leases.set(lease.first, { ...lease, asks: 0 });
    return true;
  }
  async claimLease(infoType: string, first: Day, id: string, token: string, retryDue: string) {
    this.check('claimLease', infoType);
    const leases = this.leasesOf(infoType);
    const lease = leases.get(first);
    if (lease === undefined || lease.id !== id) return { kind: 'gone' } satisfies LeaseClaim;
    if (lease.asks === 0) {
      this.calls.itemWrites += 1;
      leases.set(first, { ...lease, asks: 1, askToken: token, retryDue });
      return { kind: 'claimed' } satisfies LeaseClaim;
    }
    if (lease.askToken === token) return { kind: 'claimed' } satisfies LeaseClaim;
    return { kind: 'taken', asks: lease.asks } satisfies LeaseClaim;
  }
  async deferLease(infoType: string, first: Day, id: string, nowIso: string, retryDue: string) {
    this.check('deferLease', infoType);
    const leases = this.leasesOf(infoType);
    const lease = leases.get(first);
    if (lease === undefined || lease.id !== id || lease.retryDue > nowIso) return false;
    this.calls.itemWrites += 1;
    leases.set(first, { ...lease, retryDue });
    return true;
  }
  async closeLease(infoType: string, first: Day, id: string) {
    this.check('closeLease', infoType);
    const leases = this.leasesOf(infoType);
    if (leases.get(first)?.id !== id) return;
    this.calls.itemWrites += 1;
    leases.delete(first);
  }

  async claimDates(infoType: string, days: readonly Day[], request: DateClaimRequest) {
    this.check('claimDates', infoType);
    const claims = new Map<Day, DateClaim>();
    for (const day of [...days].sort((a, b) => a - b)) {
      const before = this.series(infoType).get(day);
      if (before !== undefined && !this.inRetryPath(before)) {
        claims.set(day, { kind: 'done' });
        continue;
      }
      const made = before === undefined ? request.attemptsWithoutItem : attemptsOf(before);
      if (before?.claimToken === request.token) {
        claims.set(day, { kind: 'claimed', attempts: made });
        continue;
      }
      if (made + 1 > request.maxAttempts) {
        claims.set(day, {
          kind: 'spent',
          attempts: made,
          ...(before?.lastError === undefined ? {} : { lastError: before.lastError }),
        });
        continue;
      }
      this.calls.updates += 1;
      this.put(infoType, day, {
        ...(before ?? { value: null }),
        status: 'RETRY',
        attempts: made + 1,
        retryCount: made,
        claimToken: request.token,
        retryDue: request.retryDue,
      });
      claims.set(day, { kind: 'claimed', attempts: made + 1 });
    }
    return claims;
  }

  private inRetryPath(item: MemoryItem | undefined): boolean {
    return item !== undefined && (item.status === 'PENDING' || item.status === 'RETRY');
  }
  /**
   * As the DynamoDB condition of a failure record: only a missing item, or a retry-path item this delivery
   * claimed (or none did), and attempts never go down.
   */
  private mayRecord(before: MemoryItem | undefined, failure: FailureRecord): boolean {
    return (
      before === undefined ||
      (this.inRetryPath(before) &&
        (before.claimToken === undefined || before.claimToken === failure.token) &&
        attemptsOf(before) <= failure.attempts)
    );
  }
  async recordFailure(infoType: string, failure: FailureRecord) {
    this.check('recordFailure', infoType);
    this.calls.updates += 1;
    const before = this.series(infoType).get(failure.day);
    if (!this.mayRecord(before, failure)) return 'left-alone' as const;
    const absentAttempts = withAbsence(before?.absentAttempts, failure);
    this.put(infoType, failure.day, {
      claimToken: failure.token,
      status: 'RETRY',
      value: null,
      attempts: failure.attempts,
      retryCount: Math.max(0, failure.attempts - 1),
      lastError: clip(failure.error),
      retryDue: failure.retryDue,
      ...(absentAttempts === undefined ? {} : { absentAttempts }),
    });
    return 'recorded' as const;
  }
  async publishedAround(infoType: string, day: Day) {
    this.check('publishedAround', infoType);
    const days = [...this.series(infoType).keys()].sort((a, b) => a - b);
    const isOk = (at: Day) => this.series(infoType).get(at)?.status === 'OK';
    const before = days.filter((at) => at < day).slice(-NEIGHBOURS_CHECKED);
    const after = days.filter((at) => at > day).slice(0, NEIGHBOURS_CHECKED);
    return before.some(isOk) && after.some(isOk);
  }
  async markAbsent(infoType: string, failure: FailureRecord) {
    this.check('markAbsent', infoType);
    this.calls.updates += 1;
    const before = this.series(infoType).get(failure.day);
    // As the DynamoDB condition: recordFailure's, and every earlier attempt of the cycle an absence.
    const earlier = Array.from({ length: failure.attempts - 1 }, (_, index) => index + 1);
    const allAbsent = earlier.every((attempt) => before?.absentAttempts?.includes(attempt) ?? false);
    if (!this.mayRecord(before, failure) || !allAbsent) return false;
    this.put(infoType, failure.day, {
      claimToken: failure.token,
      status: 'ABSENT',
      value: null,
      attempts: failure.attempts,
      retryCount: Math.max(0, failure.attempts - 1),
      lastError: clip(failure.error),
      absentAttempts: withAbsence(before?.absentAttempts, { ...failure, absent: true }) ?? [],
    });
    return true;
  }
  async dueItems(nowIso: string): Promise<DueWork> {
    this.check('dueItems', '');
    const dates: DueItem[] = [];
    for (const [infoType, series] of this.items) {
      for (const [day, item] of series) {
        if (!this.inRetryPath(item) || (item.retryDue ?? '') > nowIso) continue;
        dates.push({
          infoType,
          day,
          status: item.status as 'PENDING' | 'RETRY',
          retryCount: item.retryCount,
          ...(item.lastError === undefined ? {} : { lastError: item.lastError }),
        });
      }
    }
    const leases: DueLease[] = [];
    for (const [infoType, series] of this.leases) {
      for (const lease of series.values())
        if (lease.retryDue <= nowIso) leases.push({ infoType, first: lease.first });
    }
    return { dates, leases };
  }
  async deferRetry(infoType: string, day: Day, from: number, nowIso: string, retryDue: string) {
    this.check('deferRetry', infoType);
    this.calls.updates += 1;
    const before = this.series(infoType).get(day);
    if (!this.inRetryPath(before) || before?.retryCount !== from || (before.retryDue ?? '') > nowIso)
      return false;
    this.put(infoType, day, { ...before, retryDue });
    return true;
  }
  async quarantine(infoType: string, day: Day, lastError: string, maxAttempts: number) {
    this.check('quarantine', infoType);
    this.calls.updates += 1;
    const before = this.series(infoType).get(day);
    // As the DynamoDB condition: a date without item, or a retry-path item whose every attempt was made.
    if (before !== undefined && !(this.inRetryPath(before) && attemptsOf(before) >= maxAttempts))
      return false;
    this.put(infoType, day, {
      status: 'QUARANTINED',
      value: null,
      retryCount: Math.max(0, maxAttempts - 1),
      lastError: clip(lastError),
      ...(before?.attempts === undefined ? {} : { attempts: before.attempts }),
      ...(before?.claimToken === undefined ? {} : { claimToken: before.claimToken }),
      ...(before?.absentAttempts === undefined ? {} : { absentAttempts: before.absentAttempts }),
    });
    return true;
  }
  async retireDate(infoType: string, day: Day) {
    this.check('retireDate', infoType);
    this.calls.itemWrites += 1;
    if (!this.inRetryPath(this.series(infoType).get(day))) return false;
    this.series(infoType).delete(day);
    return true;
  }
  async listQuarantined(infoType?: string): Promise<QuarantinedItem[]> {
    this.check('listQuarantined', infoType ?? '');
    const found: QuarantinedItem[] = [];
    for (const [series, items] of this.items) {
      if (infoType !== undefined && series !== infoType) continue;
      for (const [day, item] of items) {
        if (item.status !== 'QUARANTINED' && item.status !== 'ABSENT') continue;
        found.push({
          infoType: series,
          day,
          status: item.status,
          retryCount: item.retryCount,
          ...(item.lastError === undefined ? {} : { lastError: item.lastError }),
        });
      }
    }
    return found.sort((a, b) =>
      a.infoType === b.infoType ? a.day - b.day : a.infoType < b.infoType ? -1 : 1,
    );
  }
  async release(infoType: string, day: Day, retryDue: string) {
    this.check('release', infoType);
    const before = this.series(infoType).get(day);
    if (before?.status !== 'QUARANTINED' && before?.status !== 'ABSENT') return false;
    this.put(infoType, day, {
      status: 'RETRY',
      value: null,
      retryCount: 0,
      attempts: 0,
      retryDue,
      // A token no delivery holds: deliveries from before the release can no longer record on the date.
      claimToken: `released:${retryDue}`,
      ...(before.lastError === undefined ? {} : { lastError: before.lastError }),
    });
    return true;
  }
}

const MAX_ERROR_LENGTH = 1000;

/** An error text cut as the DynamoDB adapter stores it: 1000 characters, never half a surrogate pair. */
function clip(text: string): string {
  if (text.length <= MAX_ERROR_LENGTH) return text;
  const code = text.charCodeAt(MAX_ERROR_LENGTH - 1);
  const isHighSurrogate = code >= 0xd800 && code <= 0xdbff;
  return text.slice(0, isHighSurrogate ? MAX_ERROR_LENGTH - 1 : MAX_ERROR_LENGTH);
}

/** Attempts an item has made; items written before the ledger count retries spent, one fewer. */
function attemptsOf(item: MemoryItem): number {
  return item.attempts ?? item.retryCount + 1;
}

/** The absences of a cycle with this failure's attempt added when it is one (a set: adding twice is once). */
function withAbsence(
  absences: readonly number[] | undefined,
  failure: FailureRecord,
): readonly number[] | undefined {
  if (!failure.absent) return absences;
  const all = new Set(absences ?? []);
  all.add(failure.attempts);
  return [...all].sort((a, b) => a - b);
}

function publicLease(lease: MemoryLease): Lease {
  const { askToken: _askToken, ...rest } = lease;
  return rest;
}
