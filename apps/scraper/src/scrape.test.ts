import { describe, expect, it, vi } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import {
  MemorySeriesStore,
  type MemoryItem,
  makeSeries,
  recordingTelemetry,
  ScriptedSource,
  sourceDown,
  sourceValue,
} from '@gapless/pipeline-core/testing';
import {
  encodeMessage,
  formatIsoDate,
  parseIsoDate,
  type Day,
  InvalidMessageError,
  StoreError,
  type SeriesDefinition,
} from '@gapless/pipeline-core';
import { scrapeRecord, type ScrapeDeps } from './scrape.js';

const start = new Date('2024-02-01T12:00:00.000Z');
const maxRetries = 3;
const inflightTimeoutMs = 3_600_000;
const pendingTimeoutMs = 3_600_000;
const inflightDue = new Date(start.getTime() + inflightTimeoutMs).toISOString();
const backoffMs = (retryCount: number): number => 60_000 * 2 ** retryCount;
const series = makeSeries({ bounds: { min: 1, max: 10 } });
const deadline = Date.now() + 60_000;
const week = ['2024-01-08', '2024-01-09', '2024-01-10', '2024-01-11', '2024-01-12'];

/** A clock the tests move by hand. */
class FakeClock {
  now = start;
  advance(ms: number): Date {
    this.now = new Date(this.now.getTime() + ms);
    return this.now;
  }
}

function makeDeps(overrides: Partial<ScrapeDeps> = {}) {
  const store = new MemorySeriesStore();
  const source = new ScriptedSource();
  const telemetry = recordingTelemetry();
  const clock = new FakeClock();
  let deliveries = 0;
  const deps: ScrapeDeps = {
    catalog: new Map<string, SeriesDefinition>([[series.infoType, series]]),
    store,
    sourceFor: () => source,
    maxRetries,
    maxMessageBytes: 262_144,
    retryBackoffMs: backoffMs,
    inflightTimeoutMs,
    now: () => clock.now,
    telemetry,
    newToken: () => `delivery-${++deliveries}`,
    ...overrides,
  };
  return { deps, store, source, telemetry, clock };
}

function days(...isoDates: string[]): Day[] {
  return isoDates.map(parseIsoDate);
}

/**
 * What data_clustering does for one stream (apps/data_clustering, tested there): open its lease, due after
 * the pending timeout, and return the gap message that names it.
 */
async function openStream(
  store: MemorySeriesStore,
  isoDates: string[],
  id = 'lease-1',
  at: Date = start,
): Promise<string> {
  const [first, last] = [parseIsoDate(isoDates[0]), parseIsoDate(isoDates.at(-1))];
  const retryDue = new Date(at.getTime() + pendingTimeoutMs).toISOString();
  expect(await store.openLease({ infoType: series.infoType, id, first, last, retryDue })).toBe(true);
  return encodeMessage({
    partitionKey: series.infoType,
    days: Int32Array.from(days(...isoDates)),
    reason: 'gap',
    attempt: 0,
    lease: { first, id },
  });
}

/** A retry message, as retry_recheck sends it. */
function retryBody(isoDates: string[], attempt = 1): string {
  return encodeMessage({
    partitionKey: series.infoType,
    days: Int32Array.from(days(...isoDates)),
    reason: 'retry',
    attempt,
  });
}

/** A gap message of the format before the work ledger (no lease). */
function oldGapBody(isoDates: string[]): string {
  return JSON.stringify({ partition_key: series.infoType, dates_to_download: isoDates });
}

/**
 * What retry_recheck does with the due dates of the index (apps/retry_recheck, tested there), reduced to its
 * port calls: a date whose retries are spent is quarantined (the store refuses a date that still has budget,
 * as a released one has), any other has its due time pushed past the in-flight timeout and is sent again in a
 * retry message. Functions never import each other, so the scraper's tests play this part. Returns the bodies
 * sent.
 */
async function recheckStandIn(store: MemorySeriesStore, at: Date, retries: number): Promise<string[]> {
  const nowIso = at.toISOString();
  const pushedTo = new Date(at.getTime() + inflightTimeoutMs).toISOString();
  const resend: Day[] = [];
  for (const item of (await store.dueItems(nowIso)).dates) {
    const lastError = item.lastError ?? 'retry budget spent';
    if (
      item.retryCount >= retries &&
      (await store.quarantine(item.infoType, item.day, lastError, 1 + retries))
    )
      continue;
    if (await store.deferRetry(item.infoType, item.day, item.retryCount, nowIso, pushedTo))
      resend.push(item.day);
  }
  if (resend.length === 0) return [];
  return [retryBody(resend.sort((a, b) => a - b).map(formatIsoDate))];
}

function itemOn(store: MemorySeriesStore, isoDate: string): MemoryItem | undefined {
  return store.series(series.infoType).get(parseIsoDate(isoDate));
}

/** Puts items straight into the store (not through the write log): the state a test starts from. */
function seed(store: MemorySeriesStore, isoDates: string[], fields: Partial<MemoryItem>): void {
  for (const date of isoDates) {
    store.series(series.infoType).set(parseIsoDate(date), {
      status: 'RETRY',
      value: null,
      retryCount: 0,
      attempts: 1,
      retryDue: start.toISOString(),
      lastError: 'simulated: HTTP 503: unavailable',
      ...fields,
    });
  }
}

/** A promise and the function that settles it, for a test to hold a delivery at one point and let it go. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((settle) => (resolve = settle));
  return { promise, resolve };
}

/** How many requests the source received that covered each date. */
function asksPerDate(source: ScriptedSource, isoDates: string[]): Record<string, number> {
  return Object.fromEntries(
    isoDates.map((date) => {
      const day = parseIsoDate(date);
      return [date, source.calls.filter((call) => call.from <= day && day <= call.to).length];
    }),
  );
}

