import { describe, expect, it } from 'vitest';
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

const now = new Date('2024-02-01T12:00:00.000Z');
const maxRetries = 3;
const backoffMs = (retryCount: number): number => 60_000 * 2 ** retryCount;
const series = makeSeries({ bounds: { min: 1, max: 10 } });
const deadline = Date.now() + 60_000;

function makeDeps(overrides: Partial<ScrapeDeps> = {}) {
  const store = new MemorySeriesStore();
  const source = new ScriptedSource();
  const telemetry = recordingTelemetry();
  const deps: ScrapeDeps = {
    catalog: new Map<string, SeriesDefinition>([[series.infoType, series]]),
    store,
    sourceFor: () => source,
    maxRetries,
    maxMessageBytes: 262_144,
    retryBackoffMs: backoffMs,
    now: () => now,
    telemetry,
    ...overrides,
  };
  return { deps, store, source, telemetry };
}

function days(...isoDates: string[]): Day[] {
  return isoDates.map(parseIsoDate);
}

function body(isoDates: string[], attempt = 0): string {
  return encodeMessage({
    partitionKey: series.infoType,
    days: Int32Array.from(days(...isoDates)),
    reason: attempt === 0 ? 'gap' : 'retry',
    attempt,
  });
}

function itemOn(store: MemorySeriesStore, isoDate: string): MemoryItem | undefined {
  return store.series(series.infoType).get(parseIsoDate(isoDate));
}

const week = ['2024-01-08', '2024-01-09', '2024-01-10', '2024-01-11', '2024-01-12'];

