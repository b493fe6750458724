import { fc } from '@fast-check/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import {
  NEIGHBOURS_CHECKED,
  parseIsoDate,
  type DateClaim,
  type DateClaimRequest,
  type Day,
  type DueWork,
  type FailureRecord,
  type QuarantinedItem,
  type SeriesStore,
} from '@gapless/pipeline-core';
import { MemorySeriesStore } from '@gapless/pipeline-core/testing';

/**
 * One conformance suite of the `SeriesStore` port, run unchanged against every backend: the in-memory store
 * the services' model tests rely on, and the DynamoDB adapter on dynalite and on DynamoDB Local. The cases
 * pin down what the port promises (docs/DESIGN.md, "The work ledger"); the property at the end applies the
 * same random operations to the backend and to a fresh memory store and asks for the same observable state.
 */

/** A PENDING or RETRY item as tables written before the work ledger hold it: no `attempts`, no claim token. */
export interface LegacyItem {
  readonly status: 'PENDING' | 'RETRY';
  /** Retries spent: the item has made one attempt more. */
  readonly retryCount: number;
  readonly retryDue: string;
  readonly lastError?: string;
}

/** A fresh, empty backend: its store, and a raw write around the store for what the store no longer writes. */
export interface ConformanceBackend {
  readonly store: SeriesStore;
  /** Writes (or replaces) a legacy item as the backend's own raw write (DynamoDB: a PutItem). */
  seedLegacy(infoType: string, day: Day, item: LegacyItem): Promise<void>;
  close(): Promise<void>;
}

/** Opens a fresh backend whose store reads the time from `now` (a store without a clock of its own ignores it). */
export type OpenBackend = (now: () => Date) => Promise<ConformanceBackend>;

export interface ConformanceOptions {
  /** Random sequences the conformance property tries (default 30). */
  readonly numRuns?: number;
  /** Timeout of each case, in ms (default 20 s; the property gets three times as much). */
  readonly timeout?: number;
}

/** The memory store as a backend; `seedLegacy` writes its map directly, as a test of the services would. */
export async function openMemoryBackend(): Promise<ConformanceBackend> {
  const store = new MemorySeriesStore();
  return {
    store,
    async seedLegacy(infoType, day, item) {
      store.series(infoType).set(day, {
        status: item.status,
        value: null,
        retryCount: item.retryCount,
        retryDue: item.retryDue,
        ...(item.lastError === undefined ? {} : { lastError: item.lastError }),
      });
    },
    async close() {},
  };
}

const USD = 'CONF#USD';
const EUR = 'CONF#EUR';
/** A series whose name is the start of another's: its dates must never be mistaken for CONF#USD's. */
const US = 'CONF#US';
const day = (iso: string): Day => parseIsoDate(iso);
const jan = (date: number): Day => day(`2024-01-${String(date).padStart(2, '0')}`);
const [jan1, jan2, jan3, jan4, jan5, jan6] = [jan(1), jan(2), jan(3), jan(4), jan(5), jan(6)];
const [jan8, jan9, jan10, jan12] = [jan(8), jan(9), jan(10), jan(12)];

const BEFORE = '2024-03-01T10:00:00.000Z';
const EARLY = '2024-03-01T11:00:00.000Z';
const DUE = '2024-03-01T12:00:00.000Z';
const LATE = '2024-03-01T13:00:00.000Z';
/** Where a claim pushes a date or a lease while its delivery works on it. */
const INFLIGHT = '2024-03-01T14:00:00.000Z';
const LATER = '2024-03-01T15:00:00.000Z';
/** After every due time of the suite: what is on the retry path at all. */
const END = '2024-04-01T00:00:00.000Z';
/** The stores' clock, unless a case moves it. */
const CLOCK_START = '2024-03-01T12:30:00.000Z';
/** A token no delivery of the suite holds: what `ledgerOf` claims with. */
const PROBE = 'conformance-probe';

function request(token: string, overrides: Partial<DateClaimRequest> = {}): DateClaimRequest {
  return { token, maxAttempts: 6, attemptsWithoutItem: 0, retryDue: INFLIGHT, ...overrides };
}

function failure(
  on: Day,
  attempts: number,
  token: string,
  overrides: Partial<FailureRecord> = {},
): FailureRecord {
  return { day: on, error: 'HTTP 504', attempts, retryDue: DUE, token, ...overrides };
}

/**
 * What `claimDates` answers for each date without claiming anything: with `maxAttempts` 0 a date on the retry
 * path is `spent` with the attempts it has made and its last error, a date without item `spent` with 0, and
 * an OK or QUARANTINED date `done`. The port's own window on the ledger, the same on every backend.
 */
function ledgerOf(store: SeriesStore, infoType: string, days: readonly Day[]): Promise<Map<Day, DateClaim>> {
  return store.claimDates(infoType, days, {
    token: PROBE,
    maxAttempts: 0,
    attemptsWithoutItem: 0,
    retryDue: END,
  });
}

/** The port promises no order of due work: by series, then date. */
function sortedDue(work: DueWork): DueWork {
  const byKey =
    <T>(key: (item: T) => [string, number]) =>
    (a: T, b: T) => {
      const [seriesA, dayA] = key(a);
      const [seriesB, dayB] = key(b);
      return seriesA === seriesB ? dayA - dayB : seriesA < seriesB ? -1 : 1;
    };
  return {
    dates: [...work.dates].sort(byKey((item) => [item.infoType, item.day])),
    leases: [...work.leases].sort(byKey((lease) => [lease.infoType, lease.first])),
  };
}

async function dueAt(store: SeriesStore, nowIso: string): Promise<DueWork> {
  return sortedDue(await store.dueItems(nowIso));
}

const list = (days: Int32Array): Day[] => Array.from(days);

/**
 * Quarantined items without `updatedAt`, after checking it: the port makes it optional (the memory store has
 * no clock and leaves it out), but a backend that gives it must give the time of the quarantine.
 */
function withoutStamp(items: readonly QuarantinedItem[], stampOf: (item: QuarantinedItem) => string) {
  for (const item of items) {
    if (item.updatedAt !== undefined)
      expect(item.updatedAt, `updatedAt of ${item.infoType} ${item.day}`).toBe(stampOf(item));
  }
  return items.map(({ updatedAt: _updatedAt, ...rest }) => rest);
}