describe('scrapeRecord', () => {
  it('downloads the stream in one request, writes every good value as OK and closes the lease', async () => {
    // Prepare
    const { deps, store, source } = makeDeps();
    const body = await openStream(store, week);

    // Act
    const outcome = await scrapeRecord(deps, { body, receiveCount: 1 }, deadline);

    // Assess
    expect(outcome).toEqual({ kind: 'scraped', written: 5, failed: 0 });
    expect(source.calls).toEqual([
      { infoType: series.infoType, from: parseIsoDate(week[0]), to: parseIsoDate(week[4]) },
    ]);
    for (const date of week) {
      expect(itemOn(store, date)).toEqual({
        status: 'OK',
        value: sourceValue(parseIsoDate(date)),
        retryCount: 0,
        source: 'simulated',
      });
    }
    expect(await store.listLeases(series.infoType)).toEqual([]);
  });

  it("claims the lease's first request with its delivery token before asking, pushing the lease's due time", async () => {
    // Prepare
    const { deps, store, source } = makeDeps();
    const body = await openStream(store, week);
    const atAsk: unknown[] = [];
    source.failure = () => {
      atAsk.push(store.leases.get(series.infoType)?.get(parseIsoDate(week[0])));
      return undefined;
    };

    // Act
    await scrapeRecord(deps, { body, receiveCount: 1 }, deadline);

    // Assess
    expect(atAsk).toEqual([
      {
        infoType: series.infoType,
        id: 'lease-1',
        first: parseIsoDate(week[0]),
        last: parseIsoDate(week[4]),
        asks: 1,
        askToken: 'delivery-1',
        retryDue: inflightDue,
      },
    ]);
  });

  it('records missing, null and out-of-bounds values as RETRY with the reason', async () => {
    // Prepare
    const { deps, store, source } = makeDeps();
    const body = await openStream(store, week);
    const script = new Map<string, number | null | undefined>([
      ['2024-01-08', undefined],
      ['2024-01-09', null],
      ['2024-01-10', 50],
      ['2024-01-11', -1],
      ['2024-01-12', 0],
    ]);
    source.valueOf = (_, day) => script.get(formatIsoDate(day));

    // Act
    const outcome = await scrapeRecord(deps, { body, receiveCount: 1 }, deadline);

    // Assess
    expect(outcome).toEqual({ kind: 'scraped', written: 0, failed: 5 });
    const retryDue = new Date(start.getTime() + backoffMs(0)).toISOString();
    const errors = week.map((date) => itemOn(store, date)?.lastError);
    expect(errors).toEqual([
      'the source returned no row for this date',
      'the source returned the date without a value',
      "value 50 is outside the series' bounds [1, 10]",
      "value -1 is outside the series' bounds [1, 10]",
      "value 0 is outside the series' bounds [1, 10]",
    ]);
    for (const date of week) {
      expect(itemOn(store, date)).toMatchObject({
        status: 'RETRY',
        value: null,
        attempts: 1,
        retryCount: 0,
        retryDue,
      });
    }
    expect(await store.listLeases(series.infoType)).toEqual([]);
  });

  it('writes the good values of a stream and records only the bad ones', async () => {
    // Prepare
    const { deps, store, source } = makeDeps();
    const body = await openStream(store, week);
    source.valueOf = (_, day) => (formatIsoDate(day) === '2024-01-10' ? null : sourceValue(day));

    // Act
    const outcome = await scrapeRecord(deps, { body, receiveCount: 1 }, deadline);

    // Assess
    expect(outcome).toEqual({ kind: 'scraped', written: 4, failed: 1 });
    expect(week.map((date) => itemOn(store, date)?.status)).toEqual(['OK', 'OK', 'RETRY', 'OK', 'OK']);
  });

  it('records every date of a retry when the whole request fails, with the attempt it claimed', async () => {
    // Prepare
    const { deps, store, source, telemetry } = makeDeps();
    seed(store, week, { attempts: 2, retryCount: 1 });
    source.failure = () => sourceDown('HTTP 503: unavailable');

    // Act
    const outcome = await scrapeRecord(deps, { body: retryBody(week, 2), receiveCount: 1 }, deadline);

    // Assess
    expect(outcome).toEqual({ kind: 'scraped', written: 0, failed: 5 });
    for (const date of week) {
      expect(itemOn(store, date)).toMatchObject({
        status: 'RETRY',
        attempts: 3,
        retryCount: 2,
        lastError: 'simulated: HTTP 503: unavailable',
        retryDue: new Date(start.getTime() + backoffMs(2)).toISOString(),
      });
    }
    expect(telemetry.lines.map((line) => line.message)).toContain('source request failed');
  });

  it('never overwrites an OK value with a failure', async () => {
    // Prepare
    const { deps, store, source } = makeDeps();
    const body = await openStream(store, week);
    await store.writeValues(series.infoType, 'simulated', [{ day: parseIsoDate('2024-01-09'), value: 7.5 }]);
    source.failure = () => sourceDown();

    // Act
    await scrapeRecord(deps, { body, receiveCount: 1 }, deadline);

    // Assess
    expect(itemOn(store, '2024-01-09')).toEqual({
      status: 'OK',
      value: 7.5,
      retryCount: 0,
      source: 'simulated',
    });
    expect(itemOn(store, '2024-01-08')?.status).toBe('RETRY');
    expect(store.log.filter((event) => event.before?.status === 'OK' && event.after.status !== 'OK')).toEqual(
      [],
    );
  });

  it('records the dates a batch write left unprocessed for retry', async () => {
    // Prepare
    const { deps, store } = makeDeps();
    const body = await openStream(store, week);
    store.unwritable = new Set(days('2024-01-11'));

    // Act
    const outcome = await scrapeRecord(deps, { body, receiveCount: 1 }, deadline);

    // Assess
    expect(outcome).toEqual({ kind: 'scraped', written: 4, failed: 1 });
    expect(itemOn(store, '2024-01-11')).toMatchObject({
      status: 'RETRY',
      attempts: 1,
      lastError: 'DynamoDB left the write unprocessed after retries',
    });
    expect(await store.listLeases(series.infoType)).toEqual([]);
  });

  it('downloads a message delivered twice only once: the second delivery finds the lease closed', async () => {
    // Prepare
    const { deps, store, source, telemetry } = makeDeps();
    const record = { body: await openStream(store, week), receiveCount: 1 };

    // Act
    const first = await scrapeRecord(deps, record, deadline);
    const second = await scrapeRecord(deps, { ...record, receiveCount: 2 }, deadline);

    // Assess
    expect(first.kind).toBe('scraped');
    expect(second).toEqual({ kind: 'duplicate' });
    expect(source.calls).toHaveLength(1);
    expect(telemetry.lines.map((line) => line.message)).toContain('duplicate delivery: its lease is closed');
  });

  it("counts a redelivery after a delivery died mid-ask as one more attempt on each date (the lease's ask included)", async () => {
    // Prepare
    const { deps, store, source } = makeDeps();
    const body = await openStream(store, week);
    source.failure = () => new Error('the function ran out of time');
    await expect(scrapeRecord(deps, { body, receiveCount: 1 }, deadline)).rejects.toThrow();
    source.failure = () => sourceDown();

    // Act
    const outcome = await scrapeRecord(deps, { body, receiveCount: 2 }, deadline);

    // Assess
    expect(outcome).toEqual({ kind: 'scraped', written: 0, failed: 5 });
    expect(source.calls).toHaveLength(2);
    for (const date of week) {
      expect(itemOn(store, date)).toMatchObject({
        status: 'RETRY',
        attempts: 2,
        retryCount: 1,
        retryDue: new Date(start.getTime() + backoffMs(1)).toISOString(),
      });
    }
    expect(await store.listLeases(series.infoType)).toEqual([]);
  });

  it("counts a redelivery's ask on every date before asking, so an ask whose delivery dies stays counted", async () => {
    // Prepare: the first delivery landed 2024-01-12, then died before recording the other dates.
    const { deps, store, source } = makeDeps();
    const body = await openStream(store, week);
    source.valueOf = (_, day) => (formatIsoDate(day) === '2024-01-12' ? 5 : undefined);
    store.fault = (operation) =>
      operation === 'recordFailure' ? new StoreError('UpdateItem', 'connection reset') : null;
    await expect(scrapeRecord(deps, { body, receiveCount: 1 }, deadline)).rejects.toThrow(StoreError);
    store.fault = () => null;
    source.failure = () => new Error('the function ran out of time');

    // Act
    const delivery = scrapeRecord(deps, { body, receiveCount: 2 }, deadline);

    // Assess
    await expect(delivery).rejects.toThrow('the function ran out of time');
    expect(source.calls.map((call) => [formatIsoDate(call.from), formatIsoDate(call.to)])).toEqual([
      ['2024-01-08', '2024-01-12'],
      ['2024-01-08', '2024-01-11'],
    ]);
    for (const date of week.slice(0, 4)) {
      expect(itemOn(store, date)).toEqual({
        status: 'RETRY',
        value: null,
        attempts: 2,
        retryCount: 1,
        claimToken: 'delivery-2',
        retryDue: inflightDue,
      });
    }
    expect(itemOn(store, '2024-01-12')).toMatchObject({ status: 'OK', value: 5 });
  });

  it('writes nothing but the lease claim before asking on a first delivery', async () => {
    // Prepare
    const { deps, store, source } = makeDeps();
    const body = await openStream(store, week);
    source.failure = () => new Error('the function ran out of time');
    const opened = store.calls.itemWrites;

    // Act
    const delivery = scrapeRecord(deps, { body, receiveCount: 1 }, deadline);

    // Assess
    await expect(delivery).rejects.toThrow();
    expect(store.log).toEqual([]);
    expect(store.calls.itemWrites - opened).toBe(1);
    expect(await store.getLease(series.infoType, parseIsoDate(week[0]))).toMatchObject({ asks: 1 });
  });

  it('still calls the source on the last attempt the budget allows', async () => {
    // Prepare
    const { deps, store, source } = makeDeps();
    seed(store, week, { attempts: maxRetries, retryCount: maxRetries - 1 });

    // Act
    const outcome = await scrapeRecord(
      deps,
      { body: retryBody(week, maxRetries), receiveCount: 1 },
      deadline,
    );

    // Assess
    expect(outcome).toEqual({ kind: 'scraped', written: 5, failed: 0 });
    expect(source.calls).toHaveLength(1);
  });

  it('quarantines without calling the source the dates whose every attempt was made, with their last error', async () => {
    // Prepare
    const { deps, store, source } = makeDeps();
    seed(store, week.slice(0, 4), { attempts: 1 + maxRetries, retryCount: maxRetries });
    await store.writeValues(series.infoType, 'simulated', [{ day: parseIsoDate('2024-01-12'), value: 5 }]);

    // Act
    const outcome = await scrapeRecord(deps, { body: retryBody(week, 3), receiveCount: 3 }, deadline);

    // Assess
    expect(outcome).toEqual({ kind: 'budget-spent', quarantined: 4 });
    expect(source.calls).toEqual([]);
    for (const date of week.slice(0, 4)) {
      expect(itemOn(store, date)).toMatchObject({
        status: 'QUARANTINED',
        retryCount: maxRetries,
        lastError: 'simulated: HTTP 503: unavailable',
      });
    }
    expect(itemOn(store, '2024-01-12')).toMatchObject({ status: 'OK', value: 5 });
  });

  it('asks on a retry only for the dates it wins, one request each side of the OK and QUARANTINED dates it leaves alone', async () => {
    // Prepare
    const { deps, store, source } = makeDeps();
    seed(store, ['2024-01-08', '2024-01-11'], {});
    seed(store, ['2024-01-09'], { status: 'OK', value: 5, retryCount: 0 });
    seed(store, ['2024-01-10'], { status: 'QUARANTINED', retryCount: maxRetries });
    const before = { ok: itemOn(store, '2024-01-09'), quarantined: itemOn(store, '2024-01-10') };

    // Act
    const outcome = await scrapeRecord(
      deps,
      { body: retryBody(week.slice(0, 4)), receiveCount: 1 },
      deadline,
    );

    // Assess
    expect(outcome).toEqual({ kind: 'scraped', written: 2, failed: 0 });
    expect(source.calls).toEqual([
      { infoType: series.infoType, from: parseIsoDate('2024-01-08'), to: parseIsoDate('2024-01-08') },
      { infoType: series.infoType, from: parseIsoDate('2024-01-11'), to: parseIsoDate('2024-01-11') },
    ]);
    expect(itemOn(store, '2024-01-08')?.status).toBe('OK');
    expect(itemOn(store, '2024-01-11')?.status).toBe('OK');
    expect(itemOn(store, '2024-01-09')).toBe(before.ok);
    expect(itemOn(store, '2024-01-10')).toBe(before.quarantined);
  });

  it('treats a PENDING item of the old table as one attempt made, and an old-format message as a retry', async () => {
    // Prepare
    const { deps, store, source } = makeDeps();
    seed(store, week, { status: 'PENDING', retryCount: 0, attempts: undefined, lastError: undefined });
    source.failure = () => sourceDown();

    // Act
    const outcome = await scrapeRecord(deps, { body: oldGapBody(week), receiveCount: 1 }, deadline);

    // Assess
    expect(outcome).toEqual({ kind: 'scraped', written: 0, failed: 5 });
    for (const date of week) {
      expect(itemOn(store, date)).toMatchObject({ status: 'RETRY', attempts: 2, retryCount: 1 });
    }
  });

  it('counts the first request of a live lease over the dates of a message that names no lease', async () => {
    // Prepare
    const { deps, store, source } = makeDeps();
    await openStream(store, week);
    await store.claimLease(series.infoType, parseIsoDate(week[0]), 'lease-1', 'delivery-0', inflightDue);
    source.failure = () => sourceDown();

    // Act
    const outcome = await scrapeRecord(deps, { body: oldGapBody(week), receiveCount: 1 }, deadline);

    // Assess
    expect(outcome).toEqual({ kind: 'scraped', written: 0, failed: 5 });
    for (const date of week) expect(itemOn(store, date)).toMatchObject({ status: 'RETRY', attempts: 2 });
  });

  it('lets a DynamoDB failure out so SQS delivers the record again, and keeps the lease for it', async () => {
    // Prepare
    const { deps, store } = makeDeps();
    const body = await openStream(store, week);
    store.fault = (operation) =>
      operation === 'writeValues' ? new StoreError('BatchWriteItem', 'down') : null;

    // Act
    const delivery = scrapeRecord(deps, { body, receiveCount: 1 }, deadline);

    // Assess
    await expect(delivery).rejects.toThrow(StoreError);
    expect(await store.getLease(series.infoType, parseIsoDate(week[0]))).toMatchObject({ asks: 1 });
  });

  it.each([
    ['not JSON', 'hello', 'not-json'],
    ['not an object', '[1,2]', 'not-object'],
    ['no partition key', '{"dates_to_download":["2024-01-08"]}', 'missing-partition-key'],
    ['no dates', '{"partition_key":"CURRENCY#USD","dates_to_download":[]}', 'empty'],
    ['a Saturday', '{"partition_key":"CURRENCY#USD","dates_to_download":["2024-01-13"]}', 'off-calendar'],
    [
      'unsorted',
      '{"partition_key":"CURRENCY#USD","dates_to_download":["2024-01-09","2024-01-08"]}',
      'unsorted',
    ],
    ['a bad date', '{"partition_key":"CURRENCY#USD","dates_to_download":["2024-02-30"]}', 'date-not-iso'],
    [
      'negative attempt',
      '{"partition_key":"CURRENCY#USD","dates_to_download":["2024-01-08"],"attempt":-1}',
      'bad-attempt',
    ],
    [
      'a lease without its id',
      '{"partition_key":"CURRENCY#USD","dates_to_download":["2024-01-08"],"lease":"2024-01-08"}',
      'bad-lease',
    ],
  ])('refuses a poison body (%s) with InvalidMessageError and writes nothing', async (_, poison, problem) => {
    // Prepare
    const { deps, store, source } = makeDeps();

    // Act
    const result = scrapeRecord(deps, { body: poison, receiveCount: 1 }, deadline);

    // Assess
    await expect(result).rejects.toThrow(InvalidMessageError);
    await expect(result).rejects.toMatchObject({ problem });
    expect(store.log).toEqual([]);
    expect(store.calls.itemWrites).toBe(0);
    expect(source.calls).toEqual([]);
  });
});

