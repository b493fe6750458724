import { describe, expect, it, vi } from 'vitest';
import {
  MemorySeriesStore,
  makeSeries,
  RecordingQueue,
  recordingTelemetry,
  sourceValue,
} from '@gapless/pipeline-core/testing';
import {
  calendarFor,
  formatIsoDate,
  parseIsoDate,
  StoreError,
  type SeriesDefinition,
} from '@gapless/pipeline-core';
import { CLUSTERING_CONCURRENCY, runClustering, type ClusteringDeps } from './clustering.js';
import { planClustering } from './clusteringPlan.js';

const now = new Date('2024-01-20T10:00:00.000Z');
const pendingTimeoutMs = 3_600_000;
const leaseDue = new Date(now.getTime() + pendingTimeoutMs).toISOString();
/** BR business days from 2024-01-02 (1 January is a holiday) to 2024-01-19 (today minus the lag). */
const januaryDates = ['02', '03', '04', '05', '08', '09', '10', '11', '12', '15', '16', '17', '18', '19'].map(
  (day) => `2024-01-${day}`,
);
const usd = makeSeries();

function makeDeps(overrides: Partial<ClusteringDeps> = {}) {
  const store = new MemorySeriesStore();
  const queue = new RecordingQueue();
  const telemetry = recordingTelemetry();
  let leases = 0;
  const deps: ClusteringDeps = {
    catalog: [usd],
    store,
    queue,
    maxWindowDays: () => 3652,
    maxMessageBytes: 262_144,
    pendingTimeoutMs,
    now: () => now,
    telemetry,
    newLeaseId: () => `lease-${++leases}`,
    ...overrides,
  };
  return { deps, store, queue, telemetry };
}

/** Writes good values for these dates, as the scraper would. */
async function fill(store: MemorySeriesStore, isoDates: readonly string[]): Promise<void> {
  const days = isoDates.map(parseIsoDate);
  await store.writeValues(
    usd.infoType,
    'simulated',
    days.map((day) => ({ day, value: sourceValue(day) })),
  );
}

/** The live leases of the series, as `first..last` with their id. */
async function leasesOf(store: MemorySeriesStore, series: SeriesDefinition = usd): Promise<string[]> {
  const leases = await store.listLeases(series.infoType);
  return leases.map((lease) => `${formatIsoDate(lease.first)}..${formatIsoDate(lease.last)} ${lease.id}`);
}

/** The calendar dates from the series' start through its watermark that have no item (must be none). */
function datesWithoutItemUpToWatermark(store: MemorySeriesStore, series: SeriesDefinition = usd): string[] {
  const watermark = store.watermarks.get(series.infoType);
  if (watermark === undefined) return [];
  const items = store.series(series.infoType);
  return Array.from(calendarFor(series.calendar).datesBetween(series.start, watermark))
    .filter((day) => !items.has(day))
    .map(formatIsoDate);
}

