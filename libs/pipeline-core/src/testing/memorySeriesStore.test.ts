import { describe, expect, it } from 'vitest';
import { parseIsoDate, type Day } from '../dates.js';
import { StoreError } from '../errors.js';
import type { DateClaimRequest } from '../seriesStore.js';
import { MemorySeriesStore, type MemoryItem } from './memorySeriesStore.js';

const USD = 'CURRENCY#USD';
const NOW = '2024-02-01T10:00:00.000Z';
const LATER = '2024-02-01T11:00:00.000Z';
const day = (iso: string): Day => parseIsoDate(iso);
const jan8 = day('2024-01-08');
const jan9 = day('2024-01-09');
const jan10 = day('2024-01-10');
const jan12 = day('2024-01-12');

/** A claim request of one delivery: 1 + MAX_RETRIES = 3 unless told otherwise. */
function request(overrides: Partial<DateClaimRequest> = {}): DateClaimRequest {
  return { token: 'delivery-1', maxAttempts: 3, attemptsWithoutItem: 0, retryDue: LATER, ...overrides };
}

/** A store holding these items of USD, with its counters and log cleared (what the test does is what counts). */
function storeWith(items: Record<string, MemoryItem> = {}): MemorySeriesStore {
  const store = new MemorySeriesStore();
  for (const [iso, item] of Object.entries(items)) store.series(USD).set(day(iso), item);
  return store;
}

const retryItem = (attempts: number, extra: Partial<MemoryItem> = {}): MemoryItem => ({
  status: 'RETRY',
  value: null,
  retryCount: Math.max(0, attempts - 1),
  attempts,
  lastError: 'HTTP 503',
  retryDue: NOW,
  ...extra,
});