describe('scrapeRecord, a series that left the catalog', () => {
  it('retires a message of it: acknowledged (no poison, no dead-letter queue), nothing asked or written', async () => {
    // Prepare
    const { deps, store, source, telemetry } = makeDeps();
    const body =
      '{"partition_key":"CURRENCY#XYZ","dates_to_download":["2024-01-08"],"lease":"2024-01-08/l-1"}';

    // Act
    const outcome = await scrapeRecord(deps, { body, receiveCount: 1 }, deadline);

    // Assess
    expect(outcome).toEqual({ kind: 'retired' });
    expect(store.calls.itemWrites).toBe(0);
    expect(source.calls).toEqual([]);
    expect(telemetry.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'series not in the catalog: message retired',
        attributes: expect.objectContaining({ series: 'CURRENCY#XYZ' }),
      }),
    );
  });
});

describe('scrapeRecord, regressions of the work ledger', () => {
  it('regression (a) release: a date quarantined during an outage, released, is asked again with its full budget and becomes OK', async () => {
    // Prepare: an outage quarantines the date after 1 + MAX_RETRIES asks.
    const { deps, store, source, clock } = makeDeps();
    const date = '2024-01-08';
    source.failure = () => sourceDown();
    const deliver = async (body: string) => scrapeRecord(deps, { body, receiveCount: 1 }, deadline);
    /** Recheck runs (each after every back-off and timeout), each followed by the delivery of its messages. */
    const recheckUntilQuiet = async (): Promise<void> => {
      for (let run = 0; run < 20; run += 1) {
        const bodies = await recheckStandIn(store, clock.advance(7 * 3_600_000), maxRetries);
        if (bodies.length === 0) return;
        for (const body of bodies) await deliver(body);
      }
    };
    await deliver(await openStream(store, [date]));
    await recheckUntilQuiet();
    const asksInOutage = source.calls.length;
    const quarantinedInOutage = itemOn(store, date)?.status;

    // Act: released while the outage lasts, the date gets its whole budget again; released once more after
    // the source recovered, it is asked on the next recheck run and lands.
    await store.release(series.infoType, parseIsoDate(date), clock.now.toISOString());
    await recheckUntilQuiet();
    const asksAfterFirstRelease = source.calls.length - asksInOutage;
    const quarantinedAgain = itemOn(store, date)?.status;
    source.failure = () => undefined;
    await store.release(series.infoType, parseIsoDate(date), clock.now.toISOString());
    const bodies = await recheckStandIn(store, clock.now, maxRetries);
    for (const body of bodies) await deliver(body);

    // Assess
    expect(asksInOutage).toBe(1 + maxRetries);
    expect(quarantinedInOutage).toBe('QUARANTINED');
    expect(asksAfterFirstRelease).toBe(1 + maxRetries);
    expect(quarantinedAgain).toBe('QUARANTINED');
    expect(bodies).toEqual([retryBody([date])]);
    expect(itemOn(store, date)).toMatchObject({ status: 'OK', value: sourceValue(parseIsoDate(date)) });
    expect(source.calls).toHaveLength(2 * (1 + maxRetries) + 1);
  });

  it('regression (b): a clean backfill of N dates in k streams makes N value writes and 3k lease writes, nothing else', async () => {
    // Prepare
    const { deps, store } = makeDeps();
    const streams = [week, ['2024-01-15', '2024-01-16', '2024-01-17', '2024-01-18']];
    const bodies = await Promise.all(
      streams.map((dates, index) => openStream(store, dates, `lease-${index + 1}`)),
    );

    // Act
    for (const body of bodies) await scrapeRecord(deps, { body, receiveCount: 1 }, deadline);

    // Assess
    const n = streams.flat().length;
    const k = streams.length;
    expect(store.calls.itemWrites).toBe(n + 3 * k);
    expect(store.log.map((event) => formatIsoDate(event.day))).toEqual(streams.flat());
    expect(store.log.every((event) => event.before === undefined && event.after.status === 'OK')).toBe(true);
    expect(store.calls.updates).toBe(0);
    expect(await store.listLeases(series.infoType)).toEqual([]);
  });

  it('regression (c): a redelivered gap message interleaved with recheck messages never asks a date more than 1 + MAX_RETRIES times', async () => {
    // Prepare: MAX_RETRIES = 2, a back-off of one minute (shorter than the one-hour in-flight timeout), and a
    // source that is down throughout, so every ask fails and the budget is used to the end.
    const retries = 2;
    const { deps, store, source, clock } = makeDeps({ maxRetries: retries, retryBackoffMs: () => 60_000 });
    const dates = week.slice(0, 3);
    let cutOff = false;
    source.failure = () => (cutOff ? new Error('the function ran out of time') : sourceDown());
    const deliver = async (body: string, dies = false) => {
      cutOff = dies;
      return scrapeRecord(deps, { body, receiveCount: 1 }, deadline).catch((error: Error) => error.message);
    };
    const gap = await openStream(store, dates);

    // Act
    const timeline: unknown[] = [];
    timeline.push(await deliver(gap, true)); // claims the lease, asks, dies: SQS delivers it again later
    clock.advance(2 * 60_000);
    timeline.push(await deliver(gap)); // the redelivery claims attempt 2 on each date, asks, records
    clock.advance(2 * 60_000);
    const [first] = await recheckStandIn(store, clock.now, retries); // due after the short back-off
    timeline.push(await deliver(gap)); // the gap message once more (a duplicate): its lease is closed
    timeline.push(await deliver(first as string)); // attempt 3, the last
    clock.advance(2 * 60_000);
    timeline.push(await deliver(first as string)); // the retry message redelivered
    timeline.push(await deliver(gap));
    const [second] = await recheckStandIn(store, clock.now, retries); // quarantines: nothing is sent
    clock.advance(2 * 3_600_000);
    timeline.push(await recheckStandIn(store, clock.now, retries));

    // Assess
    expect(timeline).toEqual([
      'the function ran out of time',
      { kind: 'scraped', written: 0, failed: 3 },
      { kind: 'duplicate' },
      { kind: 'scraped', written: 0, failed: 3 },
      { kind: 'budget-spent', quarantined: 3 },
      { kind: 'duplicate' },
      [],
    ]);
    expect(second).toBeUndefined();
    expect(asksPerDate(source, dates)).toEqual(Object.fromEntries(dates.map((date) => [date, 1 + retries])));
    for (const date of dates) expect(itemOn(store, date)?.status).toBe('QUARANTINED');
  });

  type Step =
    | { readonly kind: 'gap'; readonly dies: boolean }
    | { readonly kind: 'retry'; readonly pick: number; readonly dies: boolean }
    | { readonly kind: 'together'; readonly pick: number }
    | { readonly kind: 'recheck' }
    | { readonly kind: 'wait'; readonly minutes: number };
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant('gap' as const), dies: fc.boolean() }),
    fc.record({ kind: fc.constant('retry' as const), pick: fc.nat(), dies: fc.boolean() }),
    fc.record({ kind: fc.constant('together' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('recheck' as const) }),
    fc.record({ kind: fc.constant('wait' as const), minutes: fc.integer({ min: 0, max: 120 }) }),
  );

  test.prop([fc.array(step, { maxLength: 40 })], { numRuns: 1000, seed: 20_240_201 })(
    'regression (c), any interleaving: redeliveries of the gap and retry messages, crashes and rechecks never ask a date more than 1 + MAX_RETRIES times',
    async (steps) => {
      // Prepare
      const retries = 2;
      const { deps, store, source, clock } = makeDeps({ maxRetries: retries, retryBackoffMs: () => 60_000 });
      const dates = week.slice(0, 3);
      let cutOff = false;
      source.failure = () => (cutOff ? new Error('the function ran out of time') : sourceDown());
      const gap = await openStream(store, dates);
      const sent: string[] = [];
      const deliver = (body: string) =>
        scrapeRecord(deps, { body, receiveCount: 1 }, deadline).catch((error: Error) => {
          if (error.message !== 'the function ran out of time') throw error;
        });

      // Act
      for (const next of steps) {
        const picked = 'pick' in next ? sent[next.pick % Math.max(1, sent.length)] : undefined;
        if (next.kind === 'wait') clock.advance(next.minutes * 60_000);
        else if (next.kind === 'recheck') sent.push(...(await recheckStandIn(store, clock.now, retries)));
        else if (next.kind === 'together') {
          cutOff = false;
          await Promise.all([deliver(gap), deliver(picked ?? gap)]);
        } else if (next.kind === 'gap' || picked !== undefined) {
          cutOff = next.dies;
          await deliver(next.kind === 'gap' ? gap : (picked as string));
        }
      }

      // Assess
      for (const [date, asks] of Object.entries(asksPerDate(source, dates))) {
        expect(asks, date).toBeLessThanOrEqual(1 + retries);
        expect(itemOn(store, date)?.attempts ?? 0, date).toBeLessThanOrEqual(1 + retries);
      }
    },
  );

  it("regression (d): a claim of the lease whose answer was lost is the delivery's own: no duplicate, one ask", async () => {
    // Prepare: the lease's claim commits, but its answer never reaches the delivery, which tries again with
    // the same token (what the SDK's retry of the UpdateItem does).
    const { deps, store, source } = makeDeps({ newToken: () => 'delivery-1' });
    const record = { body: await openStream(store, week), receiveCount: 1 };
    const claimLease = store.claimLease.bind(store);
    vi.spyOn(store, 'claimLease').mockImplementationOnce(async (...args) => {
      await claimLease(...args);
      throw new StoreError('UpdateItem', 'socket hang up');
    });

    // Act
    const lost = await scrapeRecord(deps, record, deadline).catch((error: unknown) => error);
    const retried = await scrapeRecord(deps, record, deadline);

    // Assess
    expect(lost).toBeInstanceOf(StoreError);
    expect(retried).toEqual({ kind: 'scraped', written: 5, failed: 0 });
    expect(source.calls).toHaveLength(1);
    expect(store.calls.updates).toBe(0);
    expect(week.map((date) => itemOn(store, date)?.status)).toEqual(week.map(() => 'OK'));
  });

  it("regression (d): a claim of dates whose answer was lost is the delivery's own: one attempt spent, not two", async () => {
    // Prepare
    const { deps, store, source } = makeDeps({ newToken: () => 'delivery-1' });
    seed(store, week, { attempts: 1, retryCount: 0 });
    source.failure = () => sourceDown();
    const record = { body: retryBody(week), receiveCount: 1 };
    const claimDates = store.claimDates.bind(store);
    vi.spyOn(store, 'claimDates').mockImplementationOnce(async (...args) => {
      await claimDates(...args);
      throw new StoreError('UpdateItem', 'socket hang up');
    });

    // Act
    const lost = await scrapeRecord(deps, record, deadline).catch((error: unknown) => error);
    const retried = await scrapeRecord(deps, record, deadline);

    // Assess
    expect(lost).toBeInstanceOf(StoreError);
    expect(retried).toEqual({ kind: 'scraped', written: 0, failed: 5 });
    expect(source.calls).toHaveLength(1);
    for (const date of week) {
      expect(itemOn(store, date)).toMatchObject({ status: 'RETRY', attempts: 2, retryCount: 1 });
    }
  });
});

