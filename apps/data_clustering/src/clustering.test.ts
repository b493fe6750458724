import { describe, expect, it, vi } from 'vitest';
import {
  MemorySeriesStore,
  makeSeries,
  RecordingQueue,
  recordingTelemetry,
} from '@gapless/pipeline-core/testing';
import { formatIsoDate, parseIsoDate, StoreError, type SeriesDefinition } from '@gapless/pipeline-core';
import { runClustering, type ClusteringDeps } from './clustering.js';

const now = new Date('2024-01-20T10:00:00.000Z');
const pendingTimeoutMs = 3_600_000;
/** BR business days from 2024-01-02 (1 January is a holiday) to 2024-01-19 (today minus the lag). */
const januaryDates = ['02', '03', '04', '05', '08', '09', '10', '11', '12', '15', '16', '17', '18', '19'].map(
  (day) => `2024-01-${day}`,
);

function makeDeps(overrides: Partial<ClusteringDeps> = {}) {
  const store = new MemorySeriesStore();
  const queue = new RecordingQueue();
  const telemetry = recordingTelemetry();
  const deps: ClusteringDeps = {
    catalog: [makeSeries()],
    store,
    queue,
    maxWindowDays: () => 3652,
    maxMessageBytes: 262_144,
    pendingTimeoutMs,
    now: () => now,
    telemetry,
    ...overrides,
  };
  return { deps, store, queue, telemetry };
}

function statusesOf(store: MemorySeriesStore, series: SeriesDefinition): Record<string, string> {
  const items = [...store.series(series.infoType)].sort(([a], [b]) => a - b);
  return Object.fromEntries(items.map(([day, item]) => [formatIsoDate(day), item.status]));
}