export function describeStoreConformance(
  backend: string,
  open: OpenBackend,
  options: ConformanceOptions = {},
): void {
  const timeout = options.timeout ?? 20_000;

  describe(`SeriesStore conformance: ${backend}`, { timeout }, () => {
    const clock = { at: new Date(CLOCK_START) };
    const opened: ConformanceBackend[] = [];
    /** A fresh backend for one case, closed after it. */
    const fresh = async (): Promise<ConformanceBackend> => {
      clock.at = new Date(CLOCK_START);
      const opening = await open(() => clock.at);
      opened.push(opening);
      return opening;
    };
    afterEach(async () => {
      for (const used of opened.splice(0)) await used.close();
    });

    describe('watermarks', () => {
      it('reads no watermark before one is written, then the last one written of each series, all in one read', async () => {
        // Prepare
        const { store } = await fresh();
        const before = await store.readWatermarks();

        // Act
        const writes = [
          await store.writeWatermarks(
            new Map([
              [USD, jan5],
              [EUR, jan2],
            ]),
          ),
          await store.writeWatermarks(new Map([[USD, jan3]])),
          await store.writeWatermarks(new Map()),
        ];

        // Assess
        expect(before).toEqual(new Map());
        expect(writes).toEqual([
          { unwritten: [], calls: 1 },
          { unwritten: [], calls: 1 },
          { unwritten: [], calls: 0 },
        ]);
        expect(await store.readWatermarks()).toEqual(
          new Map([
            [USD, jan3],
            [EUR, jan2],
          ]),
        );
        expect(list(await store.presentDays(USD))).toEqual([]);
        expect(list(await store.presentDays(US))).toEqual([]);
      });

      it('writes a catalog of watermarks in batches of 25 and reads them all back', async () => {
        // Prepare
        const { store } = await fresh();
        const catalog = new Map(
          Array.from({ length: 60 }, (_, index): [string, Day] => [`CONF#S${index}`, jan1 + index]),
        );

        // Act
        const written = await store.writeWatermarks(catalog);

        // Assess
        expect(written).toEqual({ unwritten: [], calls: 3 });
        expect(await store.readWatermarks()).toEqual(catalog);
        expect(await dueAt(store, END)).toEqual({ dates: [], leases: [] });
        expect(await store.listQuarantined()).toEqual([]);
      });
    });

    describe('presentDays', () => {
      it('lists every date that has an item, whatever its status, ascending; not leases, not other series', async () => {
        // Prepare
        const { store, seedLegacy } = await fresh();
        await store.writeValues(USD, 'simulated', [
          { day: jan6, value: 1.5 },
          { day: jan2, value: 1.25 },
        ]);
        await store.recordFailure(USD, failure(jan4, 1, 'delivery-a'));
        await store.quarantine(USD, jan5, 'never answered', 3);
        await seedLegacy(USD, jan3, { status: 'PENDING', retryCount: 0, retryDue: DUE });
        await store.claimDates(USD, [jan8], request('delivery-a'));
        await store.openLease({ infoType: USD, id: 'lease-1', first: jan10, last: jan12, retryDue: DUE });
        await store.writeWatermarks(new Map([[USD, jan12]]));
        await store.writeValues(EUR, 'simulated', [{ day: jan1, value: 2 }]);

        // Act
        const present = await store.presentDays(USD);

        // Assess
        expect(present).toBeInstanceOf(Int32Array);
        expect(list(present)).toEqual([jan2, jan3, jan4, jan5, jan6, jan8]);
        expect(list(await store.presentDays(EUR))).toEqual([jan1]);
        expect(list(await store.presentDays(US))).toEqual([]);
      });

      it('bounds the dates to [from, to], with either end open', async () => {
        // Prepare
        const { store } = await fresh();
        const dates = [
          '2023-12-31',
          '2024-01-01',
          '2024-01-02',
          '2024-02-29',
          '2024-10-01',
          '2025-01-01',
        ].map(day);
        const [dec31, first, second, leap, oct1, next] = dates as [Day, Day, Day, Day, Day, Day];
        await store.writeValues(
          USD,
          'simulated',
          dates.map((at) => ({ day: at, value: 1 })),
        );

        // Act
        const ranges = {
          from: list(await store.presentDays(USD, second)),
          to: list(await store.presentDays(USD, undefined, first)),
          both: list(await store.presentDays(USD, first, leap)),
          between: list(await store.presentDays(USD, first + 1, oct1 - 1)),
          one: list(await store.presentDays(USD, leap, leap)),
          none: list(await store.presentDays(USD, leap + 1, oct1 - 1)),
          beyond: list(await store.presentDays(USD, next + 1)),
        };

        // Assess
        expect(ranges).toEqual({
          from: [second, leap, oct1, next],
          to: [dec31, first],
          both: [first, second, leap],
          between: [second, leap],
          one: [leap],
          none: [],
          beyond: [],
        });
      });

      it('answers no dates for a range that ends before it starts', async () => {
        // Prepare
        const { store } = await fresh();
        await store.writeValues(USD, 'simulated', [
          { day: jan2, value: 1 },
          { day: jan3, value: 1 },
        ]);

        // Act
        const present = await store.presentDays(USD, jan3, jan2);

        // Assess
        expect(list(present)).toEqual([]);
      });
    });

    describe('writeValues', () => {
      it('writes good values as OK in calls of 25: present, and off the retry path and the quarantine', async () => {
        // Prepare
        const { store, seedLegacy } = await fresh();
        await store.recordFailure(USD, failure(jan2, 1, 'delivery-a'));
        await store.quarantine(USD, jan3, 'never answered', 3);
        await seedLegacy(USD, jan4, { status: 'PENDING', retryCount: 0, retryDue: DUE });
        const days = Array.from({ length: 30 }, (_, index) => jan1 + index);
        const values = days.map((at, index) => ({ day: at, value: 5 + index / 4 }));

        // Act
        const outcome = await store.writeValues(USD, 'simulated', values);
        const none = await store.writeValues(USD, 'simulated', []);

        // Assess
        expect(outcome).toEqual({ unwritten: [], calls: 2, unprocessedRetries: 0 });
        expect(none).toEqual({ unwritten: [], calls: 0, unprocessedRetries: 0 });
        expect(list(await store.presentDays(USD))).toEqual(days);
        expect(list(await store.presentDays(EUR))).toEqual([]);
        expect(await dueAt(store, END)).toEqual({ dates: [], leases: [] });
        expect(await store.listQuarantined()).toEqual([]);
        expect(await ledgerOf(store, USD, [jan2, jan3, jan4])).toEqual(
          new Map([
            [jan2, { kind: 'done' }],
            [jan3, { kind: 'done' }],
            [jan4, { kind: 'done' }],
          ]),
        );
      });

      it('writes a day given twice in one call once, without refusing the call', async () => {
        // Prepare
        const { store } = await fresh();

        // Act
        const outcome = await store.writeValues(USD, 'simulated', [
          { day: jan1, value: 5 },
          { day: jan2, value: 6 },
          { day: jan1, value: 7 },
        ]);

        // Assess
        expect(outcome).toEqual({ unwritten: [], calls: 1, unprocessedRetries: 0 });
        expect(list(await store.presentDays(USD))).toEqual([jan1, jan2]);
      });
    });

    describe('leases', () => {
      const lease = { infoType: USD, id: 'lease-1', first: jan8, last: jan12, retryDue: DUE };

      it('lives once per first date: claimed once, deferred when due with its id, closed with its id', async () => {
        // Prepare
        const { store } = await fresh();

        // Act
        const opens = [
          await store.openLease(lease),
          await store.openLease({ ...lease, id: 'lease-2', last: jan9 }),
        ];
        const opened = {
          listed: await store.listLeases(USD),
          read: await store.getLease(USD, jan8),
          other: await store.getLease(USD, jan9),
          otherSeries: await store.listLeases(US),
        };
        const claims = [
          await store.claimLease(USD, jan8, 'lease-1', 'delivery-a', INFLIGHT),
          await store.claimLease(USD, jan8, 'lease-1', 'delivery-a', LATER),
          await store.claimLease(USD, jan8, 'lease-1', 'delivery-b', LATER),
          await store.claimLease(USD, jan8, 'lease-2', 'delivery-c', LATER),
          await store.claimLease(USD, jan9, 'lease-1', 'delivery-c', LATER),
        ];
        const claimed = await store.getLease(USD, jan8);
        const deferrals = [
          await store.deferLease(USD, jan8, 'lease-1', LATE, LATER),
          await store.deferLease(USD, jan8, 'lease-2', INFLIGHT, LATER),
          await store.deferLease(USD, jan8, 'lease-1', INFLIGHT, LATER),
          await store.deferLease(USD, jan8, 'lease-1', INFLIGHT, LATER),
        ];
        const deferred = await store.getLease(USD, jan8);
        await store.closeLease(USD, jan8, 'lease-2');
        const afterWrongClose = await store.listLeases(USD);
        await store.closeLease(USD, jan8, 'lease-1');
        await store.closeLease(USD, jan8, 'lease-1');
        const closed = {
          read: await store.getLease(USD, jan8),
          listed: await store.listLeases(USD),
          claim: await store.claimLease(USD, jan8, 'lease-1', 'delivery-d', LATER),
          deferral: await store.deferLease(USD, jan8, 'lease-1', END, END),
          reopened: await store.openLease({ ...lease, id: 'lease-3' }),
        };

        // Assess
        expect(opens).toEqual([true, false]);
        expect(opened).toEqual({
          listed: [{ ...lease, asks: 0 }],
          read: { ...lease, asks: 0 },
          other: undefined,
          otherSeries: [],
        });
        expect(claims).toEqual([
          { kind: 'claimed' },
          { kind: 'claimed' },
          { kind: 'taken', asks: 1 },
          { kind: 'gone' },
          { kind: 'gone' },
        ]);
        expect(claimed).toEqual({ ...lease, asks: 1, retryDue: INFLIGHT });
        expect(deferrals).toEqual([false, false, true, false]);
        expect(deferred).toEqual({ ...lease, asks: 1, retryDue: LATER });
        expect(afterWrongClose).toEqual([{ ...lease, asks: 1, retryDue: LATER }]);
        expect(closed).toEqual({
          read: undefined,
          listed: [],
          claim: { kind: 'gone' },
          deferral: false,
          reopened: true,
        });
      });

      it('keeps the leases of a series apart from each other and from its dates', async () => {
        // Prepare
        const { store } = await fresh();
        const second = { ...lease, id: 'lease-2', first: jan2, last: jan3 };

        // Act
        const opens = [await store.openLease(lease), await store.openLease(second)];
        await store.claimLease(USD, jan2, 'lease-2', 'delivery-a', INFLIGHT);
        const leases = [...(await store.listLeases(USD))].sort((a, b) => a.first - b.first);

        // Assess
        expect(opens).toEqual([true, true]);
        expect(leases).toEqual([
          { ...second, asks: 1, retryDue: INFLIGHT },
          { ...lease, asks: 0 },
        ]);
        expect(list(await store.presentDays(USD))).toEqual([]);
        expect(await ledgerOf(store, USD, [jan2, jan8])).toEqual(
          new Map([
            [jan2, { kind: 'spent', attempts: 0 }],
            [jan8, { kind: 'spent', attempts: 0 }],
          ]),
        );
      });

      it('lets one of two overlapping opens, and one of two overlapping first claims, win', async () => {
        // Prepare
        const { store } = await fresh();

        // Act
        const opens = await Promise.all([
          store.openLease(lease),
          store.openLease({ ...lease, id: 'lease-2', last: jan9 }),
        ]);
        const winner = opens[0] ? 'lease-1' : 'lease-2';
        const claims = await Promise.all([
          store.claimLease(USD, jan8, winner, 'delivery-a', INFLIGHT),
          store.claimLease(USD, jan8, winner, 'delivery-b', LATER),
        ]);

        // Assess
        expect(opens.filter(Boolean)).toHaveLength(1);
        expect(claims.filter((claim) => claim.kind === 'claimed')).toHaveLength(1);
        expect(claims.filter((claim) => claim.kind !== 'claimed')).toEqual([{ kind: 'taken', asks: 1 }]);
        const claimedDue = claims[0]?.kind === 'claimed' ? INFLIGHT : LATER;
        expect(await store.listLeases(USD)).toEqual([
          { ...lease, id: winner, last: opens[0] ? jan12 : jan9, asks: 1, retryDue: claimedDue },
        ]);
      });

      it('puts a lease on dueItems().leases from its retryDue on, and dates on dueItems().dates', async () => {
        // Prepare
        const { store, seedLegacy } = await fresh();
        await store.openLease(lease);
        await store.openLease({ infoType: EUR, id: 'lease-2', first: jan8, last: jan8, retryDue: LATE });
        await store.openLease({ infoType: US, id: 'lease-3', first: jan9, last: jan9, retryDue: DUE });
        await store.recordFailure(USD, failure(jan2, 2, 'delivery-a'));
        await store.recordFailure(EUR, failure(jan3, 1, 'delivery-a', { retryDue: LATE, error: 'HTTP 503' }));
        await seedLegacy(USD, jan4, { status: 'PENDING', retryCount: 0, retryDue: EARLY, lastError: 'old' });
        await store.writeValues(USD, 'simulated', [{ day: jan5, value: 1 }]);
        await store.quarantine(USD, jan6, 'gave up', 1);

        // Act
        const before = await dueAt(store, BEFORE);
        const early = await dueAt(store, EARLY);
        const due = await dueAt(store, DUE);
        const late = await dueAt(store, LATE);
        await store.claimLease(USD, jan8, 'lease-1', 'delivery-a', INFLIGHT);
        await store.closeLease(US, jan9, 'lease-3');
        const claimed = await dueAt(store, LATE);
        const inflight = await dueAt(store, INFLIGHT);

        // Assess
        const legacy = { infoType: USD, day: jan4, status: 'PENDING', retryCount: 0, lastError: 'old' };
        const usdDate = { infoType: USD, day: jan2, status: 'RETRY', retryCount: 1, lastError: 'HTTP 504' };
        const eurDate = { infoType: EUR, day: jan3, status: 'RETRY', retryCount: 0, lastError: 'HTTP 503' };
        const [eurLease, usLease, usdLease] = [
          { infoType: EUR, first: jan8 },
          { infoType: US, first: jan9 },
          { infoType: USD, first: jan8 },
        ];
        expect(before).toEqual({ dates: [], leases: [] });
        expect(early).toEqual({ dates: [legacy], leases: [] });
        expect(due).toEqual({ dates: [usdDate, legacy], leases: [usLease, usdLease] });
        expect(late).toEqual({ dates: [eurDate, usdDate, legacy], leases: [eurLease, usLease, usdLease] });
        expect(claimed).toEqual({ dates: [eurDate, usdDate, legacy], leases: [eurLease] });
        expect(inflight).toEqual({ dates: [eurDate, usdDate, legacy], leases: [eurLease, usdLease] });
      });
    });

    describe('claimDates', () => {
      it('claims a date without an item as the attempts made without item, plus this one', async () => {
        // Prepare
        const { store } = await fresh();

        // Act
        const fresh0 = await store.claimDates(
          USD,
          [jan3, jan2],
          request('delivery-a', { attemptsWithoutItem: 0 }),
        );
        const fresh1 = await store.claimDates(EUR, [jan2], request('delivery-a', { attemptsWithoutItem: 1 }));

        // Assess
        expect(fresh0).toEqual(
          new Map([
            [jan2, { kind: 'claimed', attempts: 1 }],
            [jan3, { kind: 'claimed', attempts: 1 }],
          ]),
        );
        expect(fresh1).toEqual(new Map([[jan2, { kind: 'claimed', attempts: 2 }]]));
        expect(list(await store.presentDays(USD))).toEqual([jan2, jan3]);
        expect(await dueAt(store, LATE)).toEqual({ dates: [], leases: [] });
        expect(await dueAt(store, INFLIGHT)).toEqual({
          dates: [
            { infoType: EUR, day: jan2, status: 'RETRY', retryCount: 1 },
            { infoType: USD, day: jan2, status: 'RETRY', retryCount: 0 },
            { infoType: USD, day: jan3, status: 'RETRY', retryCount: 0 },
          ],
          leases: [],
        });
        expect(await ledgerOf(store, EUR, [jan2])).toEqual(new Map([[jan2, { kind: 'spent', attempts: 2 }]]));
      });

      it('claims a date that made n attempts as attempt n + 1, keeping its last error, due at the claim', async () => {
        // Prepare
        const { store } = await fresh();
        await store.recordFailure(USD, failure(jan2, 2, 'delivery-a'));

        // Act
        const claims = [
          (await store.claimDates(USD, [jan2], request('delivery-b', { attemptsWithoutItem: 5 }))).get(jan2),
          (await store.claimDates(USD, [jan2], request('delivery-c', { retryDue: LATER }))).get(jan2),
        ];

        // Assess
        expect(claims).toEqual([
          { kind: 'claimed', attempts: 3 },
          { kind: 'claimed', attempts: 4 },
        ]);
        expect(await dueAt(store, INFLIGHT)).toEqual({ dates: [], leases: [] });
        expect(await dueAt(store, LATER)).toEqual({
          dates: [{ infoType: USD, day: jan2, status: 'RETRY', retryCount: 3, lastError: 'HTTP 504' }],
          leases: [],
        });
        expect(await ledgerOf(store, USD, [jan2])).toEqual(
          new Map([[jan2, { kind: 'spent', attempts: 4, lastError: 'HTTP 504' }]]),
        );
      });

      it('counts retry_count + 1 attempts on a PENDING or RETRY item from before the ledger', async () => {
        // Prepare
        const { store, seedLegacy } = await fresh();
        await seedLegacy(USD, jan2, { status: 'PENDING', retryCount: 0, retryDue: DUE });
        await seedLegacy(USD, jan3, { status: 'RETRY', retryCount: 2, retryDue: DUE, lastError: 'HTTP 500' });
        const dueBefore = await dueAt(store, DUE);

        // Act
        const claims = await store.claimDates(
          USD,
          [jan2, jan3],
          request('delivery-a', { attemptsWithoutItem: 1 }),
        );

        // Assess
        expect(dueBefore).toEqual({
          dates: [
            { infoType: USD, day: jan2, status: 'PENDING', retryCount: 0 },
            { infoType: USD, day: jan3, status: 'RETRY', retryCount: 2, lastError: 'HTTP 500' },
          ],
          leases: [],
        });
        expect(claims).toEqual(
          new Map([
            [jan2, { kind: 'claimed', attempts: 2 }],
            [jan3, { kind: 'claimed', attempts: 4 }],
          ]),
        );
        expect(await dueAt(store, INFLIGHT)).toEqual({
          dates: [
            { infoType: USD, day: jan2, status: 'RETRY', retryCount: 1 },
            { infoType: USD, day: jan3, status: 'RETRY', retryCount: 3, lastError: 'HTTP 500' },
          ],
          leases: [],
        });
      });

      it('answers done for OK and QUARANTINED dates, and writes nothing on them', async () => {
        // Prepare
        const { store } = await fresh();
        await store.writeValues(USD, 'simulated', [{ day: jan2, value: 1 }]);
        await store.quarantine(USD, jan3, 'never answered', 3);

        // Act
        const claims = await store.claimDates(
          USD,
          [jan2, jan3],
          request('delivery-a', { maxAttempts: 9, attemptsWithoutItem: 0 }),
        );

        // Assess
        expect(claims).toEqual(
          new Map([
            [jan2, { kind: 'done' }],
            [jan3, { kind: 'done' }],
          ]),
        );
        expect(await dueAt(store, END)).toEqual({ dates: [], leases: [] });
        expect((await store.listQuarantined()).map((item) => item.day)).toEqual([jan3]);
      });

      it('answers spent, with the last error, for a date whose next attempt would pass maxAttempts', async () => {
        // Prepare
        const { store, seedLegacy } = await fresh();
        await store.recordFailure(USD, failure(jan2, 3, 'delivery-a', { error: 'HTTP 503' }));
        await seedLegacy(USD, jan3, { status: 'RETRY', retryCount: 2, retryDue: DUE, lastError: 'HTTP 500' });
        await store.recordFailure(USD, failure(jan5, 2, 'delivery-a'));

        // Act
        const claims = await store.claimDates(
          USD,
          [jan2, jan3, jan4, jan5],
          request('delivery-b', { maxAttempts: 3, attemptsWithoutItem: 3 }),
        );

        // Assess
        expect(claims).toEqual(
          new Map([
            [jan2, { kind: 'spent', attempts: 3, lastError: 'HTTP 503' }],
            [jan3, { kind: 'spent', attempts: 3, lastError: 'HTTP 500' }],
            [jan4, { kind: 'spent', attempts: 3 }],
            [jan5, { kind: 'claimed', attempts: 3 }],
          ]),
        );
        expect(list(await store.presentDays(USD))).toEqual([jan2, jan3, jan5]);
        expect(await dueAt(store, DUE)).toEqual({
          dates: [
            { infoType: USD, day: jan2, status: 'RETRY', retryCount: 2, lastError: 'HTTP 503' },
            { infoType: USD, day: jan3, status: 'RETRY', retryCount: 2, lastError: 'HTTP 500' },
          ],
          leases: [],
        });
      });

      it('adds nothing when the same token claims again: its own claim, even at the limit', async () => {
        // Prepare
        const { store } = await fresh();
        await store.recordFailure(USD, failure(jan2, 1, 'delivery-0'));
        const claim = request('delivery-a', { maxAttempts: 2, attemptsWithoutItem: 1 });

        // Act
        const first = await store.claimDates(USD, [jan2, jan3], claim);
        const again = await store.claimDates(USD, [jan2, jan3], { ...claim, retryDue: LATER });

        // Assess
        const claimed = new Map([
          [jan2, { kind: 'claimed', attempts: 2 }],
          [jan3, { kind: 'claimed', attempts: 2 }],
        ]);
        expect(first).toEqual(claimed);
        expect(again).toEqual(claimed);
        expect(await dueAt(store, INFLIGHT)).toEqual({
          dates: [
            { infoType: USD, day: jan2, status: 'RETRY', retryCount: 1, lastError: 'HTTP 504' },
            { infoType: USD, day: jan3, status: 'RETRY', retryCount: 1 },
          ],
          leases: [],
        });
        expect(await store.claimDates(USD, [jan2], request('delivery-b', { maxAttempts: 2 }))).toEqual(
          new Map([[jan2, { kind: 'spent', attempts: 2, lastError: 'HTTP 504' }]]),
        );
      });
    });

    describe('claimDates at the same moment', () => {
      it('never gives one attempt to two overlapping claims: each is a next attempt, or busy', async () => {
        // Prepare
        const { store } = await fresh();
        await store.recordFailure(USD, failure(jan2, 1, 'delivery-0'));

        // Act
        const [first, second] = await Promise.all([
          store.claimDates(USD, [jan2, jan3], request('delivery-a')),
          store.claimDates(USD, [jan2, jan3], request('delivery-b')),
        ]);

        // Assess
        for (const [at, before] of [
          [jan2, 1],
          [jan3, 0],
        ] as const) {
          const outcomes = [first.get(at), second.get(at)];
          expect(outcomes.every((claim) => claim?.kind === 'claimed' || claim?.kind === 'busy')).toBe(true);
          const attempts = outcomes.flatMap((claim) => (claim?.kind === 'claimed' ? [claim.attempts] : []));
          const expected = attempts.map((_, index) => before + 1 + index);
          expect([...attempts].sort((a, b) => a - b)).toEqual(expected);
          expect((await ledgerOf(store, USD, [at])).get(at)).toMatchObject({
            kind: 'spent',
            attempts: before + attempts.length,
          });
        }
      });
    });

    describe('recordFailure', () => {
      it('records on a date without an item: RETRY, the attempts reported, retry_count one fewer', async () => {
        // Prepare
        const { store } = await fresh();

        // Act
        const outcome = await store.recordFailure(USD, failure(jan2, 3, 'delivery-a'));

        // Assess
        expect(outcome).toBe('recorded');
        expect(list(await store.presentDays(USD))).toEqual([jan2]);
        expect(await dueAt(store, EARLY)).toEqual({ dates: [], leases: [] });
        expect(await dueAt(store, DUE)).toEqual({
          dates: [{ infoType: USD, day: jan2, status: 'RETRY', retryCount: 2, lastError: 'HTTP 504' }],
          leases: [],
        });
        expect(await ledgerOf(store, USD, [jan2])).toEqual(
          new Map([[jan2, { kind: 'spent', attempts: 3, lastError: 'HTTP 504' }]]),
        );
      });

      it('never lowers the attempts of a date', async () => {
        // Prepare
        const { store } = await fresh();
        await store.claimDates(USD, [jan2], request('delivery-a', { attemptsWithoutItem: 2 }));

        // Act
        const outcomes = [
          await store.recordFailure(USD, failure(jan2, 2, 'delivery-a', { error: 'older' })),
          await store.recordFailure(USD, failure(jan2, 3, 'delivery-a', { error: 'HTTP 503' })),
          await store.recordFailure(USD, failure(jan2, 1, 'delivery-a', { error: 'oldest' })),
        ];

        // Assess
        expect(outcomes).toEqual(['left-alone', 'recorded', 'left-alone']);
        expect(await ledgerOf(store, USD, [jan2])).toEqual(
          new Map([[jan2, { kind: 'spent', attempts: 3, lastError: 'HTTP 503' }]]),
        );
        expect(await dueAt(store, DUE)).toEqual({
          dates: [{ infoType: USD, day: jan2, status: 'RETRY', retryCount: 2, lastError: 'HTTP 503' }],
          leases: [],
        });
      });

      it("leaves another delivery's report alone, even one whose attempts are not behind", async () => {
        // Prepare
        const { store } = await fresh();
        await store.claimDates(USD, [jan2], request('delivery-a'));
        await store.claimDates(USD, [jan2], request('delivery-b'));

        // Act
        const outcomes = [
          await store.recordFailure(USD, failure(jan2, 2, 'delivery-a', { error: 'of a' })),
          await store.recordFailure(USD, failure(jan2, 3, 'delivery-a', { error: 'of a' })),
          await store.recordFailure(USD, failure(jan2, 2, 'delivery-b', { error: 'of b' })),
        ];

        // Assess
        expect(outcomes).toEqual(['left-alone', 'left-alone', 'recorded']);
        expect(await ledgerOf(store, USD, [jan2])).toEqual(
          new Map([[jan2, { kind: 'spent', attempts: 2, lastError: 'of b' }]]),
        );
      });

      it("takes any delivery's report on an item from before the ledger, if not behind its retries spent", async () => {
        // Prepare
        const { store, seedLegacy } = await fresh();
        await seedLegacy(USD, jan2, { status: 'RETRY', retryCount: 2, retryDue: DUE, lastError: 'HTTP 500' });
        await seedLegacy(USD, jan3, { status: 'PENDING', retryCount: 0, retryDue: DUE });

        // Act
        const outcomes = [
          await store.recordFailure(USD, failure(jan2, 2, 'delivery-a')),
          await store.recordFailure(USD, failure(jan2, 3, 'delivery-a')),
          await store.recordFailure(USD, failure(jan3, 0, 'delivery-b')),
          await store.recordFailure(USD, failure(jan3, 1, 'delivery-b')),
        ];

        // Assess
        expect(outcomes).toEqual(['left-alone', 'recorded', 'left-alone', 'recorded']);
        expect(await ledgerOf(store, USD, [jan2, jan3])).toEqual(
          new Map([
            [jan2, { kind: 'spent', attempts: 3, lastError: 'HTTP 504' }],
            [jan3, { kind: 'spent', attempts: 1, lastError: 'HTTP 504' }],
          ]),
        );
      });

      it('leaves a report from before a release alone', async () => {
        // Prepare
        const { store } = await fresh();
        await store.claimDates(
          USD,
          [jan2],
          request('delivery-a', { maxAttempts: 2, attemptsWithoutItem: 1 }),
        );
        await store.quarantine(USD, jan2, 'HTTP 500', 2);
        await store.release(USD, jan2, DUE);

        // Act
        const outcome = await store.recordFailure(
          USD,
          failure(jan2, 2, 'delivery-a', { error: 'late HTTP 504', retryDue: LATE }),
        );

        // Assess
        expect(outcome).toBe('left-alone');
        expect(await dueAt(store, DUE)).toEqual({
          dates: [{ infoType: USD, day: jan2, status: 'RETRY', retryCount: 0, lastError: 'HTTP 500' }],
          leases: [],
        });
        expect(await ledgerOf(store, USD, [jan2])).toEqual(
          new Map([[jan2, { kind: 'spent', attempts: 0, lastError: 'HTTP 500' }]]),
        );
      });

      it('leaves OK and QUARANTINED dates alone', async () => {
        // Prepare
        const { store } = await fresh();
        await store.writeValues(USD, 'simulated', [{ day: jan2, value: 1 }]);
        await store.quarantine(USD, jan3, 'gave up', 2);

        // Act
        const outcomes = [
          await store.recordFailure(USD, failure(jan2, 1, 'delivery-a')),
          await store.recordFailure(USD, failure(jan2, 99, 'delivery-b')),
          await store.recordFailure(USD, failure(jan3, 1, 'delivery-a')),
          await store.recordFailure(USD, failure(jan3, 99, 'delivery-b')),
        ];

        // Assess
        expect(outcomes).toEqual(['left-alone', 'left-alone', 'left-alone', 'left-alone']);
        expect(await dueAt(store, END)).toEqual({ dates: [], leases: [] });
        expect(await ledgerOf(store, USD, [jan2, jan3])).toEqual(
          new Map([
            [jan2, { kind: 'done' }],
            [jan3, { kind: 'done' }],
          ]),
        );
        expect(withoutStamp(await store.listQuarantined(USD), () => CLOCK_START)).toEqual([
          { infoType: USD, day: jan3, status: 'QUARANTINED', retryCount: 1, lastError: 'gave up' },
        ]);
      });
    });

    describe('deferRetry', () => {
      it('pushes a date only when it is due and its retry_count is the one read', async () => {
        // Prepare
        const { store, seedLegacy } = await fresh();
        await store.recordFailure(USD, failure(jan2, 2, 'delivery-a'));
        await store.writeValues(USD, 'simulated', [{ day: jan3, value: 1 }]);
        await store.quarantine(USD, jan4, 'gave up', 1);
        await seedLegacy(USD, jan6, { status: 'PENDING', retryCount: 0, retryDue: DUE });

        // Act
        const outcomes = [
          await store.deferRetry(USD, jan2, 0, LATE, INFLIGHT),
          await store.deferRetry(USD, jan2, 1, EARLY, INFLIGHT),
          await store.deferRetry(USD, jan2, 1, DUE, INFLIGHT),
          await store.deferRetry(USD, jan2, 1, DUE, LATER),
          await store.deferRetry(USD, jan3, 0, LATE, INFLIGHT),
          await store.deferRetry(USD, jan4, 0, LATE, INFLIGHT),
          await store.deferRetry(USD, jan5, 0, LATE, INFLIGHT),
          await store.deferRetry(USD, jan6, 0, LATE, INFLIGHT),
        ];

        // Assess
        expect(outcomes).toEqual([false, false, true, false, false, false, false, true]);
        expect(await dueAt(store, LATE)).toEqual({ dates: [], leases: [] });
        expect(await dueAt(store, INFLIGHT)).toEqual({
          dates: [
            { infoType: USD, day: jan2, status: 'RETRY', retryCount: 1, lastError: 'HTTP 504' },
            { infoType: USD, day: jan6, status: 'PENDING', retryCount: 0 },
          ],
          leases: [],
        });
        expect(list(await store.presentDays(USD))).toEqual([jan2, jan3, jan4, jan6]);
        expect(await ledgerOf(store, USD, [jan2])).toEqual(
          new Map([[jan2, { kind: 'spent', attempts: 2, lastError: 'HTTP 504' }]]),
        );
      });

      it('lets one of two overlapping calls push the date', async () => {
        // Prepare
        const { store } = await fresh();
        await store.recordFailure(USD, failure(jan2, 1, 'delivery-a'));

        // Act
        const outcomes = await Promise.all([
          store.deferRetry(USD, jan2, 0, LATE, INFLIGHT),
          store.deferRetry(USD, jan2, 0, LATE, LATER),
        ]);

        // Assess
        expect(outcomes.filter(Boolean)).toHaveLength(1);
        const pushedTo = outcomes[0] ? INFLIGHT : LATER;
        expect((await dueAt(store, LATE)).dates).toEqual([]);
        expect((await dueAt(store, pushedTo)).dates.map((item) => item.day)).toEqual([jan2]);
      });
    });

    describe('quarantine', () => {
      it('takes a date without an item and a spent date off the retry path, once', async () => {
        // Prepare
        const { store } = await fresh();
        await store.claimDates(
          USD,
          [jan3],
          request('delivery-a', { maxAttempts: 3, attemptsWithoutItem: 2 }),
        );
        await store.recordFailure(USD, failure(jan3, 3, 'delivery-a', { error: 'HTTP 500' }));

        // Act
        const outcomes = [
          await store.quarantine(USD, jan2, 'never answered', 3),
          await store.quarantine(USD, jan3, 'gave up', 3),
          await store.quarantine(USD, jan2, 'again', 3),
          await store.quarantine(USD, jan3, 'again', 3),
        ];

        // Assess
        expect(outcomes).toEqual([true, true, false, false]);
        expect(withoutStamp(await store.listQuarantined(USD), () => CLOCK_START)).toEqual([
          { infoType: USD, day: jan2, status: 'QUARANTINED', retryCount: 2, lastError: 'never answered' },
          { infoType: USD, day: jan3, status: 'QUARANTINED', retryCount: 2, lastError: 'gave up' },
        ]);
        expect(await dueAt(store, END)).toEqual({ dates: [], leases: [] });
        expect(list(await store.presentDays(USD))).toEqual([jan2, jan3]);
        expect(await ledgerOf(store, USD, [jan2, jan3])).toEqual(
          new Map([
            [jan2, { kind: 'done' }],
            [jan3, { kind: 'done' }],
          ]),
        );
      });

      it('refuses a date with budget left, or one just released', async () => {
        // Prepare
        const { store, seedLegacy } = await fresh();
        await store.claimDates(
          USD,
          [jan2],
          request('delivery-a', { maxAttempts: 3, attemptsWithoutItem: 1 }),
        );
        await store.claimDates(
          USD,
          [jan3],
          request('delivery-a', { maxAttempts: 3, attemptsWithoutItem: 2 }),
        );
        await store.quarantine(USD, jan3, 'HTTP 500', 3);
        await store.release(USD, jan3, DUE);
        await seedLegacy(USD, jan4, { status: 'RETRY', retryCount: 1, retryDue: DUE });

        // Act
        const outcomes = [
          await store.quarantine(USD, jan2, 'stale read', 3),
          await store.quarantine(USD, jan3, 'stale read', 3),
          await store.quarantine(USD, jan4, 'stale read', 3),
        ];

        // Assess
        expect(outcomes).toEqual([false, false, false]);
        expect(await store.listQuarantined()).toEqual([]);
        expect(await ledgerOf(store, USD, [jan2, jan3, jan4])).toEqual(
          new Map([
            [jan2, { kind: 'spent', attempts: 2 }],
            [jan3, { kind: 'spent', attempts: 0, lastError: 'HTTP 500' }],
            [jan4, { kind: 'spent', attempts: 2 }],
          ]),
        );
      });

      it('takes an item from before the ledger only when retry_count + 1 reaches maxAttempts', async () => {
        // Prepare
        const { store, seedLegacy } = await fresh();
        await seedLegacy(USD, jan2, { status: 'RETRY', retryCount: 2, retryDue: DUE, lastError: 'HTTP 500' });
        await seedLegacy(USD, jan3, { status: 'RETRY', retryCount: 1, retryDue: DUE });
        await seedLegacy(USD, jan4, { status: 'PENDING', retryCount: 2, retryDue: DUE });
        await seedLegacy(USD, jan5, { status: 'PENDING', retryCount: 0, retryDue: DUE });

        // Act
        const outcomes = [];
        for (const at of [jan2, jan3, jan4, jan5])
          outcomes.push(await store.quarantine(USD, at, 'gave up', 3));

        // Assess
        expect(outcomes).toEqual([true, false, true, false]);
        expect((await store.listQuarantined(USD)).map((item) => item.day)).toEqual([jan2, jan4]);
        expect((await dueAt(store, END)).dates.map((item) => [item.day, item.status])).toEqual([
          [jan3, 'RETRY'],
          [jan5, 'PENDING'],
        ]);
      });

      it('never takes an OK date', async () => {
        // Prepare
        const { store } = await fresh();
        await store.writeValues(USD, 'simulated', [{ day: jan2, value: 1 }]);

        // Act
        const outcomes = [
          await store.quarantine(USD, jan2, 'HTTP 500', 3),
          await store.quarantine(USD, jan2, 'HTTP 500', 0),
        ];

        // Assess
        expect(outcomes).toEqual([false, false]);
        expect(await store.listQuarantined()).toEqual([]);
        expect(await ledgerOf(store, USD, [jan2])).toEqual(new Map([[jan2, { kind: 'done' }]]));
      });
    });

    describe('markAbsent', () => {
      const absence = (on: Day, attempts: number, token: string): FailureRecord =>
        failure(on, attempts, token, { error: 'no row', absent: true });

      it('ends ABSENT a date whose every attempt of the cycle was an absence: off the retry path, listed, present', async () => {
        // Prepare: jan2 answered without the date on attempts 1 and 2 (one claim each), jan3 has no item yet.
        const { store } = await fresh();
        await store.recordFailure(USD, absence(jan2, 1, 'delivery-a'));
        await store.claimDates(USD, [jan2], request('delivery-b', { maxAttempts: 3 }));
        await store.recordFailure(USD, absence(jan2, 2, 'delivery-b'));
        await store.claimDates(USD, [jan2], request('delivery-c', { maxAttempts: 3 }));

        // Act
        const outcomes = [
          await store.markAbsent(USD, absence(jan2, 3, 'delivery-c')),
          await store.markAbsent(USD, absence(jan3, 1, 'delivery-a')),
        ];

        // Assess
        expect(outcomes).toEqual([true, true]);
        expect(withoutStamp(await store.listQuarantined(USD), () => CLOCK_START)).toEqual([
          { infoType: USD, day: jan2, status: 'ABSENT', retryCount: 2, lastError: 'no row' },
          { infoType: USD, day: jan3, status: 'ABSENT', retryCount: 0, lastError: 'no row' },
        ]);
        expect(await dueAt(store, END)).toEqual({ dates: [], leases: [] });
        expect(list(await store.presentDays(USD))).toEqual([jan2, jan3]);
        expect(await ledgerOf(store, USD, [jan2, jan3])).toEqual(
          new Map([
            [jan2, { kind: 'done' }],
            [jan3, { kind: 'done' }],
          ]),
        );
      });

      it('refuses a date one of whose earlier attempts failed otherwise, and one another delivery claimed', async () => {
        // Prepare: jan2's first attempt was an HTTP error, its second an absence; jan3 is claimed by delivery-b.
        const { store } = await fresh();
        await store.recordFailure(USD, failure(jan2, 1, 'delivery-a'));
        await store.claimDates(USD, [jan2], request('delivery-b', { maxAttempts: 3 }));
        await store.recordFailure(USD, absence(jan2, 2, 'delivery-b'));
        await store.claimDates(USD, [jan2], request('delivery-c', { maxAttempts: 3 }));
        await store.recordFailure(USD, absence(jan3, 1, 'delivery-a'));
        await store.claimDates(USD, [jan3], request('delivery-b', { maxAttempts: 3 }));

        // Act
        const outcomes = [
          await store.markAbsent(USD, absence(jan2, 3, 'delivery-c')),
          await store.markAbsent(USD, absence(jan3, 2, 'delivery-a')),
        ];

        // Assess
        expect(outcomes).toEqual([false, false]);
        expect(await store.listQuarantined()).toEqual([]);
        expect((await dueAt(store, END)).dates.map((item) => item.day)).toEqual([jan2, jan3]);
      });

      it('never takes an OK or QUARANTINED date', async () => {
        // Prepare
        const { store } = await fresh();
        await store.writeValues(USD, 'simulated', [{ day: jan2, value: 1 }]);
        await store.quarantine(USD, jan3, 'gave up', 1);

        // Act
        const outcomes = [
          await store.markAbsent(USD, absence(jan2, 1, 'delivery-a')),
          await store.markAbsent(USD, absence(jan3, 1, 'delivery-a')),
        ];

        // Assess
        expect(outcomes).toEqual([false, false]);
        expect((await store.listQuarantined(USD)).map((item) => [item.day, item.status])).toEqual([
          [jan3, 'QUARANTINED'],
        ]);
        expect(await ledgerOf(store, USD, [jan2])).toEqual(new Map([[jan2, { kind: 'done' }]]));
      });

      it('starts a released cycle with no absences: the next cycle must find the date absent again', async () => {
        // Prepare: ABSENT after one attempt, released, then one attempt that was an HTTP error.
        const { store } = await fresh();
        await store.markAbsent(USD, absence(jan2, 1, 'delivery-a'));
        const released = await store.release(USD, jan2, DUE);
        await store.claimDates(USD, [jan2], request('delivery-b', { maxAttempts: 2 }));
        await store.recordFailure(USD, failure(jan2, 1, 'delivery-b'));
        await store.claimDates(USD, [jan2], request('delivery-c', { maxAttempts: 2 }));

        // Act
        const outcome = await store.markAbsent(USD, absence(jan2, 2, 'delivery-c'));

        // Assess
        expect(released).toBe(true);
        expect(outcome).toBe(false);
        expect(await store.listQuarantined()).toEqual([]);
      });
    });

    describe('retireDate', () => {
      it('deletes a PENDING or RETRY date, and never a value, a set-aside date or nothing', async () => {
        // Prepare
        const { store, seedLegacy } = await fresh();
        await seedLegacy(USD, jan2, { status: 'PENDING', retryCount: 0, retryDue: DUE });
        await store.recordFailure(USD, failure(jan3, 1, 'delivery-a'));
        await store.writeValues(USD, 'simulated', [{ day: jan4, value: 1 }]);
        await store.quarantine(USD, jan5, 'gave up', 1);

        // Act
        const outcomes = [];
        for (const at of [jan2, jan3, jan4, jan5, jan6]) outcomes.push(await store.retireDate(USD, at));

        // Assess
        expect(outcomes).toEqual([true, true, false, false, false]);
        expect(list(await store.presentDays(USD))).toEqual([jan4, jan5]);
        expect(await dueAt(store, END)).toEqual({ dates: [], leases: [] });
      });
    });

    describe('publishedAround', () => {
      it('answers whether an OK date lies among the nearest items on each side of a date', async () => {
        // Prepare: OK on jan1 and jan5, RETRY on jan4; EUR has only values before jan3.
        const { store } = await fresh();
        await store.writeValues(USD, 'simulated', [
          { day: jan1, value: 1 },
          { day: jan5, value: 1 },
        ]);
        await store.recordFailure(USD, failure(jan4, 1, 'delivery-a'));
        await store.writeValues(EUR, 'simulated', [{ day: jan2, value: 1 }]);
        await store.writeValues(US, 'simulated', [{ day: jan4, value: 1 }]);

        // Act
        const answers = [
          await store.publishedAround(USD, jan3),
          await store.publishedAround(USD, jan4),
          await store.publishedAround(USD, jan5),
          await store.publishedAround(USD, jan1),
          await store.publishedAround(EUR, jan3),
        ];

        // Assess
        expect(answers).toEqual([true, true, false, false, false]);
      });

      it(`looks no further than ${NEIGHBOURS_CHECKED} items on each side`, async () => {
        // Prepare: a value on jan1, then RETRY items on every date up to the checked limit, a value after.
        const { store } = await fresh();
        const base = jan1;
        const far = base + NEIGHBOURS_CHECKED + 1;
        await store.writeValues(USD, 'simulated', [
          { day: base, value: 1 },
          { day: far + 1, value: 1 },
        ]);
        for (let at = base + 1; at < far; at += 1)
          await store.recordFailure(USD, failure(at, 1, 'delivery-a'));

        // Act
        const nearTheValue = await store.publishedAround(USD, base + 1);
        const beyondReach = await store.publishedAround(USD, far);

        // Assess
        expect(nearTheValue).toBe(true);
        expect(beyondReach).toBe(false);
      });
    });

    describe('listQuarantined', () => {
      it("lists every series' quarantined dates, or one series', sorted by series then date", async () => {
        // Prepare
        const { store } = await fresh();
        const eurAt = '2024-03-01T12:40:00.000Z';
        const usdAt = '2024-03-01T12:50:00.000Z';
        clock.at = new Date(eurAt);
        await store.quarantine(EUR, jan5, 'HTTP 500', 3);
        await store.quarantine(EUR, jan4, 'HTTP 500', 3);
        clock.at = new Date(usdAt);
        await store.quarantine(USD, jan3, 'gave up', 2);
        await store.quarantine(US, jan2, 'never answered', 1);
        await store.quarantine(USD, jan1, 'gave up', 2);
        await store.recordFailure(USD, failure(jan2, 1, 'delivery-a'));
        await store.writeValues(USD, 'simulated', [{ day: jan6, value: 1 }]);
        const stampOf = (item: QuarantinedItem) => (item.infoType === EUR ? eurAt : usdAt);

        // Act
        const all = await store.listQuarantined();
        const usd = await store.listQuarantined(USD);
        const us = await store.listQuarantined(US);
        const none = await store.listQuarantined('CONF#GBP');

        // Assess
        const [eur4, eur5, us2, usd1, usd3] = [
          { infoType: EUR, day: jan4, status: 'QUARANTINED', retryCount: 2, lastError: 'HTTP 500' },
          { infoType: EUR, day: jan5, status: 'QUARANTINED', retryCount: 2, lastError: 'HTTP 500' },
          { infoType: US, day: jan2, status: 'QUARANTINED', retryCount: 0, lastError: 'never answered' },
          { infoType: USD, day: jan1, status: 'QUARANTINED', retryCount: 1, lastError: 'gave up' },
          { infoType: USD, day: jan3, status: 'QUARANTINED', retryCount: 1, lastError: 'gave up' },
        ];
        expect(withoutStamp(all, stampOf)).toEqual([eur4, eur5, us2, usd1, usd3]);
        expect(withoutStamp(usd, stampOf)).toEqual([usd1, usd3]);
        expect(withoutStamp(us, stampOf)).toEqual([us2]);
        expect(none).toEqual([]);
      });
    });

    describe('release', () => {
      it('gives a quarantined date its full budget: attempts 0, due at once, and the next claim is attempt 1', async () => {
        // Prepare
        const { store } = await fresh();
        await store.claimDates(
          USD,
          [jan2],
          request('delivery-a', { maxAttempts: 2, attemptsWithoutItem: 1 }),
        );
        await store.recordFailure(USD, failure(jan2, 2, 'delivery-a', { error: 'HTTP 500' }));
        await store.quarantine(USD, jan2, 'HTTP 500', 2);

        // Act
        const releases = [await store.release(USD, jan2, DUE), await store.release(USD, jan2, DUE)];

        // Assess
        expect(releases).toEqual([true, false]);
        expect(await store.listQuarantined()).toEqual([]);
        expect(await dueAt(store, EARLY)).toEqual({ dates: [], leases: [] });
        expect(await dueAt(store, DUE)).toEqual({
          dates: [{ infoType: USD, day: jan2, status: 'RETRY', retryCount: 0, lastError: 'HTTP 500' }],
          leases: [],
        });
        expect(await ledgerOf(store, USD, [jan2])).toEqual(
          new Map([[jan2, { kind: 'spent', attempts: 0, lastError: 'HTTP 500' }]]),
        );
        expect(
          await store.claimDates(
            USD,
            [jan2],
            request('delivery-b', { maxAttempts: 2, attemptsWithoutItem: 1 }),
          ),
        ).toEqual(new Map([[jan2, { kind: 'claimed', attempts: 1 }]]));
      });

      it('releases only a quarantined date', async () => {
        // Prepare
        const { store, seedLegacy } = await fresh();
        await store.writeValues(USD, 'simulated', [{ day: jan2, value: 1 }]);
        await store.recordFailure(USD, failure(jan3, 2, 'delivery-a'));
        await seedLegacy(USD, jan5, { status: 'PENDING', retryCount: 0, retryDue: DUE });

        // Act
        const releases = [];
        for (const at of [jan2, jan3, jan4, jan5]) releases.push(await store.release(USD, at, EARLY));

        // Assess
        expect(releases).toEqual([false, false, false, false]);
        expect(list(await store.presentDays(USD))).toEqual([jan2, jan3, jan5]);
        expect(await dueAt(store, EARLY)).toEqual({ dates: [], leases: [] });
        expect(await ledgerOf(store, USD, [jan2, jan3, jan5])).toEqual(
          new Map([
            [jan2, { kind: 'done' }],
            [jan3, { kind: 'spent', attempts: 2, lastError: 'HTTP 504' }],
            [jan5, { kind: 'spent', attempts: 1 }],
          ]),
        );
      });
    });

    describe('conformance with the memory store', () => {
      it(
        'a random sequence of operations leaves the backend as it leaves a fresh memory store',
        { timeout: 3 * timeout },
        async () => {
          await fc.assert(
            fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 12 }), async (operations) => {
              // Prepare
              clock.at = new Date(CLOCK_START);
              const subject = await open(() => clock.at);
              const reference = await openMemoryBackend();
              try {
                // Act
                const answers = { subject: [] as unknown[], reference: [] as unknown[] };
                for (const step of operations) {
                  answers.subject.push(await apply(subject, step));
                  answers.reference.push(await apply(reference, step));
                }

                // Assess
                expect({ answers: answers.subject, state: await observe(subject.store) }).toEqual({
                  answers: answers.reference,
                  state: await observe(reference.store),
                });
              } finally {
                await subject.close();
              }
            }),
            { numRuns: options.numRuns ?? 30 },
          );
        },
      );
    });
  });
}