describe('scrapeRecord, regressions of the adversarial simulation', () => {
  const spans = (source: ScriptedSource) =>
    source.calls.map((call) => [formatIsoDate(call.from), formatIsoDate(call.to)]);

  it('regression (MAX_RETRIES=0): a date quarantined after its one attempt and released is asked again and stored', async () => {
    // Prepare: no retries allowed; the date's one attempt fails in an outage and retry_recheck quarantines it
    const { deps, store, source, clock } = makeDeps({ maxRetries: 0 });
    const date = '2024-01-08';
    source.failure = () => sourceDown();
    await scrapeRecord(deps, { body: await openStream(store, [date]), receiveCount: 1 }, deadline);
    const sentInOutage = await recheckStandIn(store, clock.advance(7 * 3_600_000), 0);
    const quarantined = itemOn(store, date)?.status;
    await store.release(series.infoType, parseIsoDate(date), clock.now.toISOString());
    source.failure = () => undefined;

    // Act: the next recheck re-enqueues it (the store refuses to quarantine a date with its budget whole)
    const bodies = await recheckStandIn(store, clock.now, 0);
    const outcomes = [];
    for (const body of bodies) outcomes.push(await scrapeRecord(deps, { body, receiveCount: 1 }, deadline));

    // Assess
    expect(sentInOutage).toEqual([]);
    expect(quarantined).toBe('QUARANTINED');
    expect(bodies).toEqual([retryBody([date])]);
    expect(outcomes).toEqual([{ kind: 'scraped', written: 1, failed: 0 }]);
    expect(itemOn(store, date)).toMatchObject({ status: 'OK', value: sourceValue(parseIsoDate(date)) });
    expect(source.calls).toHaveLength(2);
  });

  it('regression: a late failure of the last attempt, reported after the date was quarantined and released, leaves the released budget whole', async () => {
    // Prepare: MAX_RETRIES = 1 and the first attempt made. Delivery A of the retry claims the last attempt and
    // is still inside its (failing) source request when a duplicate delivery B finds the budget spent and
    // quarantines the date, and an operator releases it; then the source comes back.
    const retries = 1;
    const { deps, store, source, clock } = makeDeps({ maxRetries: retries });
    const date = '2024-01-08';
    seed(store, [date], { attempts: 1, retryCount: 0 });
    source.failure = () => sourceDown();
    const inRequest = deferred();
    const answer = deferred();
    const fetchRange = source.fetchRange.bind(source);
    vi.spyOn(source, 'fetchRange').mockImplementationOnce(async (...args) => {
      const answered = fetchRange(...args); // the source is asked (and fails) now; A hears of it later
      answered.catch(() => undefined);
      inRequest.resolve();
      await answer.promise;
      return answered;
    });
    const body = retryBody([date]);
    const late = scrapeRecord(deps, { body, receiveCount: 1 }, deadline);
    await inRequest.promise;
    const duplicate = await scrapeRecord(deps, { body, receiveCount: 2 }, deadline);
    const quarantined = itemOn(store, date)?.status;
    await store.release(series.infoType, parseIsoDate(date), clock.now.toISOString());
    source.failure = () => undefined;

    // Act: A reports its failure onto the released date; the next recheck run and its delivery follow
    answer.resolve();
    const lateOutcome = await late;
    const afterLateReport = itemOn(store, date);
    const bodies = await recheckStandIn(store, clock.now, retries);
    for (const next of bodies) await scrapeRecord(deps, { body: next, receiveCount: 1 }, deadline);

    // Assess: the late report was left alone, so the date was asked again with its budget and stored
    expect(duplicate).toEqual({ kind: 'budget-spent', quarantined: 1 });
    expect(quarantined).toBe('QUARANTINED');
    expect(lateOutcome).toEqual({ kind: 'scraped', written: 0, failed: 1 });
    expect(afterLateReport).toMatchObject({ status: 'RETRY', attempts: 0, retryCount: 0 });
    expect(bodies).toEqual([retryBody([date])]);
    expect(itemOn(store, date)).toMatchObject({ status: 'OK', value: sourceValue(parseIsoDate(date)) });
    expect(source.calls).toHaveLength(2);
  });

  it('regression: a crash at the quarantine of spent dates comes after the request and the failures of the dates claimed with them', async () => {
    // Prepare: of a retry's two dates, 2024-01-08 has made every attempt and 2024-01-09 has one left; the
    // store fails the quarantine (DynamoDB down after the SDK's retries, or the function dying there)
    const { deps, store, source } = makeDeps();
    seed(store, ['2024-01-08'], { attempts: 1 + maxRetries, retryCount: maxRetries });
    seed(store, ['2024-01-09'], { attempts: maxRetries, retryCount: maxRetries - 1 });
    source.failure = () => sourceDown();
    store.fault = (operation) =>
      operation === 'quarantine' ? new StoreError('UpdateItem', 'connection reset') : null;
    const record = { body: retryBody(['2024-01-08', '2024-01-09'], maxRetries), receiveCount: 1 };

    // Act: the delivery crashes; SQS delivers the record again once the store is back
    const crashed = await scrapeRecord(deps, record, deadline).catch((error: unknown) => error);
    const asksAtCrash = spans(source);
    const failureAtCrash = itemOn(store, '2024-01-09');
    store.fault = () => null;
    const redelivered = await scrapeRecord(deps, { ...record, receiveCount: 2 }, deadline);

    // Assess: 2024-01-09's last attempt was asked and recorded before the crash, so both dates end quarantined
    // after exactly 1 + MAX_RETRIES asks
    expect(crashed).toBeInstanceOf(StoreError);
    expect(asksAtCrash).toEqual([['2024-01-09', '2024-01-09']]);
    expect(failureAtCrash).toMatchObject({
      status: 'RETRY',
      attempts: 1 + maxRetries,
      lastError: 'simulated: HTTP 503: unavailable',
    });
    expect(redelivered).toEqual({ kind: 'budget-spent', quarantined: 2 });
    expect(source.calls).toHaveLength(1);
    expect(itemOn(store, '2024-01-08')?.status).toBe('QUARANTINED');
    expect(itemOn(store, '2024-01-09')?.status).toBe('QUARANTINED');
  });

  it('regression: a retry of [d1, d2 spent, d3] asks for d1 and d3 in two requests, never for d2', async () => {
    // Prepare
    const { deps, store, source } = makeDeps();
    seed(store, ['2024-01-08', '2024-01-10'], { attempts: 1, retryCount: 0 });
    seed(store, ['2024-01-09'], { attempts: 1 + maxRetries, retryCount: maxRetries });
    const body = retryBody(['2024-01-08', '2024-01-09', '2024-01-10']);

    // Act
    const outcome = await scrapeRecord(deps, { body, receiveCount: 1 }, deadline);

    // Assess
    expect(outcome).toEqual({ kind: 'scraped', written: 2, failed: 0 });
    expect(spans(source)).toEqual([
      ['2024-01-08', '2024-01-08'],
      ['2024-01-10', '2024-01-10'],
    ]);
    expect(asksPerDate(source, ['2024-01-09'])).toEqual({ '2024-01-09': 0 });
    expect(itemOn(store, '2024-01-09')).toMatchObject({ status: 'QUARANTINED', retryCount: maxRetries });
    expect(itemOn(store, '2024-01-08')?.status).toBe('OK');
    expect(itemOn(store, '2024-01-10')?.status).toBe('OK');
  });

  it('regression: a delivery killed inside one of its requests has made its other requests too', async () => {
    // Prepare: a retry of [d1, d2 spent, d3] needs two requests; the first one never answers (the Lambda is
    // killed at its timeout while it waits)
    const { deps, store, source } = makeDeps();
    seed(store, ['2024-01-08', '2024-01-10'], { attempts: 1, retryCount: 0 });
    seed(store, ['2024-01-09'], { attempts: 1 + maxRetries, retryCount: maxRetries });
    const inRequest = deferred();
    const fetchRange = source.fetchRange.bind(source);
    vi.spyOn(source, 'fetchRange').mockImplementationOnce(async (...args) => {
      void fetchRange(...args);
      inRequest.resolve();
      return new Promise(() => {});
    });
    const body = retryBody(['2024-01-08', '2024-01-09', '2024-01-10']);

    // Act
    void scrapeRecord(deps, { body, receiveCount: 1 }, deadline);
    await inRequest.promise;

    // Assess: both claimed attempts were asked, so neither is spent without its ask
    expect(spans(source)).toEqual([
      ['2024-01-08', '2024-01-08'],
      ['2024-01-10', '2024-01-10'],
    ]);
    expect(itemOn(store, '2024-01-08')).toMatchObject({ attempts: 2, claimToken: 'delivery-1' });
    expect(itemOn(store, '2024-01-10')).toMatchObject({ attempts: 2, claimToken: 'delivery-1' });
  });
});