describe('MemorySeriesStore: the life of a lease', () => {
  const lease = { infoType: USD, id: 'lease-1', first: jan8, last: jan12, retryDue: LATER };

  it('opens a lease once per first date, with no asks, listed and read back', async () => {
    // Prepare
    const store = storeWith();

    // Act
    const opened = await store.openLease(lease);
    const again = await store.openLease({ ...lease, id: 'lease-2', last: jan9 });

    // Assess
    expect(opened).toBe(true);
    expect(again).toBe(false);
    const expected = { infoType: USD, id: 'lease-1', first: jan8, last: jan12, asks: 0, retryDue: LATER };
    expect(await store.listLeases(USD)).toEqual([expected]);
    expect(await store.getLease(USD, jan8)).toEqual(expected);
    expect(await store.getLease(USD, jan9)).toBeUndefined();
    expect(await store.listLeases('CURRENCY#EUR')).toEqual([]);
  });

  it('gives the first ask to one delivery: it pushes the due time, and the others find it taken', async () => {
    // Prepare
    const store = storeWith();
    await store.openLease(lease);

    // Act
    const first = await store.claimLease(USD, jan8, 'lease-1', 'delivery-1', '2024-02-01T12:00:00.000Z');
    const second = await store.claimLease(USD, jan8, 'lease-1', 'delivery-2', '2024-02-01T13:00:00.000Z');

    // Assess
    expect(first).toEqual({ kind: 'claimed' });
    expect(second).toEqual({ kind: 'taken', asks: 1 });
    expect(await store.getLease(USD, jan8)).toMatchObject({ asks: 1, retryDue: '2024-02-01T12:00:00.000Z' });
  });

  it("recognises a delivery's own claim whose answer was lost: claimed again, no second ask", async () => {
    // Prepare
    const store = storeWith();
    await store.openLease(lease);
    await store.claimLease(USD, jan8, 'lease-1', 'delivery-1', LATER);

    // Act
    const retried = await store.claimLease(USD, jan8, 'lease-1', 'delivery-1', LATER);

    // Assess
    expect(retried).toEqual({ kind: 'claimed' });
    expect((await store.getLease(USD, jan8))?.asks).toBe(1);
  });

  it('answers gone for a closed lease, or a message of an older lease on the same first date', async () => {
    // Prepare
    const store = storeWith();
    await store.openLease(lease);
    await store.closeLease(USD, jan8, 'lease-1');
    await store.openLease({ ...lease, id: 'lease-2' });

    // Act
    const old = await store.claimLease(USD, jan8, 'lease-1', 'delivery-1', LATER);
    const never = await store.claimLease(USD, jan9, 'lease-9', 'delivery-1', LATER);

    // Assess
    expect(old).toEqual({ kind: 'gone' });
    expect(never).toEqual({ kind: 'gone' });
    expect(await store.getLease(USD, jan8)).toMatchObject({ id: 'lease-2', asks: 0 });
  });

  it('comes due on the retry-due index at its due time, apart from the dates', async () => {
    // Prepare
    const store = storeWith({ '2024-01-02': retryItem(1, { retryDue: NOW }) });
    await store.openLease(lease);

    // Act
    const before = await store.dueItems(NOW);
    const after = await store.dueItems(LATER);

    // Assess
    expect(before.leases).toEqual([]);
    expect(before.dates.map((item) => item.day)).toEqual([day('2024-01-02')]);
    expect(after.leases).toEqual([{ infoType: USD, first: jan8 }]);
    expect(after.dates).toHaveLength(1);
  });

  it('is deferred once it is due, by one run only, and only under its own id', async () => {
    // Prepare
    const store = storeWith();
    await store.openLease(lease);
    const pushed = '2024-02-01T12:00:00.000Z';

    // Act
    const early = await store.deferLease(USD, jan8, 'lease-1', NOW, pushed);
    const otherId = await store.deferLease(USD, jan8, 'lease-2', LATER, pushed);
    const first = await store.deferLease(USD, jan8, 'lease-1', LATER, pushed);
    const second = await store.deferLease(USD, jan8, 'lease-1', LATER, '2024-02-01T13:00:00.000Z');

    // Assess
    expect([early, otherId, first, second]).toEqual([false, false, true, false]);
    expect((await store.getLease(USD, jan8))?.retryDue).toBe(pushed);
  });

  it('is closed by its own id only; closing it again is fine, and its first date can take a new lease', async () => {
    // Prepare
    const store = storeWith();
    await store.openLease(lease);

    // Act
    await store.closeLease(USD, jan8, 'lease-2');
    const afterOther = await store.getLease(USD, jan8);
    await store.closeLease(USD, jan8, 'lease-1');
    await store.closeLease(USD, jan8, 'lease-1');
    const reopened = await store.openLease({ ...lease, id: 'lease-3' });

    // Assess
    expect(afterOther?.id).toBe('lease-1');
    expect(reopened).toBe(true);
    expect((await store.listLeases(USD)).map((open) => open.id)).toEqual(['lease-3']);
  });
});