describe('runClustering', () => {
  it('enqueues one message per continuous stream: weekends inside a business-day run do not break it', async () => {
    // Prepare
    const { deps, queue } = makeDeps();

    // Act
    const results = await runClustering(deps, 'routine');

    // Assess
    expect(results).toEqual([{ infoType: 'CURRENCY#USD', gaps: 14, messages: 1, deferred: 0 }]);
    expect(queue.messages()).toEqual([
      { partition_key: 'CURRENCY#USD', dates_to_download: januaryDates, reason: 'gap', attempt: 0 },
    ]);
  });

  it('splits at dates that are present, one message per remaining stream', async () => {
    // Prepare
    const { deps, store, queue } = makeDeps();
    await store.writeValues('CURRENCY#USD', 'simulated', [{ day: parseIsoDate('2024-01-10'), value: 5 }]);

    // Act
    await runClustering(deps, 'routine');

    // Assess
    expect(queue.messages().map((message) => message.dates_to_download)).toEqual([
      januaryDates.slice(0, 6),
      januaryDates.slice(7),
    ]);
  });

  it('writes PENDING placeholders, due after the pending timeout, before it sends anything', async () => {
    // Prepare
    const { deps, store, queue } = makeDeps();
    const order: string[] = [];
    const writePlaceholders = store.writePlaceholders.bind(store);
    vi.spyOn(store, 'writePlaceholders').mockImplementation(async (...args) => {
      order.push('placeholders');
      return writePlaceholders(...args);
    });
    const send = queue.sendBodies.bind(queue);
    vi.spyOn(queue, 'sendBodies').mockImplementation(async (bodies) => {
      order.push('send');
      return send(bodies);
    });

    // Act
    await runClustering(deps, 'routine');

    // Assess
    expect(order).toEqual(['placeholders', 'send']);
    const items = [...store.series('CURRENCY#USD').values()];
    expect(items).toHaveLength(14);
    for (const item of items) {
      expect(item).toEqual({
        status: 'PENDING',
        value: null,
        retryCount: 0,
        retryDue: new Date(now.getTime() + pendingTimeoutMs).toISOString(),
      });
    }
  });

  it('moves the watermark to the last expected date', async () => {
    // Prepare
    const { deps, store } = makeDeps();

    // Act
    await runClustering(deps, 'routine');

    // Assess
    expect(store.watermarks.get('CURRENCY#USD')).toBe(parseIsoDate('2024-01-19'));
  });

  it('enqueues nothing on a second run before any scraper ran, in routine or audit mode', async () => {
    // Prepare
    const { deps, queue } = makeDeps();
    await runClustering(deps, 'routine');
    queue.drain();

    // Act
    const routine = await runClustering(deps, 'routine');
    const audit = await runClustering(deps, 'audit');

    // Assess
    expect(queue.bodies).toEqual([]);
    expect(routine[0]).toMatchObject({ gaps: 0, messages: 0 });
    expect(audit[0]).toMatchObject({ gaps: 0, messages: 0 });
  });

  it('reads only from the watermark on in a routine run', async () => {
    // Prepare
    const { deps, store, queue } = makeDeps();
    await store.writeWatermark('CURRENCY#USD', parseIsoDate('2024-01-12'));
    const presentDays = vi.spyOn(store, 'presentDays');

    // Act
    await runClustering(deps, 'routine');

    // Assess
    expect(presentDays).toHaveBeenCalledExactlyOnceWith('CURRENCY#USD', parseIsoDate('2024-01-13'));
    expect(queue.messages()[0]?.dates_to_download).toEqual(januaryDates.slice(9));
  });

  it('does not read at all when the watermark is already at the last expected date', async () => {
    // Prepare
    const { deps, store, queue } = makeDeps();
    await store.writeWatermark('CURRENCY#USD', parseIsoDate('2024-01-19'));

    // Act
    const results = await runClustering(deps, 'routine');

    // Assess
    expect(store.calls.presentDays).toBe(0);
    expect(queue.bodies).toEqual([]);
    expect(results[0]).toEqual({ infoType: 'CURRENCY#USD', gaps: 0, messages: 0, deferred: 0 });
  });

  it('finds a hole behind the watermark in audit mode, reading from the start', async () => {
    // Prepare
    const { deps, store, queue } = makeDeps();
    await runClustering(deps, 'routine');
    queue.drain();
    store.series('CURRENCY#USD').delete(parseIsoDate('2024-01-04'));
    const presentDays = vi.spyOn(store, 'presentDays');

    // Act
    const routine = await runClustering(deps, 'routine');
    const audit = await runClustering(deps, 'audit');

    // Assess
    expect(routine[0]?.gaps).toBe(0);
    expect(audit[0]?.gaps).toBe(1);
    expect(presentDays).toHaveBeenLastCalledWith('CURRENCY#USD', parseIsoDate('2024-01-02'));
    expect(queue.messages()).toEqual([
      { partition_key: 'CURRENCY#USD', dates_to_download: ['2024-01-04'], reason: 'gap', attempt: 0 },
    ]);
  });

  it('defers dates whose placeholder could not be written: not enqueued, watermark stops before them', async () => {
    // Prepare
    const { deps, store, queue } = makeDeps();
    store.unwritable = new Set([parseIsoDate('2024-01-10'), parseIsoDate('2024-01-16')]);

    // Act
    const results = await runClustering(deps, 'routine');

    // Assess
    expect(results[0]).toEqual({ infoType: 'CURRENCY#USD', gaps: 14, messages: 3, deferred: 2 });
    const sent = queue.messages().flatMap((message) => message.dates_to_download);
    expect(sent).toEqual(januaryDates.filter((date) => date !== '2024-01-10' && date !== '2024-01-16'));
    expect(store.watermarks.get('CURRENCY#USD')).toBe(parseIsoDate('2024-01-09'));

    // Prepare: the next run finds exactly the deferred dates again.
    store.unwritable = new Set();
    queue.drain();

    // Act
    await runClustering(deps, 'routine');

    // Assess
    expect(queue.messages().map((message) => message.dates_to_download)).toEqual([
      ['2024-01-10'],
      ['2024-01-16'],
    ]);
    expect(store.watermarks.get('CURRENCY#USD')).toBe(parseIsoDate('2024-01-19'));
  });

  it('leaves the dates of a message SQS refused PENDING, for retry_recheck', async () => {
    // Prepare
    const { deps, store, queue, telemetry } = makeDeps();
    queue.refuse = () => 'InternalError: try again';

    // Act
    const results = await runClustering(deps, 'routine');

    // Assess
    expect(results[0]).toEqual({ infoType: 'CURRENCY#USD', gaps: 14, messages: 0, deferred: 0 });
    expect(Object.values(statusesOf(store, makeSeries()))).toEqual(januaryDates.map(() => 'PENDING'));
    expect(telemetry.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        attributes: expect.objectContaining({ series: 'CURRENCY#USD' }),
      }),
    );
  });

  it('goes on with the other series when one fails, and reports the failure', async () => {
    // Prepare
    const eur = makeSeries({ infoType: 'CURRENCY#EUR' });
    const usd = makeSeries();
    const { deps, store, queue, telemetry } = makeDeps({ catalog: [eur, usd] });
    store.fault = (operation, infoType) =>
      operation === 'presentDays' && infoType === 'CURRENCY#EUR'
        ? new StoreError('Query', 'throttled')
        : null;

    // Act
    const results = await runClustering(deps, 'routine');

    // Assess
    expect(results).toEqual([
      {
        infoType: 'CURRENCY#EUR',
        gaps: 0,
        messages: 0,
        deferred: 0,
        error: 'StoreError: DynamoDB Query: throttled',
      },
      { infoType: 'CURRENCY#USD', gaps: 14, messages: 1, deferred: 0 },
    ]);
    expect(queue.messages().map((message) => message.partition_key)).toEqual(['CURRENCY#USD']);
    expect(store.watermarks.has('CURRENCY#EUR')).toBe(false);
    expect(telemetry.lines).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'series failed' }),
    );
  });

  it('splits a stream at the source window', async () => {
    // Prepare
    const { deps, queue } = makeDeps({ maxWindowDays: () => 6 });

    // Act
    await runClustering(deps, 'routine');

    // Assess
    // 2024-01-02 .. 2024-01-19 spans 17 days: three windows of at most 6 days are needed.
    const spans = queue.messages().map(({ dates_to_download: dates }) => [dates[0], dates.at(-1)]);
    expect(spans).toHaveLength(3);
    for (const [first, last] of spans) {
      expect(parseIsoDate(last) - parseIsoDate(first)).toBeLessThanOrEqual(6);
    }
    expect(queue.messages().flatMap((message) => message.dates_to_download)).toEqual(januaryDates);
  });

  it('does nothing for a series that starts after the last expected date', async () => {
    // Prepare
    const { deps, store, queue } = makeDeps({ catalog: [makeSeries({ start: parseIsoDate('2024-02-01') })] });

    // Act
    const results = await runClustering(deps, 'routine');

    // Assess
    expect(results[0]).toEqual({ infoType: 'CURRENCY#USD', gaps: 0, messages: 0, deferred: 0 });
    expect(queue.bodies).toEqual([]);
    expect(store.log).toEqual([]);
  });
});
