import { describe, expect, it, vi } from 'vitest';
import {
  MemorySeriesStore,
  type MemoryItem,
  makeSeries,
  RecordingQueue,
  recordingTelemetry,
} from '@gapless/pipeline-core/testing';
import { parseIsoDate, type SeriesDefinition } from '@gapless/pipeline-core';
import { runRecheck, type RecheckDeps } from './recheck.js';

const now = new Date('2024-02-01T12:00:00.000Z');
const past = '2024-02-01T11:00:00.000Z';
const future = '2024-02-01T13:00:00.000Z';
const inflightTimeoutMs = 3_600_000;
const inflightDue = new Date(now.getTime() + inflightTimeoutMs).toISOString();
const maxRetries = 3;
const usd = makeSeries();

function makeDeps(overrides: Partial<RecheckDeps> = {}) {
  const store = new MemorySeriesStore();
  const queue = new RecordingQueue();
  const telemetry = recordingTelemetry();
  const deps: RecheckDeps = {
    catalog: new Map<string, SeriesDefinition>([[usd.infoType, usd]]),
    store,
    queue,
    maxRetries,
    inflightTimeoutMs,
    maxWindowDays: () => 3652,
    maxMessageBytes: 262_144,
    now: () => now,
    telemetry,
    ...overrides,
  };
  return { deps, store, queue, telemetry };
}

/** Puts items straight into the store (not through the write log): the state a test starts from. */
function seed(
  store: MemorySeriesStore,
  items: Record<string, Partial<MemoryItem>>,
  infoType = usd.infoType,
): void {
  for (const [date, fields] of Object.entries(items)) {
    store.series(infoType).set(parseIsoDate(date), {
      status: 'RETRY',
      value: null,
      retryCount: 0,
      retryDue: past,
      lastError: 'HTTP 503',
      ...fields,
    });
  }
}

function itemOn(store: MemorySeriesStore, isoDate: string): MemoryItem | undefined {
  return store.series(usd.infoType).get(parseIsoDate(isoDate));
}