describe('MemorySeriesStore.claimDates', () => {
  it("gives a date without an item its first item, counting the lease's asks", async () => {
    // Prepare
    const store = storeWith();

    // Act
    const alone = await store.claimDates(USD, [jan8], request({ attemptsWithoutItem: 0 }));
    const underLease = await store.claimDates(USD, [jan9], request({ attemptsWithoutItem: 1 }));

    // Assess
    expect(alone.get(jan8)).toEqual({ kind: 'claimed', attempts: 1 });
    expect(underLease.get(jan9)).toEqual({ kind: 'claimed', attempts: 2 });
    expect(store.series(USD).get(jan9)).toEqual({
      status: 'RETRY',
      value: null,
      attempts: 2,
      retryCount: 1,
      claimToken: 'delivery-1',
      retryDue: LATER,
    });
  });

  it.each([0, 1, 2])('takes a RETRY date from %s attempts to one more, keeping its last error', async (n) => {
    // Prepare
    const store = storeWith({ '2024-01-08': retryItem(n) });

    // Act
    const claims = await store.claimDates(USD, [jan8], request({ token: 'delivery-2' }));

    // Assess
    expect(claims.get(jan8)).toEqual({ kind: 'claimed', attempts: n + 1 });
    expect(store.series(USD).get(jan8)).toMatchObject({
      status: 'RETRY',
      attempts: n + 1,
      retryCount: n,
      claimToken: 'delivery-2',
      retryDue: LATER,
      lastError: 'HTTP 503',
    });
  });

  it.each([
    ['PENDING', 0, 2],
    ['RETRY', 1, 3],
  ] as const)(
    'counts a %s item written before the ledger (retry_count %s, no attempts) as retry_count + 1 attempts',
    async (status, retryCount, next) => {
      // Prepare
      const store = storeWith({ '2024-01-08': { status, value: null, retryCount, retryDue: NOW } });

      // Act
      const claims = await store.claimDates(USD, [jan8], request({ maxAttempts: 6 }));

      // Assess
      expect(claims.get(jan8)).toEqual({ kind: 'claimed', attempts: next });
      expect(store.series(USD).get(jan8)).toMatchObject({
        status: 'RETRY',
        attempts: next,
        retryCount: next - 1,
      });
    },
  );

  it('finds OK and QUARANTINED dates done, and leaves them as they are', async () => {
    // Prepare
    const ok: MemoryItem = { status: 'OK', value: 5.1, retryCount: 0, source: 'simulated' };
    const quarantined: MemoryItem = { status: 'QUARANTINED', value: null, retryCount: 2, attempts: 3 };
    const store = storeWith({ '2024-01-08': ok, '2024-01-09': quarantined });

    // Act
    const claims = await store.claimDates(USD, [jan8, jan9], request());

    // Assess
    expect(claims).toEqual(
      new Map([
        [jan8, { kind: 'done' }],
        [jan9, { kind: 'done' }],
      ]),
    );
    expect(store.series(USD).get(jan8)).toEqual(ok);
    expect(store.series(USD).get(jan9)).toEqual(quarantined);
    expect(store.log).toEqual([]);
  });

  it('finds a date spent when its next attempt would pass maxAttempts, and writes nothing', async () => {
    // Prepare: 1 + MAX_RETRIES = 3
    const store = storeWith({
      '2024-01-08': retryItem(3),
      '2024-01-09': { status: 'PENDING', value: null, retryCount: 2 },
    });

    // Act
    const claims = await store.claimDates(USD, [jan8, jan9, jan10], request({ attemptsWithoutItem: 3 }));

    // Assess
    expect(claims.get(jan8)).toEqual({ kind: 'spent', attempts: 3, lastError: 'HTTP 503' });
    expect(claims.get(jan9)).toEqual({ kind: 'spent', attempts: 3 });
    expect(claims.get(jan10)).toEqual({ kind: 'spent', attempts: 3 });
    expect(store.series(USD).get(jan8)).toEqual(retryItem(3));
    expect(store.series(USD).has(jan10)).toBe(false);
    expect(store.log).toEqual([]);
  });

  it('claims the last attempt of the budget, then no more', async () => {
    // Prepare
    const store = storeWith({ '2024-01-08': retryItem(2) });

    // Act
    const last = await store.claimDates(USD, [jan8], request({ token: 'delivery-2' }));
    const beyond = await store.claimDates(USD, [jan8], request({ token: 'delivery-3' }));

    // Assess
    expect(last.get(jan8)).toEqual({ kind: 'claimed', attempts: 3 });
    expect(beyond.get(jan8)).toEqual({ kind: 'spent', attempts: 3, lastError: 'HTTP 503' });
  });

  it('does not add an attempt for the same token twice (a claim whose answer was lost)', async () => {
    // Prepare
    const store = storeWith({ '2024-01-08': retryItem(1) });
    await store.claimDates(USD, [jan8, jan9], request({ token: 'delivery-2' }));
    const writes = store.calls.itemWrites;

    // Act
    const again = await store.claimDates(USD, [jan8, jan9], request({ token: 'delivery-2' }));

    // Assess
    expect(again.get(jan8)).toEqual({ kind: 'claimed', attempts: 2 });
    expect(again.get(jan9)).toEqual({ kind: 'claimed', attempts: 1 });
    expect(store.series(USD).get(jan8)?.attempts).toBe(2);
    expect(store.calls.itemWrites).toBe(writes);
  });

  it('adds one attempt per delivery: another token after a claim claims the next attempt', async () => {
    // Prepare
    const store = storeWith();
    await store.claimDates(USD, [jan8], request({ token: 'delivery-1' }));

    // Act
    const second = await store.claimDates(USD, [jan8], request({ token: 'delivery-2' }));

    // Assess
    expect(second.get(jan8)).toEqual({ kind: 'claimed', attempts: 2 });
    expect(store.series(USD).get(jan8)).toMatchObject({ attempts: 2, claimToken: 'delivery-2' });
  });

  it('answers for every date asked, in any order given', async () => {
    // Prepare
    const store = storeWith({ '2024-01-09': { status: 'OK', value: 5, retryCount: 0 } });

    // Act
    const claims = await store.claimDates(USD, [jan10, jan8, jan9], request());

    // Assess
    expect([...claims.keys()]).toEqual([jan8, jan9, jan10]);
    expect([...claims.values()].map((claim) => claim.kind)).toEqual(['claimed', 'done', 'claimed']);
  });
});