describe('scrapeRecord, dates the source never publishes (ABSENT)', () => {
  const omitted = '2024-01-10';

  /** Delivers a gap message for `isoDates`, then runs recheck and delivers its messages until nothing is due. */
  async function backfill(setup: ReturnType<typeof makeDeps>, isoDates: string[]): Promise<void> {
    const { deps, store, clock } = setup;
    const deliver = (body: string) => scrapeRecord(deps, { body, receiveCount: 1 }, deadline);
    await deliver(await openStream(store, isoDates));
    for (let run = 0; run < 20; run += 1) {
      const bodies = await recheckStandIn(store, clock.advance(7 * 3_600_000), maxRetries);
      if (bodies.length === 0) return;
      for (const body of bodies) await deliver(body);
    }
    throw new Error('the retry path did not settle in 20 recheck runs');
  }

  const omitting =
    (...isoDates: string[]) =>
    (_: SeriesDefinition, day: Day) =>
      isoDates.includes(formatIsoDate(day)) ? undefined : sourceValue(day);

  it('ends ABSENT, not QUARANTINED, a date the source answers every attempt without while publishing around it', async () => {
    // Prepare
    const setup = makeDeps();
    setup.source.valueOf = omitting(omitted);

    // Act
    await backfill(setup, week);

    // Assess
    const { store, source, telemetry } = setup;
    expect(asksPerDate(source, [omitted])).toEqual({ [omitted]: 1 + maxRetries });
    expect(itemOn(store, omitted)).toMatchObject({
      status: 'ABSENT',
      value: null,
      attempts: 1 + maxRetries,
      absentAttempts: [1, 2, 3, 4],
    });
    expect(itemOn(store, omitted)?.lastError).toContain(
      'without this date while publishing the dates around it',
    );
    expect(await store.listQuarantined(series.infoType)).toMatchObject([
      { day: parseIsoDate(omitted), status: 'ABSENT' },
    ]);
    expect((await store.dueItems('9999-01-01T00:00:00.000Z')).dates).toEqual([]);
    expect(Array.from(await store.presentDays(series.infoType))).toEqual(days(...week));
    expect(telemetry.totals.get('DatesAbsent')).toBe(1);
    expect(telemetry.totals.get('Quarantined') ?? 0).toBe(0);
  });

  it('quarantines a date the source has not published past (the newest date): not yet published is no absence', async () => {
    // Prepare
    const setup = makeDeps();
    const newest = week[week.length - 1] as string;
    setup.source.valueOf = omitting(newest);

    // Act
    await backfill(setup, week);

    // Assess
    expect(asksPerDate(setup.source, [newest])).toEqual({ [newest]: 1 + maxRetries });
    expect(itemOn(setup.store, newest)).toMatchObject({ status: 'QUARANTINED', value: null });
    expect(setup.telemetry.totals.get('DatesAbsent') ?? 0).toBe(0);
  });

  it('quarantines a date one of whose attempts failed otherwise, even if every other one was an absence', async () => {
    // Prepare: the first request fails as a whole; every later one publishes the week but the omitted date.
    const setup = makeDeps();
    setup.source.valueOf = omitting(omitted);
    setup.source.failure = () => (setup.source.calls.length === 1 ? sourceDown() : undefined);

    // Act
    await backfill(setup, week);

    // Assess
    expect(asksPerDate(setup.source, [omitted])).toEqual({ [omitted]: 1 + maxRetries });
    expect(itemOn(setup.store, omitted)).toMatchObject({ status: 'QUARANTINED', absentAttempts: [2, 3, 4] });
    expect(setup.telemetry.totals.get('DatesAbsent') ?? 0).toBe(0);
    expect(itemOn(setup.store, '2024-01-09')).toMatchObject({ status: 'OK' });
  });

  it('marks ABSENT on the only attempt when MAX_RETRIES is 0', async () => {
    // Prepare
    const setup = makeDeps({ maxRetries: 0 });
    setup.source.valueOf = omitting(omitted);

    // Act
    await scrapeRecord(setup.deps, { body: await openStream(setup.store, week), receiveCount: 1 }, deadline);

    // Assess
    expect(setup.source.calls).toHaveLength(1);
    expect(itemOn(setup.store, omitted)).toMatchObject({
      status: 'ABSENT',
      attempts: 1,
      absentAttempts: [1],
    });
  });

  it('gives a released ABSENT date its whole budget again, and stores the value the source published late', async () => {
    // Prepare
    const setup = makeDeps();
    setup.source.valueOf = omitting(omitted);
    await backfill(setup, week);
    const asksBefore = setup.source.calls.length;

    // Act
    const released = await setup.store.release(
      series.infoType,
      parseIsoDate(omitted),
      setup.clock.now.toISOString(),
    );
    setup.source.valueOf = (_, day) => sourceValue(day);
    const bodies = await recheckStandIn(setup.store, setup.clock.now, maxRetries);
    for (const body of bodies) await scrapeRecord(setup.deps, { body, receiveCount: 1 }, deadline);

    // Assess
    expect(released).toBe(true);
    expect(bodies).toEqual([retryBody([omitted])]);
    expect(setup.source.calls.length - asksBefore).toBe(1);
    expect(itemOn(setup.store, omitted)).toMatchObject({
      status: 'OK',
      value: sourceValue(parseIsoDate(omitted)),
    });
    expect(await setup.store.listQuarantined()).toEqual([]);
  });
});