describe('runRecheck', () => {
  it('re-enqueues due dates under the budget, grouped into streams, with attempt = retry_count + 1', async () => {
    // Prepare
    const { deps, store, queue } = makeDeps();
    seed(store, {
      '2024-01-08': { retryCount: 1 },
      '2024-01-09': { retryCount: 1 },
      '2024-01-10': { retryCount: 1 },
      '2024-01-15': { retryCount: 2 },
      '2024-01-17': { retryCount: 1 },
    });

    // Act
    const report = await runRecheck(deps);

    // Assess
    expect(report).toEqual({ due: 5, reenqueued: 5, quarantined: 0, messages: 3, skipped: 0 });
    const sent = queue
      .messages()
      .sort((a, b) => a.attempt - b.attempt || (a.dates_to_download[0]! < b.dates_to_download[0]! ? -1 : 1));
    expect(sent).toEqual([
      {
        partition_key: 'CURRENCY#USD',
        dates_to_download: ['2024-01-08', '2024-01-09', '2024-01-10'],
        reason: 'retry',
        attempt: 2,
      },
      { partition_key: 'CURRENCY#USD', dates_to_download: ['2024-01-17'], reason: 'retry', attempt: 2 },
      { partition_key: 'CURRENCY#USD', dates_to_download: ['2024-01-15'], reason: 'retry', attempt: 3 },
    ]);
  });

  it('spends the retry before sending: retry_count + 1 and due again after the in-flight timeout', async () => {
    // Prepare
    const { deps, store } = makeDeps();
    seed(store, { '2024-01-08': { retryCount: 1 } });

    // Act
    await runRecheck(deps);

    // Assess
    expect(itemOn(store, '2024-01-08')).toEqual({
      status: 'RETRY',
      value: null,
      retryCount: 2,
      retryDue: inflightDue,
      lastError: 'HTTP 503',
    });
  });

  it('re-enqueues a PENDING placeholder whose message was lost as its first retry', async () => {
    // Prepare
    const { deps, store, queue } = makeDeps();
    seed(store, { '2024-01-08': { status: 'PENDING', retryCount: 0 } });
    delete store.series(usd.infoType).get(parseIsoDate('2024-01-08'))?.lastError;

    // Act
    await runRecheck(deps);

    // Assess
    expect(queue.messages()).toEqual([
      { partition_key: 'CURRENCY#USD', dates_to_download: ['2024-01-08'], reason: 'retry', attempt: 1 },
    ]);
    expect(itemOn(store, '2024-01-08')).toMatchObject({ status: 'RETRY', retryCount: 1 });
  });

  it('leaves alone what is not due yet, OK and QUARANTINED items', async () => {
    // Prepare
    const { deps, store, queue } = makeDeps();
    seed(store, {
      '2024-01-08': { retryDue: future },
      '2024-01-09': { status: 'OK', value: 5, retryCount: 0 },
      '2024-01-10': { status: 'QUARANTINED', retryCount: maxRetries },
    });

    // Act
    const report = await runRecheck(deps);

    // Assess
    expect(report).toEqual({ due: 0, reenqueued: 0, quarantined: 0, messages: 0, skipped: 0 });
    expect(queue.bodies).toEqual([]);
    expect(store.log).toEqual([]);
  });

  it('quarantines due dates at the budget, with retry_count = MAX_RETRIES and their last error', async () => {
    // Prepare
    const { deps, store, queue } = makeDeps();
    seed(store, {
      '2024-01-08': { retryCount: maxRetries, lastError: 'HTTP 500' },
      '2024-01-09': { status: 'PENDING', retryCount: maxRetries },
    });
    delete store.series(usd.infoType).get(parseIsoDate('2024-01-09'))?.lastError;

    // Act
    const report = await runRecheck(deps);

    // Assess
    expect(report).toEqual({ due: 2, reenqueued: 0, quarantined: 2, messages: 0, skipped: 0 });
    expect(queue.bodies).toEqual([]);
    expect(itemOn(store, '2024-01-08')).toMatchObject({
      status: 'QUARANTINED',
      retryCount: maxRetries,
      lastError: 'HTTP 500',
    });
    expect(itemOn(store, '2024-01-09')).toMatchObject({
      status: 'QUARANTINED',
      retryCount: maxRetries,
      lastError: 'never processed: its message was lost',
    });
    expect(await store.listQuarantined()).toHaveLength(2);
  });

  it('reads the retry-due index once, with the current time', async () => {
    // Prepare
    const { deps, store } = makeDeps();
    const dueItems = vi.spyOn(store, 'dueItems');

    // Act
    await runRecheck(deps);

    // Assess
    expect(dueItems.mock.calls).toEqual([[now.toISOString()]]);
  });

  it('does not re-enqueue the same dates twice when two runs overlap', async () => {
    // Prepare
    const { deps, store, queue } = makeDeps();
    seed(store, {
      '2024-01-08': { retryCount: 0 },
      '2024-01-09': { retryCount: 0 },
      '2024-01-10': { retryCount: 2 },
    });

    // Act
    const [first, second] = await Promise.all([runRecheck(deps), runRecheck(deps)]);

    // Assess
    const sentDates = queue
      .messages()
      .flatMap((message) => message.dates_to_download)
      .sort();
    expect(sentDates).toEqual(['2024-01-08', '2024-01-09', '2024-01-10']);
    expect(first.reenqueued + second.reenqueued).toBe(3);
    expect(first.skipped + second.skipped).toBe(3);
    expect(itemOn(store, '2024-01-08')?.retryCount).toBe(1);
    expect(itemOn(store, '2024-01-10')?.retryCount).toBe(3);
  });

  it('skips due dates of a series that left the catalog', async () => {
    // Prepare
    const { deps, store, queue, telemetry } = makeDeps();
    seed(store, { '2024-01-08': {} }, 'CURRENCY#GBP');

    // Act
    const report = await runRecheck(deps);

    // Assess
    expect(report).toEqual({ due: 1, reenqueued: 0, quarantined: 0, messages: 0, skipped: 1 });
    expect(queue.bodies).toEqual([]);
    expect(telemetry.lines.map((line) => line.level)).toContain('warn');
  });

  it('keeps the retry spent when SQS refuses the message: the dates come due again later', async () => {
    // Prepare
    const { deps, store, queue } = makeDeps();
    seed(store, { '2024-01-08': { retryCount: 1 }, '2024-01-09': { retryCount: 1 } });
    queue.refuse = () => 'InternalError: try again';

    // Act
    const report = await runRecheck(deps);

    // Assess
    expect(report).toMatchObject({ due: 2, reenqueued: 0, messages: 0 });
    expect(itemOn(store, '2024-01-08')).toMatchObject({
      status: 'RETRY',
      retryCount: 2,
      retryDue: inflightDue,
    });
  });
});