describe('MemorySeriesStore.recordFailure', () => {
  const failure = (attempts: number, token = 'delivery-1') => ({
    day: jan8,
    error: 'HTTP 500',
    attempts,
    retryDue: LATER,
    token,
  });

  it("records a failure on a date without an item, as RETRY with retry_count = attempts - 1 and the delivery's token", async () => {
    // Prepare
    const store = storeWith();

    // Act
    const outcome = await store.recordFailure(USD, failure(1));

    // Assess
    expect(outcome).toBe('recorded');
    expect(store.series(USD).get(jan8)).toEqual({
      status: 'RETRY',
      value: null,
      attempts: 1,
      retryCount: 0,
      lastError: 'HTTP 500',
      retryDue: LATER,
      claimToken: 'delivery-1',
    });
  });

  it('never lowers attempts: a late report of an older attempt is left alone', async () => {
    // Prepare
    const store = storeWith({ '2024-01-08': retryItem(3, { claimToken: 'delivery-3' }) });

    // Act
    const stale = await store.recordFailure(USD, failure(2, 'delivery-3'));
    const current = await store.recordFailure(USD, failure(3, 'delivery-3'));

    // Assess
    expect(stale).toBe('left-alone');
    expect(current).toBe('recorded');
    expect(store.series(USD).get(jan8)).toMatchObject({
      attempts: 3,
      retryCount: 2,
      lastError: 'HTTP 500',
      claimToken: 'delivery-3',
    });
  });

  it('compares a pre-ledger item by retry_count + 1', async () => {
    // Prepare
    const store = storeWith({ '2024-01-08': { status: 'PENDING', value: null, retryCount: 2 } });

    // Act
    const stale = await store.recordFailure(USD, failure(2));
    const current = await store.recordFailure(USD, failure(3));

    // Assess
    expect(stale).toBe('left-alone');
    expect(current).toBe('recorded');
  });

  it('leaves a report of no attempt alone on a PENDING item before the ledger (it made one)', async () => {
    // Prepare
    const store = storeWith({ '2024-01-08': { status: 'PENDING', value: null, retryCount: 0 } });

    // Act
    const none = await store.recordFailure(USD, failure(0));
    const first = await store.recordFailure(USD, failure(1));

    // Assess
    expect([none, first]).toEqual(['left-alone', 'recorded']);
  });

  it("leaves a report from another delivery's token alone, even one whose attempts are not behind", async () => {
    // Prepare
    const store = storeWith();
    await store.claimDates(USD, [jan8], request({ token: 'delivery-1', attemptsWithoutItem: 1 }));
    await store.claimDates(USD, [jan8], request({ token: 'delivery-2' }));
    const claimed = store.series(USD).get(jan8);

    // Act
    const behind = await store.recordFailure(USD, failure(2, 'delivery-1'));
    const level = await store.recordFailure(USD, failure(3, 'delivery-1'));

    // Assess
    expect([behind, level]).toEqual(['left-alone', 'left-alone']);
    expect(store.series(USD).get(jan8)).toEqual(claimed);
    expect(await store.recordFailure(USD, failure(3, 'delivery-2'))).toBe('recorded');
    expect(store.series(USD).get(jan8)).toMatchObject({
      attempts: 3,
      claimToken: 'delivery-2',
      lastError: 'HTTP 500',
    });
  });

  it('leaves a report from before a release alone: the release put a token no delivery holds', async () => {
    // Prepare
    const store = storeWith();
    await store.claimDates(USD, [jan8], request({ token: 'delivery-1', attemptsWithoutItem: 2 }));
    await store.quarantine(USD, jan8, 'HTTP 503', 3);
    await store.release(USD, jan8, NOW);
    const released = store.series(USD).get(jan8);

    // Act
    const outcome = await store.recordFailure(USD, failure(3, 'delivery-1'));

    // Assess
    expect(outcome).toBe('left-alone');
    expect(released).toMatchObject({ status: 'RETRY', attempts: 0, claimToken: `released:${NOW}` });
    expect(store.series(USD).get(jan8)).toEqual(released);
  });

  it('leaves OK and QUARANTINED dates alone', async () => {
    // Prepare
    const store = storeWith({
      '2024-01-08': { status: 'OK', value: 5, retryCount: 0 },
      '2024-01-09': { status: 'QUARANTINED', value: null, retryCount: 2, attempts: 3 },
    });

    // Act
    const ok = await store.recordFailure(USD, failure(9));
    const quarantined = await store.recordFailure(USD, { ...failure(9), day: jan9 });

    // Assess
    expect([ok, quarantined]).toEqual(['left-alone', 'left-alone']);
    expect(store.series(USD).get(jan8)?.status).toBe('OK');
    expect(store.series(USD).get(jan9)?.status).toBe('QUARANTINED');
    expect(store.log).toEqual([]);
  });
});