// The conformance property: small domains, so that operations meet on the same dates, leases and tokens.
const SERIES = [USD, EUR] as const;
const DAYS = [jan1, jan2, jan3, jan4] as const;
const TIMES = [EARLY, DUE, LATE, INFLIGHT] as const;
const TOKENS = ['delivery-a', 'delivery-b', 'delivery-c'] as const;
const LEASE_IDS = ['lease-1', 'lease-2'] as const;
/** Errors as the sources give them: short, empty, longer than a store keeps, cut at a surrogate pair. */
const ERRORS = [
  'HTTP 500',
  'HTTP 503',
  '',
  `HTTP 502: ${'<html>'.repeat(200)}`,
  `${'x'.repeat(999)}\u{1F4C9} and more`,
] as const;

type Operation =
  | { readonly op: 'writeValues'; readonly series: string; readonly days: Day[] }
  | { readonly op: 'recordFailure'; readonly series: string; readonly failure: FailureRecord }
  | { readonly op: 'markAbsent'; readonly series: string; readonly failure: FailureRecord }
  | {
      readonly op: 'claimDates';
      readonly series: string;
      readonly days: Day[];
      readonly request: DateClaimRequest;
    }
  | {
      readonly op: 'deferRetry';
      readonly series: string;
      readonly day: Day;
      readonly from: number;
      readonly now: string;
      readonly retryDue: string;
    }
  | {
      readonly op: 'quarantine';
      readonly series: string;
      readonly day: Day;
      readonly error: string;
      readonly maxAttempts: number;
    }
  | { readonly op: 'release'; readonly series: string; readonly day: Day; readonly retryDue: string }
  | { readonly op: 'retireDate'; readonly series: string; readonly day: Day }
  | { readonly op: 'seedLegacy'; readonly series: string; readonly day: Day; readonly item: LegacyItem }
  | {
      readonly op: 'openLease';
      readonly series: string;
      readonly id: string;
      readonly first: Day;
      readonly span: number;
      readonly retryDue: string;
    }
  | {
      readonly op: 'claimLease';
      readonly series: string;
      readonly id: string;
      readonly first: Day;
      readonly token: string;
      readonly retryDue: string;
    }
  | {
      readonly op: 'deferLease';
      readonly series: string;
      readonly id: string;
      readonly first: Day;
      readonly now: string;
      readonly retryDue: string;
    }
  | { readonly op: 'closeLease'; readonly series: string; readonly id: string; readonly first: Day }
  | { readonly op: 'writeWatermarks'; readonly watermarks: readonly (readonly [string, Day])[] };