describe('runClustering', () => {
  it('enqueues one message per continuous stream, under its lease: weekends inside a business-day run do not break it', async () => {
    // Prepare
    const { deps, queue } = makeDeps();

    // Act
    const results = await runClustering(deps, 'routine');

    // Assess
    expect(results).toEqual([{ infoType: 'CURRENCY#USD', gaps: 14, messages: 1, deferred: 0 }]);
    expect(queue.messages()).toEqual([
      {
        partition_key: 'CURRENCY#USD',
        dates_to_download: januaryDates,
        reason: 'gap',
        attempt: 0,
        lease: '2024-01-02/lease-1',
      },
    ]);
  });

  it('splits at dates that are present, one message and one lease per remaining stream', async () => {
    // Prepare
    const { deps, store, queue } = makeDeps();
    await fill(store, ['2024-01-10']);

    // Act
    await runClustering(deps, 'routine');

    // Assess
    expect(queue.messages().map((message) => [message.dates_to_download, message])).toEqual([
      [januaryDates.slice(0, 6), expect.objectContaining({ lease: '2024-01-02/lease-1' })],
      [januaryDates.slice(7), expect.objectContaining({ lease: '2024-01-11/lease-2' })],
    ]);
    expect(await leasesOf(store)).toEqual([
      '2024-01-02..2024-01-09 lease-1',
      '2024-01-11..2024-01-19 lease-2',
    ]);
  });

  it('opens each lease, due after the pending timeout, before it sends anything, and writes no item per date', async () => {
    // Prepare
    const { deps, store, queue } = makeDeps();
    const order: string[] = [];
    const openLease = store.openLease.bind(store);
    vi.spyOn(store, 'openLease').mockImplementation(async (lease) => {
      order.push('lease');
      return openLease(lease);
    });
    const send = queue.sendBodies.bind(queue);
    vi.spyOn(queue, 'sendBodies').mockImplementation(async (bodies) => {
      order.push('send');
      return send(bodies);
    });

    // Act
    await runClustering(deps, 'routine');

    // Assess
    expect(order).toEqual(['lease', 'send']);
    expect(await store.listLeases(usd.infoType)).toEqual([
      {
        infoType: 'CURRENCY#USD',
        id: 'lease-1',
        first: parseIsoDate('2024-01-02'),
        last: parseIsoDate('2024-01-19'),
        asks: 0,
        retryDue: leaseDue,
      },
    ]);
    expect(store.log).toEqual([]);
    expect(store.calls.itemWrites).toBe(1);
  });

  it('makes one write per stream (its lease), whatever the number of dates', async () => {
    // Prepare
    const { deps, store } = makeDeps();
    await fill(store, ['2024-01-10']);
    const before = store.calls.itemWrites;

    // Act
    const results = await runClustering(deps, 'routine');

    // Assess
    expect(results[0]).toMatchObject({ gaps: 13, messages: 2 });
    expect(store.calls.itemWrites - before).toBe(2);
  });

  it('moves the watermark to the last expected date once every date has an item', async () => {
    // Prepare
    const { deps, store, queue } = makeDeps();
    await fill(store, januaryDates);

    // Act
    await runClustering(deps, 'routine');

    // Assess
    expect(store.watermarks.get('CURRENCY#USD')).toBe(parseIsoDate('2024-01-19'));
    expect(queue.bodies).toEqual([]);
  });

  it('regression (g): the watermark never moves past a date without an item, in flight or not', async () => {
    // Prepare: the first run finds everything missing; the scraper then lands the dates in pieces.
    const { deps, store } = makeDeps();
    const watermarks: (string | undefined)[] = [];
    const holes: string[][] = [];
    const step = async (mode: 'routine' | 'audit' = 'routine'): Promise<void> => {
      await runClustering(deps, mode);
      const watermark = store.watermarks.get(usd.infoType);
      watermarks.push(watermark === undefined ? undefined : formatIsoDate(watermark));
      holes.push(datesWithoutItemUpToWatermark(store));
    };

    // Act
    await step();
    await fill(store, januaryDates.slice(0, 6)); // 02..09 land, 10 is still in flight
    await step();
    await store.recordFailure(usd.infoType, {
      day: parseIsoDate('2024-01-10'),
      error: 'HTTP 503',
      attempts: 1,
      retryDue: now.toISOString(),
      token: 'delivery-1',
    }); // 10 has an item now (RETRY), 11 is still in flight
    await step();
    await fill(store, januaryDates.slice(7));
    await step();
    store.series(usd.infoType).delete(parseIsoDate('2024-01-04')); // a hole behind the watermark
    await step('audit');
    store.series(usd.infoType).delete(parseIsoDate('2024-01-02')); // and one on the series' first date
    await step('audit');

    // Assess
    expect(watermarks).toEqual([
      '2024-01-01',
      '2024-01-09',
      '2024-01-10',
      '2024-01-19',
      '2024-01-03',
      '2024-01-01',
    ]);
    expect(holes).toEqual([[], [], [], [], [], []]);
  });

  it('regression (f): a second run before any scraper ran enqueues nothing, in routine or audit mode', async () => {
    // Prepare
    const { deps, store, queue } = makeDeps();
    await runClustering(deps, 'routine');
    queue.drain();
    const writes = store.calls.itemWrites;

    // Act
    const routine = await runClustering(deps, 'routine');
    const audit = await runClustering(deps, 'audit');

    // Assess
    expect(queue.bodies).toEqual([]);
    expect(routine[0]).toMatchObject({ gaps: 0, messages: 0 });
    expect(audit[0]).toMatchObject({ gaps: 0, messages: 0 });
    expect(store.calls.itemWrites).toBe(writes);
    expect(await leasesOf(store)).toEqual(['2024-01-02..2024-01-19 lease-1']);
  });

  it('enqueues only the dates no live lease covers: a new day after a run whose stream is in flight', async () => {
    // Prepare
    const { deps, store, queue } = makeDeps();
    await runClustering(deps, 'routine');
    queue.drain();
    const later = new Date('2024-01-23T10:00:00.000Z'); // 22 January is now expected too

    // Act
    const results = await runClustering({ ...deps, now: () => later }, 'routine');

    // Assess
    expect(results[0]).toMatchObject({ gaps: 1, messages: 1, deferred: 0 });
    expect(queue.messages()).toEqual([
      {
        partition_key: 'CURRENCY#USD',
        dates_to_download: ['2024-01-22'],
        reason: 'gap',
        attempt: 0,
        lease: '2024-01-22/lease-2',
      },
    ]);
    expect(await leasesOf(store)).toEqual([
      '2024-01-02..2024-01-19 lease-1',
      '2024-01-22..2024-01-22 lease-2',
    ]);
  });

  it('reads only from the watermark on in a routine run', async () => {
    // Prepare
    const { deps, store, queue } = makeDeps();
    await store.writeWatermarks(new Map([['CURRENCY#USD', parseIsoDate('2024-01-12')]]));
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
    await store.writeWatermarks(new Map([['CURRENCY#USD', parseIsoDate('2024-01-19')]]));

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
    await fill(store, januaryDates);
    await runClustering(deps, 'routine');
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
      {
        partition_key: 'CURRENCY#USD',
        dates_to_download: ['2024-01-04'],
        reason: 'gap',
        attempt: 0,
        lease: '2024-01-04/lease-1',
      },
    ]);
    expect(store.watermarks.get('CURRENCY#USD')).toBe(parseIsoDate('2024-01-03'));
  });

  it('sends each stream once when two runs overlap: the run that finds the lease opened defers its dates', async () => {
    // Prepare
    const { deps, store, queue, telemetry } = makeDeps();

    // Act
    const [first, second] = await Promise.all([
      runClustering(deps, 'routine'),
      runClustering(deps, 'routine'),
    ]);

    // Assess
    expect([first?.[0], second?.[0]]).toEqual([
      { infoType: 'CURRENCY#USD', gaps: 14, messages: 1, deferred: 0 },
      { infoType: 'CURRENCY#USD', gaps: 14, messages: 0, deferred: 14 },
    ]);
    expect(queue.messages()).toEqual([
      expect.objectContaining({ dates_to_download: januaryDates, lease: '2024-01-02/lease-1' }),
    ]);
    expect(await leasesOf(store)).toEqual(['2024-01-02..2024-01-19 lease-1']);
    expect(telemetry.lines).toContainEqual(
      expect.objectContaining({ level: 'warn', attributes: { series: 'CURRENCY#USD', first: '2024-01-02' } }),
    );
  });

  it('keeps the lease of a message SQS refused, so retry_recheck sends it again, and enqueues nothing twice', async () => {
    // Prepare
    const { deps, store, queue, telemetry } = makeDeps();
    queue.refuse = () => 'InternalError: try again';

    // Act
    const results = await runClustering(deps, 'routine');
    queue.refuse = () => undefined;
    const again = await runClustering(deps, 'routine');

    // Assess
    expect(results[0]).toEqual({ infoType: 'CURRENCY#USD', gaps: 14, messages: 0, deferred: 0 });
    expect(again[0]).toMatchObject({ gaps: 0, messages: 0 });
    expect(queue.bodies).toEqual([]);
    expect(await store.listLeases(usd.infoType)).toEqual([
      expect.objectContaining({ id: 'lease-1', asks: 0, retryDue: leaseDue }),
    ]);
    expect(store.log).toEqual([]);
    expect(telemetry.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'message not sent; its lease stays for retry_recheck',
        attributes: expect.objectContaining({ series: 'CURRENCY#USD' }),
      }),
    );
  });

  it('sends no message without its lease: a series whose lease cannot be opened fails', async () => {
    // Prepare
    const { deps, store, queue } = makeDeps();
    store.fault = (operation) => (operation === 'openLease' ? new StoreError('PutItem', 'throttled') : null);

    // Act
    const results = await runClustering(deps, 'routine');

    // Assess
    expect(results).toEqual([
      {
        infoType: 'CURRENCY#USD',
        gaps: 0,
        messages: 0,
        deferred: 0,
        error: 'StoreError: DynamoDB PutItem: throttled',
      },
    ]);
    expect(queue.bodies).toEqual([]);
    expect(store.watermarks.has('CURRENCY#USD')).toBe(false);
  });

  it('goes on with the other series when one fails, and reports the failure', async () => {
    // Prepare
    const eur = makeSeries({ infoType: 'CURRENCY#EUR' });
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
    expect(await store.listLeases('CURRENCY#EUR')).toEqual([]);
    expect(telemetry.lines).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'series failed' }),
    );
  });

  it('splits a stream at the source window, one lease per part', async () => {
    // Prepare
    const { deps, store, queue } = makeDeps({ maxWindowDays: () => 6 });

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
    const leases = await store.listLeases(usd.infoType);
    expect(leases.map((lease) => [formatIsoDate(lease.first), formatIsoDate(lease.last)])).toEqual(spans);
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
    expect(store.calls.itemWrites).toBe(0);
  });
});