describe('MemorySeriesStore: quarantine and release', () => {
  it('quarantines a spent retry-path date (keeping its attempts) with retry_count = maxAttempts - 1, never an OK one', async () => {
    // Prepare: 1 + MAX_RETRIES = 3
    const store = storeWith({
      '2024-01-08': retryItem(3),
      '2024-01-09': { status: 'OK', value: 5, retryCount: 0 },
    });

    // Act
    const retry = await store.quarantine(USD, jan8, 'HTTP 503', 3);
    const ok = await store.quarantine(USD, jan9, 'HTTP 503', 3);
    const missing = await store.quarantine(USD, jan10, 'never processed', 3);

    // Assess
    expect([retry, ok, missing]).toEqual([true, false, true]);
    expect(store.series(USD).get(jan8)).toEqual({
      status: 'QUARANTINED',
      value: null,
      retryCount: 2,
      attempts: 3,
      lastError: 'HTTP 503',
    });
    expect((await store.listQuarantined(USD)).map((item) => item.day)).toEqual([jan8, jan10]);
    expect((await store.dueItems(LATER)).dates).toEqual([]);
  });

  it('releases a quarantined date with attempts and retry_count back to 0, due at once, under a fresh token', async () => {
    // Prepare
    const store = storeWith({ '2024-01-08': retryItem(3, { claimToken: 'delivery-3' }) });
    await store.quarantine(USD, jan8, 'HTTP 503', 3);

    // Act
    const released = await store.release(USD, jan8, NOW);

    // Assess
    expect(released).toBe(true);
    expect(store.series(USD).get(jan8)).toEqual({
      status: 'RETRY',
      value: null,
      retryCount: 0,
      attempts: 0,
      retryDue: NOW,
      lastError: 'HTTP 503',
      claimToken: `released:${NOW}`,
    });
    expect((await store.dueItems(NOW)).dates).toEqual([
      { infoType: USD, day: jan8, status: 'RETRY', retryCount: 0, lastError: 'HTTP 503' },
    ]);
    expect(await store.listQuarantined()).toEqual([]);
  });

  it('keeps last_error absent on release when the quarantined date had none', async () => {
    // Prepare
    const store = storeWith({
      '2024-01-08': { status: 'QUARANTINED', value: null, retryCount: 2, attempts: 3 },
    });

    // Act
    const released = await store.release(USD, jan8, NOW);

    // Assess
    expect(released).toBe(true);
    expect(store.series(USD).get(jan8)).not.toHaveProperty('lastError');
    expect((await store.dueItems(NOW)).dates).toEqual([
      { infoType: USD, day: jan8, status: 'RETRY', retryCount: 0 },
    ]);
  });

  it('gives a released date its full budget again: the next claim is attempt 1', async () => {
    // Prepare
    const store = storeWith({ '2024-01-08': retryItem(3) });
    await store.quarantine(USD, jan8, 'HTTP 503', 3);
    await store.release(USD, jan8, NOW);

    // Act
    const claims = await store.claimDates(USD, [jan8], request({ token: 'delivery-9' }));

    // Assess
    expect(claims.get(jan8)).toEqual({ kind: 'claimed', attempts: 1 });
  });

  it('releases only a quarantined date', async () => {
    // Prepare
    const store = storeWith({
      '2024-01-08': retryItem(2),
      '2024-01-09': { status: 'OK', value: 5, retryCount: 0 },
    });

    // Act
    const outcomes = [
      await store.release(USD, jan8, NOW),
      await store.release(USD, jan9, NOW),
      await store.release(USD, jan10, NOW),
    ];

    // Assess
    expect(outcomes).toEqual([false, false, false]);
    expect(store.series(USD).get(jan8)).toEqual(retryItem(2));
    expect(store.series(USD).has(jan10)).toBe(false);
  });

  it('refuses a released date (attempts 0) and one with attempts left; takes a spent one and one without item', async () => {
    // Prepare: 1 + MAX_RETRIES = 3
    const store = storeWith({
      '2024-01-08': retryItem(3, { claimToken: 'delivery-3' }),
      '2024-01-09': retryItem(2, { claimToken: 'delivery-2' }),
      '2024-01-10': retryItem(3, { claimToken: 'delivery-3' }),
    });
    await store.quarantine(USD, jan8, 'HTTP 503', 3);
    await store.release(USD, jan8, NOW);
    const before = { released: store.series(USD).get(jan8), withBudget: store.series(USD).get(jan9) };

    // Act
    const outcomes = [
      await store.quarantine(USD, jan8, 'stale index read', 3),
      await store.quarantine(USD, jan9, 'stale index read', 3),
      await store.quarantine(USD, jan10, 'HTTP 500', 3),
      await store.quarantine(USD, jan12, 'never processed', 3),
    ];

    // Assess
    expect(outcomes).toEqual([false, false, true, true]);
    expect(store.series(USD).get(jan8)).toEqual(before.released);
    expect(store.series(USD).get(jan9)).toEqual(before.withBudget);
    expect(store.series(USD).get(jan10)).toMatchObject({ status: 'QUARANTINED', attempts: 3, retryCount: 2 });
    expect(store.series(USD).get(jan12)).toEqual({
      status: 'QUARANTINED',
      value: null,
      retryCount: 2,
      lastError: 'never processed',
    });
    expect((await store.listQuarantined(USD)).map((item) => item.day)).toEqual([jan10, jan12]);
  });

  it.each([
    ['RETRY', 5, true],
    ['RETRY', 4, false],
    ['PENDING', 5, true],
    ['PENDING', 0, false],
  ] as const)(
    'quarantines a %s item before the ledger (no attempts) with retry_count %s: %s (MAX_RETRIES = 5)',
    async (status, retryCount, taken) => {
      // Prepare
      const legacy: MemoryItem = { status, value: null, retryCount, retryDue: NOW };
      const store = storeWith({ '2024-01-08': legacy });

      // Act
      const quarantined = await store.quarantine(USD, jan8, 'gave up', 6);

      // Assess
      expect(quarantined).toBe(taken);
      expect(store.series(USD).get(jan8)).toEqual(
        taken ? { status: 'QUARANTINED', value: null, retryCount: 5, lastError: 'gave up' } : legacy,
      );
    },
  );
});