const series = fc.constantFrom(...SERIES);
const oneDay = fc.constantFrom(...DAYS);
const someDays = fc.subarray([...DAYS], { minLength: 1 });
const time = fc.constantFrom(...TIMES);
const token = fc.constantFrom(...TOKENS);
const leaseId = fc.constantFrom(...LEASE_IDS);
const error = fc.constantFrom(...ERRORS);
const someFailure: fc.Arbitrary<FailureRecord> = fc.record({
  day: oneDay,
  error,
  attempts: fc.integer({ min: 0, max: 4 }),
  retryDue: time,
  token,
  absent: fc.boolean(),
});

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ op: fc.constant('writeValues' as const), series, days: someDays }),
  fc.record({
    op: fc.constant('recordFailure' as const),
    series,
    failure: someFailure,
  }),
  fc.record({ op: fc.constant('markAbsent' as const), series, failure: someFailure }),
  fc.record({
    op: fc.constant('claimDates' as const),
    series,
    days: someDays,
    request: fc.record({
      token,
      maxAttempts: fc.integer({ min: 1, max: 4 }),
      attemptsWithoutItem: fc.integer({ min: 0, max: 2 }),
      retryDue: time,
    }),
  }),
  fc.record({
    op: fc.constant('deferRetry' as const),
    series,
    day: oneDay,
    from: fc.integer({ min: 0, max: 3 }),
    now: time,
    retryDue: time,
  }),
  fc.record({
    op: fc.constant('quarantine' as const),
    series,
    day: oneDay,
    error,
    maxAttempts: fc.integer({ min: 1, max: 4 }),
  }),
  fc.record({ op: fc.constant('release' as const), series, day: oneDay, retryDue: time }),
  fc.record({ op: fc.constant('retireDate' as const), series, day: oneDay }),
  fc.record({
    op: fc.constant('seedLegacy' as const),
    series,
    day: oneDay,
    item: fc.record(
      {
        status: fc.constantFrom('PENDING' as const, 'RETRY' as const),
        retryCount: fc.integer({ min: 0, max: 3 }),
        retryDue: time,
        lastError: error,
      },
      { requiredKeys: ['status', 'retryCount', 'retryDue'] },
    ),
  }),
  fc.record({
    op: fc.constant('openLease' as const),
    series,
    id: leaseId,
    first: oneDay,
    span: fc.integer({ min: 0, max: 2 }),
    retryDue: time,
  }),
  fc.record({
    op: fc.constant('claimLease' as const),
    series,
    id: leaseId,
    first: oneDay,
    token,
    retryDue: time,
  }),
  fc.record({
    op: fc.constant('deferLease' as const),
    series,
    id: leaseId,
    first: oneDay,
    now: time,
    retryDue: time,
  }),
  fc.record({ op: fc.constant('closeLease' as const), series, id: leaseId, first: oneDay }),
  fc.record({
    op: fc.constant('writeWatermarks' as const),
    watermarks: fc.uniqueArray(fc.tuple(series, oneDay), { selector: ([name]) => name, maxLength: 2 }),
  }),
);