describe('scrapeRecord', () => {
  it('downloads the stream in one request and writes every good value as OK', async () => {
    // Prepare
    const { deps, store, source } = makeDeps();

    // Act
    const outcome = await scrapeRecord(deps, { body: body(week), receiveCount: 1 }, deadline);

    // Assess
    expect(outcome).toEqual({ kind: 'scraped', written: 5, failed: 0 });
    expect(source.calls).toEqual([
      { infoType: series.infoType, from: days(week[0]!)[0], to: days(week[4]!)[0] },
    ]);
    for (const date of week) {
      expect(itemOn(store, date)).toEqual({
        status: 'OK',
        value: sourceValue(parseIsoDate(date)),
        retryCount: 0,
        source: 'simulated',
      });
    }
  });

  it('records missing, null, out-of-bounds and non-positive values as RETRY with the reason', async () => {
    // Prepare
    const { deps, store, source } = makeDeps();
    const script = new Map<string, number | null | undefined>([
      ['2024-01-08', undefined],
      ['2024-01-09', null],
      ['2024-01-10', 50],
      ['2024-01-11', -1],
      ['2024-01-12', 0],
    ]);
    source.valueOf = (_, day) => script.get(formatIsoDate(day));

    // Act
    const outcome = await scrapeRecord(deps, { body: body(week), receiveCount: 1 }, deadline);

    // Assess
    expect(outcome).toEqual({ kind: 'scraped', written: 0, failed: 5 });
    const retryDue = new Date(now.getTime() + backoffMs(0)).toISOString();
    const errors = week.map((date) => itemOn(store, date)?.lastError);
    expect(errors).toEqual([
      'the source returned no row for this date',
      'the source returned the date without a value',
      "value 50 is outside the series' bounds [1, 10]",
      'value -1 is not positive',
      'value 0 is not positive',
    ]);
    for (const date of week) {
      expect(itemOn(store, date)).toMatchObject({ status: 'RETRY', value: null, retryCount: 0, retryDue });
    }
  });

  it('writes the good values of a stream and records only the bad ones', async () => {
    // Prepare
    const { deps, store, source } = makeDeps();
    source.valueOf = (_, day) => (formatIsoDate(day) === '2024-01-10' ? null : sourceValue(day));

    // Act
    const outcome = await scrapeRecord(deps, { body: body(week), receiveCount: 1 }, deadline);

    // Assess
    expect(outcome).toEqual({ kind: 'scraped', written: 4, failed: 1 });
    expect(week.map((date) => itemOn(store, date)?.status)).toEqual(['OK', 'OK', 'RETRY', 'OK', 'OK']);
  });

  it('records every date of the stream when the whole request fails', async () => {
    // Prepare
    const { deps, store, source, telemetry } = makeDeps();
    source.failure = () => sourceDown('HTTP 503: unavailable');

    // Act
    const outcome = await scrapeRecord(deps, { body: body(week, 2), receiveCount: 1 }, deadline);

    // Assess
    expect(outcome).toEqual({ kind: 'scraped', written: 0, failed: 5 });
    for (const date of week) {
      expect(itemOn(store, date)).toMatchObject({
        status: 'RETRY',
        retryCount: 2,
        lastError: 'simulated: HTTP 503: unavailable',
        retryDue: new Date(now.getTime() + backoffMs(2)).toISOString(),
      });
    }
    expect(telemetry.lines.map((line) => line.message)).toContain('source request failed');
  });

  it('never overwrites an OK value with a failure', async () => {
    // Prepare
    const { deps, store, source } = makeDeps();
    await store.writeValues(series.infoType, 'simulated', [{ day: parseIsoDate('2024-01-09'), value: 7.5 }]);
    source.failure = () => sourceDown();

    // Act
    await scrapeRecord(deps, { body: body(week), receiveCount: 1 }, deadline);

    // Assess
    expect(itemOn(store, '2024-01-09')).toEqual({
      status: 'OK',
      value: 7.5,
      retryCount: 0,
      source: 'simulated',
    });
    expect(itemOn(store, '2024-01-08')?.status).toBe('RETRY');
  });

  it('records the dates a batch write left unprocessed for retry', async () => {
    // Prepare
    const { deps, store } = makeDeps();
    store.unwritable = new Set(days('2024-01-11'));

    // Act
    const outcome = await scrapeRecord(deps, { body: body(week), receiveCount: 1 }, deadline);

    // Assess
    expect(outcome).toEqual({ kind: 'scraped', written: 4, failed: 1 });
    expect(itemOn(store, '2024-01-11')).toMatchObject({
      status: 'RETRY',
      lastError: 'DynamoDB left the write unprocessed after retries',
    });
  });

  it('downloads a message delivered twice only once (the attempt is claimed)', async () => {
    // Prepare
    const { deps, source } = makeDeps();
    const record = { body: body(week), receiveCount: 1 };

    // Act
    const first = await scrapeRecord(deps, record, deadline);
    const second = await scrapeRecord(deps, record, deadline);

    // Assess
    expect(first.kind).toBe('scraped');
    expect(second).toEqual({ kind: 'duplicate' });
    expect(source.calls).toHaveLength(1);
  });

  it('counts a redelivery as an attempt: the failure records the effective attempt', async () => {
    // Prepare
    const { deps, store, source } = makeDeps();
    source.failure = () => sourceDown();

    // Act
    await scrapeRecord(deps, { body: body(week, 1), receiveCount: 2 }, deadline);

    // Assess
    expect(itemOn(store, '2024-01-08')?.retryCount).toBe(2);
    expect(source.calls).toHaveLength(1);
  });

  it('records a redelivery on every date before asking, so an ask whose delivery dies stays counted', async () => {
    // Prepare
    const { deps, store, source } = makeDeps();
    await store.writePlaceholders(series.infoType, days(...week), '2024-02-01T00:00:00.000Z');
    await store.writeValues(series.infoType, 'simulated', [{ day: parseIsoDate('2024-01-12'), value: 5 }]);
    source.failure = () => new Error('the function ran out of time');

    // Act
    const delivery = scrapeRecord(deps, { body: body(week, 1), receiveCount: 2 }, deadline);

    // Assess
    await expect(delivery).rejects.toThrow('the function ran out of time');
    expect(source.calls).toHaveLength(1);
    for (const date of week.slice(0, 4)) {
      expect(itemOn(store, date)).toMatchObject({
        status: 'RETRY',
        retryCount: 2,
        lastError: 'attempt 2 (a redelivery) began but recorded no result',
      });
    }
    expect(itemOn(store, '2024-01-12')).toMatchObject({ status: 'OK', value: 5 });
  });

  it('does not write before asking on a first delivery', async () => {
    // Prepare
    const { deps, store, source } = makeDeps();
    source.failure = () => new Error('the function ran out of time');

    // Act
    const delivery = scrapeRecord(deps, { body: body(week), receiveCount: 1 }, deadline);

    // Assess
    await expect(delivery).rejects.toThrow();
    expect(store.log).toEqual([]);
  });

  it('still calls the source on the last attempt the budget allows', async () => {
    // Prepare
    const { deps, source } = makeDeps();

    // Act
    const outcome = await scrapeRecord(deps, { body: body(week, 2), receiveCount: 2 }, deadline);

    // Assess
    expect(outcome.kind).toBe('scraped');
    expect(source.calls).toHaveLength(1);
  });

  it('quarantines without calling the source when redeliveries push the attempt past MAX_RETRIES', async () => {
    // Prepare
    const { deps, store, source } = makeDeps();
    await store.writePlaceholders(series.infoType, days(...week), '2024-02-01T00:00:00.000Z');
    await store.writeValues(series.infoType, 'simulated', [{ day: parseIsoDate('2024-01-12'), value: 5 }]);

    // Act
    const outcome = await scrapeRecord(deps, { body: body(week, 2), receiveCount: 3 }, deadline);

    // Assess
    expect(outcome).toEqual({ kind: 'budget-spent', quarantined: 4 });
    expect(source.calls).toEqual([]);
    expect(store.claims.size).toBe(0);
    for (const date of week.slice(0, 4)) {
      expect(itemOn(store, date)).toMatchObject({ status: 'QUARANTINED', retryCount: maxRetries });
      expect(itemOn(store, date)?.lastError).toMatch(/would exceed 1 \+ MAX_RETRIES \(3\)/);
    }
    expect(itemOn(store, '2024-01-12')).toMatchObject({ status: 'OK', value: 5 });
  });

  it('lets a DynamoDB failure out so SQS delivers the record again', async () => {
    // Prepare
    const { deps, store } = makeDeps();
    store.fault = (operation) =>
      operation === 'writeValues' ? new StoreError('BatchWriteItem', 'down') : null;

    // Act
    const delivery = scrapeRecord(deps, { body: body(week), receiveCount: 1 }, deadline);

    // Assess
    await expect(delivery).rejects.toThrow(StoreError);
  });

  it.each([
    ['not JSON', 'hello', 'not-json'],
    ['not an object', '[1,2]', 'not-object'],
    ['no partition key', '{"dates_to_download":["2024-01-08"]}', 'missing-partition-key'],
    [
      'unknown series',
      '{"partition_key":"CURRENCY#XYZ","dates_to_download":["2024-01-08"]}',
      'unknown-partition-key',
    ],
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
  ])('refuses a poison body (%s) with InvalidMessageError and writes nothing', async (_, poison, problem) => {
    // Prepare
    const { deps, store, source } = makeDeps();

    // Act
    const result = scrapeRecord(deps, { body: poison, receiveCount: 1 }, deadline);

    // Assess
    await expect(result).rejects.toThrow(InvalidMessageError);
    await expect(result).rejects.toMatchObject({ problem });
    expect(store.log).toEqual([]);
    expect(store.claims.size).toBe(0);
    expect(source.calls).toEqual([]);
  });
});