/** `count` series like USD, named `SCALE#S01`, `SCALE#S02`, ... */
function makeCatalog(count: number): SeriesDefinition[] {
  return Array.from({ length: count }, (_, index) =>
    makeSeries({ infoType: `SCALE#S${String(index + 1).padStart(2, '0')}` }),
  );
}

/** Every store call a run makes, by operation (the memory store asks its fault hook once per call). */
function countStoreCalls(store: MemorySeriesStore): Map<string, number> {
  const calls = new Map<string, number>();
  store.fault = (operation) => {
    calls.set(operation, (calls.get(operation) ?? 0) + 1);
    return null;
  };
  return calls;
}

describe('runClustering over a catalog', () => {
  it('makes one read per series in a steady state: every watermark in one call, one Query each, one batch of moved watermarks', async () => {
    // Prepare: as a month of runs leaves it, every date has its item and each watermark is a day behind.
    const catalog = makeCatalog(30);
    const { deps, store, queue } = makeDeps({ catalog });
    for (const series of catalog) {
      await store.writeValues(
        series.infoType,
        'simulated',
        januaryDates.map((iso) => ({ day: parseIsoDate(iso), value: 1 })),
      );
    }
    await store.writeWatermarks(
      new Map(catalog.map((series) => [series.infoType, parseIsoDate('2024-01-18')])),
    );
    const calls = countStoreCalls(store);
    const writeWatermarks = vi.spyOn(store, 'writeWatermarks');

    // Act
    const results = await runClustering(deps, 'routine');

    // Assess
    expect(Object.fromEntries(calls)).toEqual({ readWatermarks: 1, presentDays: 30, writeWatermarks: 1 });
    expect(writeWatermarks).toHaveBeenCalledExactlyOnceWith(
      new Map(catalog.map((series) => [series.infoType, parseIsoDate('2024-01-19')])),
    );
    expect(results.every((result) => result.gaps === 0 && result.error === undefined)).toBe(true);
    expect(queue.bodies).toEqual([]);
  });

  it('writes no watermark when none moved', async () => {
    // Prepare
    const catalog = makeCatalog(3);
    const { deps, store } = makeDeps({ catalog });
    await store.writeWatermarks(
      new Map(catalog.map((series) => [series.infoType, parseIsoDate('2024-01-19')])),
    );
    const calls = countStoreCalls(store);

    // Act
    await runClustering(deps, 'routine');

    // Assess
    expect(Object.fromEntries(calls)).toEqual({ readWatermarks: 1 });
  });

  it.each([
    ['the default', undefined, CLUSTERING_CONCURRENCY],
    ['a given', 3, 3],
  ])(
    'clusters at most %s number of series at once, and reports them in catalog order whatever order they end in',
    async (_name, concurrency, expected) => {
      // Prepare: the first series answer last.
      const catalog = makeCatalog(20);
      const { deps, store } = makeDeps({ catalog, ...(concurrency === undefined ? {} : { concurrency }) });
      const presentDays = store.presentDays.bind(store);
      let inFlight = 0;
      let most = 0;
      const finished: string[] = [];
      vi.spyOn(store, 'presentDays').mockImplementation(async (infoType, from, to) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        const position = catalog.findIndex((series) => series.infoType === infoType);
        await new Promise((resolve) => setTimeout(resolve, 2 * (catalog.length - position)));
        inFlight -= 1;
        finished.push(infoType);
        return presentDays(infoType, from, to);
      });

      // Act
      const results = await runClustering(deps, 'routine');

      // Assess
      expect(most).toBe(expected);
      expect(finished).not.toEqual(catalog.map((series) => series.infoType));
      expect(results.map((result) => result.infoType)).toEqual(catalog.map((series) => series.infoType));
      expect(results.every((result) => result.gaps === 14 && result.messages === 1)).toBe(true);
    },
  );

  it('reports every series as failed, reading none, when the watermarks cannot be read', async () => {
    // Prepare
    const catalog = makeCatalog(3);
    const { deps, store, queue, telemetry } = makeDeps({ catalog });
    store.fault = (operation) =>
      operation === 'readWatermarks' ? new StoreError('Query', 'throttled') : null;

    // Act
    const results = await runClustering(deps, 'routine');

    // Assess
    expect(results).toEqual(
      catalog.map((series) => ({
        infoType: series.infoType,
        gaps: 0,
        messages: 0,
        deferred: 0,
        error: 'StoreError: DynamoDB Query: throttled',
      })),
    );
    expect(store.calls.presentDays).toBe(0);
    expect(queue.bodies).toEqual([]);
    expect(telemetry.lines).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'watermarks not read; no series clustered' }),
    );
  });

  it('keeps what the run did when the moved watermarks cannot be written, and logs it', async () => {
    // Prepare
    const catalog = makeCatalog(2);
    const { deps, store, queue, telemetry } = makeDeps({ catalog });
    store.fault = (operation) =>
      operation === 'writeWatermarks' ? new StoreError('BatchWriteItem', 'none of 2 items written') : null;

    // Act
    const results = await runClustering(deps, 'routine');

    // Assess
    expect(results.map((result) => [result.messages, result.error])).toEqual([
      [1, undefined],
      [1, undefined],
    ]);
    expect(queue.bodies).toHaveLength(2);
    expect(store.watermarks.size).toBe(0);
    expect(telemetry.lines).toContainEqual({
      level: 'error',
      message: 'watermarks not written; the next run reads from the previous ones',
      attributes: {
        series: 'SCALE#S01 SCALE#S02',
        error: 'StoreError: DynamoDB BatchWriteItem: none of 2 items written',
      },
    });
  });

  it('logs the series whose watermark the batch write left unwritten', async () => {
    // Prepare
    const catalog = makeCatalog(2);
    const { deps, store, telemetry } = makeDeps({ catalog });
    vi.spyOn(store, 'writeWatermarks').mockResolvedValue({ unwritten: ['SCALE#S02'], calls: 1 });

    // Act
    await runClustering(deps, 'routine');

    // Assess
    expect(telemetry.lines).toContainEqual({
      level: 'warn',
      message: 'watermarks not written; the next run reads from the previous ones',
      attributes: { series: 'SCALE#S02' },
    });
  });
});