/** Applies one operation; its answer as plain data (a claim map as sorted entries), or what it threw. */
async function apply(backend: ConformanceBackend, step: Operation): Promise<unknown> {
  const { store } = backend;
  try {
    switch (step.op) {
      case 'writeValues':
        return await store.writeValues(
          step.series,
          'simulated',
          step.days.map((at) => ({ day: at, value: at / 10 })),
        );
      case 'recordFailure':
        return await store.recordFailure(step.series, step.failure);
      case 'markAbsent':
        return await store.markAbsent(step.series, step.failure);
      case 'claimDates':
        return entries(await store.claimDates(step.series, step.days, step.request));
      case 'deferRetry':
        return await store.deferRetry(step.series, step.day, step.from, step.now, step.retryDue);
      case 'quarantine':
        return await store.quarantine(step.series, step.day, step.error, step.maxAttempts);
      case 'release':
        return await store.release(step.series, step.day, step.retryDue);
      case 'retireDate':
        return await store.retireDate(step.series, step.day);
      case 'seedLegacy':
        return await backend.seedLegacy(step.series, step.day, step.item);
      case 'openLease':
        return await store.openLease({
          infoType: step.series,
          id: step.id,
          first: step.first,
          last: step.first + step.span,
          retryDue: step.retryDue,
        });
      case 'claimLease':
        return await store.claimLease(step.series, step.first, step.id, step.token, step.retryDue);
      case 'deferLease':
        return await store.deferLease(step.series, step.first, step.id, step.now, step.retryDue);
      case 'closeLease':
        return await store.closeLease(step.series, step.first, step.id);
      case 'writeWatermarks':
        return await store.writeWatermarks(new Map(step.watermarks));
    }
  } catch (thrown) {
    return { threw: thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown) };
  }
}

function entries(claims: Map<Day, DateClaim>): [Day, DateClaim][] {
  return [...claims.entries()].sort(([a], [b]) => a - b);
}

/** Everything the port lets a caller see of the store, read the same way on every backend. */
async function observe(store: SeriesStore): Promise<unknown> {
  const perSeries = [];
  for (const infoType of SERIES) {
    perSeries.push({
      infoType,
      present: list(await store.presentDays(infoType)),
      presentBetween: list(await store.presentDays(infoType, jan2, jan3)),
      leases: [...(await store.listLeases(infoType))].sort((a, b) => a.first - b.first),
      ledger: entries(await ledgerOf(store, infoType, DAYS)),
      quarantined: withoutStamp(await store.listQuarantined(infoType), () => CLOCK_START),
      publishedAround: await Promise.all(DAYS.map((at) => store.publishedAround(infoType, at))),
    });
  }
  return {
    perSeries,
    watermarks: [...(await store.readWatermarks())].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    dueMidway: await dueAt(store, DUE),
    dueAll: await dueAt(store, END),
    quarantined: withoutStamp(await store.listQuarantined(), () => CLOCK_START),
  };
}
