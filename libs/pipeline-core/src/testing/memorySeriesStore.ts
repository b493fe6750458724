import type { Day } from '../dates.js';
import type {
  BatchWriteOutcome,
  DueItem,
  FailureRecord,
  QuarantinedItem,
  SeriesStore,
} from '../seriesStore.js';

export interface MemoryItem {
  status: 'OK' | 'PENDING' | 'RETRY' | 'QUARANTINED';
  value: number | null;
  retryCount: number;
  lastError?: string;
  retryDue?: string;
  source?: string;
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
 * the services. It keeps a log of writes so tests can check invariants over a whole run.
 */
export class MemorySeriesStore implements SeriesStore {
  readonly items = new Map<string, Map<Day, MemoryItem>>();
  readonly watermarks = new Map<string, Day>();
  readonly claims = new Set<string>();
  readonly log: WriteEvent[] = [];
  readonly calls = { presentDays: 0, batchWrites: 0, updates: 0 };
  /** Set to make the next batch writes leave these days unwritten. */
  unwritable = new Set<Day>();
  /** Makes an operation throw, as DynamoDB failing after the SDK's retries would (null: it succeeds). */
  fault: (operation: keyof SeriesStore, infoType: string) => Error | null = () => null;

  series(infoType: string): Map<Day, MemoryItem> {
    let series = this.items.get(infoType);
    if (!series) this.items.set(infoType, (series = new Map()));
    return series;
  }

  private put(infoType: string, day: Day, after: MemoryItem): void {
    const series = this.series(infoType);
    this.log.push({ infoType, day, before: series.get(day), after });
    series.set(day, after);
  }

  async readWatermark(infoType: string) {
    return this.watermarks.get(infoType);
  }
  async writeWatermark(infoType: string, through: Day) {
    this.watermarks.set(infoType, through);
  }
  private check(operation: keyof SeriesStore, infoType: string): void {
    const error = this.fault(operation, infoType);
    if (error !== null) throw error;
  }
  async presentDays(infoType: string, from = -Infinity) {
    this.check('presentDays', infoType);
    this.calls.presentDays += 1;
    const days = [...this.series(infoType).keys()].filter((day) => day >= from).sort((a, b) => a - b);
    return Int32Array.from(days);
  }
  private batch(
    infoType: string,
    days: readonly Day[],
    make: (day: Day, index: number) => MemoryItem,
  ): BatchWriteOutcome {
    const unwritten: Day[] = [];
    days.forEach((day, index) => {
      if (this.unwritable.has(day)) unwritten.push(day);
      else this.put(infoType, day, make(day, index));
    });
    const calls = Math.ceil(days.length / 25);
    this.calls.batchWrites += calls;
    return { unwritten, calls, unprocessedRetries: 0 };
  }
  async writePlaceholders(infoType: string, days: readonly Day[], retryDue: string) {
    this.check('writePlaceholders', infoType);
    return this.batch(infoType, days, () => ({ status: 'PENDING', value: null, retryCount: 0, retryDue }));
  }
  async writeValues(infoType: string, source: string, values: readonly { day: Day; value: number }[]) {
    this.check('writeValues', infoType);
    return this.batch(
      infoType,
      values.map((v) => v.day),
      (_, index) => ({
        status: 'OK',
        value: (values[index] as { value: number }).value,
        retryCount: 0,
        source,
      }),
    );
  }
  private inRetryPath(item: MemoryItem | undefined): boolean {
    return item !== undefined && (item.status === 'PENDING' || item.status === 'RETRY');
  }
  async recordFailure(infoType: string, failure: FailureRecord) {
    this.check('recordFailure', infoType);
    this.calls.updates += 1;
    const before = this.series(infoType).get(failure.day);
    // As the DynamoDB condition: only a missing or retry-path item, and retry_count never goes down.
    const allowed =
      before === undefined || (this.inRetryPath(before) && before.retryCount <= failure.retryCount);
    if (!allowed) return 'left-alone' as const;
    this.put(infoType, failure.day, {
      status: 'RETRY',
      value: null,
      retryCount: failure.retryCount,
      lastError: failure.error,
      retryDue: failure.retryDue,
    });
    return 'recorded' as const;
  }
  async claimAttempt(infoType: string, first: Day, last: Day, attempt: number) {
    this.check('claimAttempt', infoType);
    const key = `${infoType}|${first}|${last}|${attempt}`;
    if (this.claims.has(key)) return false;
    this.claims.add(key);
    return true;
  }
  async dueItems(nowIso: string): Promise<DueItem[]> {
    const due: DueItem[] = [];
    for (const [infoType, series] of this.items) {
      for (const [day, item] of series) {
        if (!this.inRetryPath(item) || (item.retryDue ?? '') > nowIso) continue;
        due.push({
          infoType,
          day,
          status: item.status as 'PENDING' | 'RETRY',
          retryCount: item.retryCount,
          ...(item.lastError === undefined ? {} : { lastError: item.lastError }),
        });
      }
    }
    return due;
  }
  async spendRetry(infoType: string, day: Day, from: number, retryDue: string) {
    this.check('spendRetry', infoType);
    this.calls.updates += 1;
    const before = this.series(infoType).get(day);
    if (!this.inRetryPath(before) || before?.retryCount !== from) return false;
    this.put(infoType, day, { ...before, status: 'RETRY', retryCount: from + 1, retryDue });
    return true;
  }
  async quarantine(infoType: string, day: Day, lastError: string, retryCount: number) {
    this.check('quarantine', infoType);
    this.calls.updates += 1;
    const before = this.series(infoType).get(day);
    if (!this.inRetryPath(before)) return false;
    this.put(infoType, day, { status: 'QUARANTINED', value: null, retryCount, lastError });
    return true;
  }
  async listQuarantined(infoType?: string): Promise<QuarantinedItem[]> {
    const found: QuarantinedItem[] = [];
    for (const [series, items] of this.items) {
      if (infoType !== undefined && series !== infoType) continue;
      for (const [day, item] of items) {
        if (item.status !== 'QUARANTINED') continue;
        found.push({
          infoType: series,
          day,
          retryCount: item.retryCount,
          ...(item.lastError ? { lastError: item.lastError } : {}),
        });
      }
    }
    return found.sort((a, b) =>
      a.infoType === b.infoType ? a.day - b.day : a.infoType < b.infoType ? -1 : 1,
    );
  }
  async release(infoType: string, day: Day, retryDue: string) {
    const before = this.series(infoType).get(day);
    if (before?.status !== 'QUARANTINED') return false;
    this.put(infoType, day, {
      status: 'RETRY',
      value: null,
      retryCount: 0,
      retryDue,
      lastError: before.lastError ?? '',
    });
    return true;
  }
}