describe("runClustering on Brazil's clock", () => {
  // Tuesday 2024-03-05: at 01:30 UTC it is still Monday evening in Brasília (UTC-3), at 23:30 UTC Tuesday.
  const sameDayLag = makeSeries({ start: parseIsoDate('2024-03-01'), publicationLagDays: 0 });

  it.each([
    ['2024-03-05T01:30:00.000Z', '2024-03-04'],
    ['2024-03-05T23:30:00.000Z', '2024-03-05'],
    ['2024-03-06T02:59:00.000Z', '2024-03-05'],
    ['2024-03-06T03:00:00.000Z', '2024-03-06'],
  ])('at %s asks for nothing after %s, the date in Brasília', async (at, lastDate) => {
    // Prepare
    const { deps, queue } = makeDeps({ catalog: [sameDayLag], now: () => new Date(at) });

    // Act
    await runClustering(deps, 'routine');

    // Assess
    const asked = queue.messages().flatMap((message) => message.dates_to_download);
    expect(asked.at(-1)).toBe(lastDate);
    expect(asked[0]).toBe('2024-03-01');
  });
});

describe('planClustering', () => {
  it('plans what a routine run then does, opening no lease, sending nothing, moving no watermark', async () => {
    // Prepare: USD misses the 4th, 5th and 8th (one stream) and the 10th (another); EUR is complete
    const eur = makeSeries({ infoType: 'CURRENCY#EUR' });
    const { deps, store, queue } = makeDeps({ catalog: [usd, eur] });
    await fill(store, ['2024-01-02', '2024-01-03', '2024-01-09', ...januaryDates.slice(7)]);
    await store.writeValues(
      eur.infoType,
      'simulated',
      januaryDates.map((date) => ({ day: parseIsoDate(date), value: 1 })),
    );

    const writesBefore = store.log.length;

    // Act
    const plan = await planClustering(deps);
    const untouched = {
      writes: store.log.length - writesBefore,
      leases: (await store.listLeases(usd.infoType)).length,
      watermarks: store.watermarks.size,
      sent: queue.messages().length,
    };
    const results = await runClustering(deps, 'routine');

    // Assess
    expect(plan).toEqual({
      mode: 'plan',
      series: [
        { infoType: 'CURRENCY#USD', gaps: 4, messages: 2 },
        { infoType: 'CURRENCY#EUR', gaps: 0, messages: 0 },
      ],
    });
    expect(untouched).toEqual({ writes: 0, leases: 0, watermarks: 0, sent: 0 });
    expect(results.map(({ infoType, gaps, messages }) => ({ infoType, gaps, messages }))).toEqual(
      plan.series,
    );
  });
});