describe('MemorySeriesStore.deferRetry', () => {
  it('pushes a due date once, only at the retry_count read', async () => {
    // Prepare
    const store = storeWith({ '2024-01-08': retryItem(2, { retryDue: NOW }) });

    // Act
    const wrongCount = await store.deferRetry(USD, jan8, 0, NOW, LATER);
    const first = await store.deferRetry(USD, jan8, 1, NOW, LATER);
    const second = await store.deferRetry(USD, jan8, 1, NOW, '2024-02-01T12:00:00.000Z');

    // Assess
    expect([wrongCount, first, second]).toEqual([false, true, false]);
    expect(store.series(USD).get(jan8)?.retryDue).toBe(LATER);
  });
});

describe('MemorySeriesStore.calls.itemWrites', () => {
  it('bills a backfilled stream one write per value and three for its lease (open, claim, close)', async () => {
    // Prepare
    const store = storeWith();
    const days = [jan8, jan9, jan10];

    // Act
    await store.openLease({ infoType: USD, id: 'lease-1', first: jan8, last: jan10, retryDue: LATER });
    await store.claimLease(USD, jan8, 'lease-1', 'delivery-1', LATER);
    await store.writeValues(
      USD,
      'simulated',
      days.map((one) => ({ day: one, value: 5 })),
    );
    await store.closeLease(USD, jan8, 'lease-1');

    // Assess
    expect(store.calls.itemWrites).toBe(days.length + 3);
    expect(store.log.map((event) => event.after.status)).toEqual(['OK', 'OK', 'OK']);
  });

  it('bills each claimed date, recorded failure, quarantine and release once', async () => {
    // Prepare
    const store = storeWith();

    // Act
    await store.claimDates(USD, [jan8, jan9], request({ maxAttempts: 1 }));
    await store.recordFailure(USD, {
      day: jan8,
      error: 'HTTP 503',
      attempts: 1,
      retryDue: LATER,
      token: 'delivery-1',
    });
    await store.quarantine(USD, jan9, 'HTTP 503', 1);
    await store.release(USD, jan9, NOW);
    await store.deferRetry(USD, jan9, 0, NOW, LATER);

    // Assess
    expect(store.calls.itemWrites).toBe(6);
    expect(store.log).toHaveLength(6);
  });

  it('bills nothing for what it refuses or finds done', async () => {
    // Prepare
    const store = storeWith({
      '2024-01-08': { status: 'OK', value: 5, retryCount: 0 },
      '2024-01-09': retryItem(3, { claimToken: 'delivery-1' }),
      '2024-01-10': retryItem(3),
    });
    await store.openLease({ infoType: USD, id: 'lease-1', first: jan12, last: jan12, retryDue: LATER });
    await store.claimLease(USD, jan12, 'lease-1', 'delivery-1', LATER);
    const writes = store.calls.itemWrites;

    // Act
    await store.openLease({ infoType: USD, id: 'lease-2', first: jan12, last: jan12, retryDue: LATER });
    await store.claimLease(USD, jan12, 'lease-1', 'delivery-1', LATER);
    await store.claimLease(USD, jan12, 'lease-1', 'delivery-2', LATER);
    await store.claimLease(USD, jan12, 'lease-2', 'delivery-2', LATER);
    await store.deferLease(USD, jan12, 'lease-1', NOW, LATER);
    await store.closeLease(USD, jan12, 'lease-2');
    await store.claimDates(USD, [jan8, jan9, jan10], request());
    const late = { error: 'late', retryDue: LATER, token: 'delivery-1' };
    await store.recordFailure(USD, { ...late, day: jan8, attempts: 1 });
    await store.recordFailure(USD, { ...late, day: jan10, attempts: 2 });
    await store.recordFailure(USD, { ...late, day: jan9, attempts: 3, token: 'delivery-2' });
    await store.quarantine(USD, jan8, 'late', 3);
    await store.quarantine(USD, jan10, 'late', 4);
    await store.release(USD, jan10, NOW);

    // Assess
    expect(store.calls.itemWrites).toBe(writes);
    expect(store.log).toEqual([]);
  });
});

describe('MemorySeriesStore.fault', () => {
  it('makes the chosen call throw before it takes effect, and only that one', async () => {
    // Prepare
    const store = storeWith();
    let calls = 0;
    store.fault = (operation) =>
      operation === 'claimDates' && (calls += 1) === 1 ? new StoreError('UpdateItem', 'throttled') : null;

    // Act
    const failed = await store.claimDates(USD, [jan8], request()).catch((error: unknown) => error);
    const written = store.calls.itemWrites;
    const retried = await store.claimDates(USD, [jan8], request());

    // Assess
    expect(failed).toBeInstanceOf(StoreError);
    expect(written).toBe(0);
    expect(retried.get(jan8)).toEqual({ kind: 'claimed', attempts: 1 });
  });
});
