import { describe, expect, it, vi } from 'vitest';
import {
  MemorySeriesStore,
  type MemoryItem,
  makeSeries,
  RecordingQueue,
  recordingTelemetry,
} from '@gapless/pipeline-core/testing';
import {
  formatIsoDate,
  parseIsoDate,
  StoreError,
  type Day,
  type SeriesDefinition,
} from '@gapless/pipeline-core';
import { runRecheck, type RecheckDeps } from './recheck.js';
import { planRecheck } from './recheckPlan.js';

const now = new Date('2024-02-01T12:00:00.000Z');
const past = '2024-02-01T11:00:00.000Z';
const future = '2024-02-01T13:00:00.000Z';
const inflightTimeoutMs = 3_600_000;
const pendingTimeoutMs = 2 * 3_600_000;
const inflightDue = new Date(now.getTime() + inflightTimeoutMs).toISOString();
const resendDue = new Date(now.getTime() + pendingTimeoutMs).toISOString();
const maxRetries = 3;
const usd = makeSeries();
const eur = makeSeries({ infoType: 'CURRENCY#EUR' });
const week = ['2024-01-08', '2024-01-09', '2024-01-10', '2024-01-11', '2024-01-12'];
const quiet = {
  due: 0,
  reenqueued: 0,
  quarantined: 0,
  messages: 0,
  skipped: 0,
  retired: 0,
  failed: 0,
  leases: 0,
};

function makeDeps(overrides: Partial<RecheckDeps> = {}) {
  const store = new MemorySeriesStore();
  const queue = new RecordingQueue();
  const telemetry = recordingTelemetry();
  const deps: RecheckDeps = {
    catalog: new Map<string, SeriesDefinition>([
      [usd.infoType, usd],
      [eur.infoType, eur],
    ]),
    store,
    queue,
    maxRetries,
    pendingTimeoutMs,
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

/**
 * Opens a lease over `isoDates` as data_clustering does, already due (its pending timeout ran out); with
 * `claimedBy`, a delivery claimed its first request and then died (its in-flight time ran out too).
 */
async function dueLease(
  store: MemorySeriesStore,
  isoDates: string[],
  options: { id?: string; infoType?: string; claimedBy?: string } = {},
): Promise<void> {
  const { id = 'lease-1', infoType = usd.infoType, claimedBy } = options;
  const first = parseIsoDate(isoDates[0]);
  const last = parseIsoDate(isoDates.at(-1));
  await store.openLease({ infoType, id, first, last, retryDue: past });
  if (claimedBy !== undefined) await store.claimLease(infoType, first, id, claimedBy, past);
}

function itemOn(store: MemorySeriesStore, isoDate: string, infoType = usd.infoType): MemoryItem | undefined {
  return store.series(infoType).get(parseIsoDate(isoDate));
}

/**
 * What the scraper does with the messages retry_recheck sent (apps/scraper, tested there), reduced to its port
 * calls: it claims one more attempt on each date, asks the source for the dates it won (counted in `asks`),
 * writes the values when the source is up and records the failures under its token otherwise, and
 * quarantines the dates whose every attempt was made. Functions never import each other, so the recheck's
 * tests play this part.
 */
async function deliverAll(
  store: MemorySeriesStore,
  queue: RecordingQueue,
  world: { maxRetries: number; sourceUp: boolean; at: Date; asks: Map<Day, number> },
): Promise<void> {
  for (const [index, body] of queue.drain().entries()) {
    const message = JSON.parse(body) as { partition_key: string; dates_to_download: string[] };
    const [infoType, days] = [message.partition_key, message.dates_to_download.map(parseIsoDate)];
    const token = `delivery-${index + 1}-${world.at.toISOString()}`;
    const maxAttempts = 1 + world.maxRetries;
    const retryDue = new Date(world.at.getTime() + inflightTimeoutMs).toISOString();
    const claims = await store.claimDates(infoType, days, {
      token,
      maxAttempts,
      attemptsWithoutItem: 0,
      retryDue,
    });
    for (const [day, claim] of claims) {
      if (claim.kind === 'spent') await store.quarantine(infoType, day, 'spent', maxAttempts);
      if (claim.kind !== 'claimed') continue;
      world.asks.set(day, (world.asks.get(day) ?? 0) + 1);
      if (world.sourceUp) await store.writeValues(infoType, 'simulated', [{ day, value: 5 }]);
      else
        await store.recordFailure(infoType, {
          day,
          error: 'HTTP 503',
          attempts: claim.attempts,
          retryDue: world.at.toISOString(),
          token,
        });
    }
  }
}

function sentDates(queue: RecordingQueue): string[] {
  return queue
    .messages()
    .flatMap((message) => message.dates_to_download)
    .sort();
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
    expect(report).toEqual({ ...quiet, due: 5, reenqueued: 5, messages: 3 });
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

  it('pushes the due time past the in-flight timeout before sending, and counts no attempt itself', async () => {
    // Prepare
    const { deps, store, queue } = makeDeps();
    seed(store, { '2024-01-08': { retryCount: 1, attempts: 2 } });
    const order: string[] = [];
    const deferRetry = store.deferRetry.bind(store);
    vi.spyOn(store, 'deferRetry').mockImplementation(async (...args) => {
      order.push('defer');
      return deferRetry(...args);
    });
    const send = queue.sendBodies.bind(queue);
    vi.spyOn(queue, 'sendBodies').mockImplementation(async (bodies) => {
      order.push('send');
      return send(bodies);
    });

    // Act
    await runRecheck(deps);

    // Assess
    expect(order).toEqual(['defer', 'send']);
    expect(itemOn(store, '2024-01-08')).toEqual({
      status: 'RETRY',
      value: null,
      retryCount: 1,
      attempts: 2,
      retryDue: inflightDue,
      lastError: 'HTTP 503',
    });
  });

  it('re-enqueues a PENDING item of a table written before the ledger (its message lost) as a retry', async () => {
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
    expect(itemOn(store, '2024-01-08')).toMatchObject({
      status: 'PENDING',
      retryCount: 0,
      retryDue: inflightDue,
    });
  });

  it('leaves alone what is not due yet, OK and QUARANTINED items, and a lease still in time', async () => {
    // Prepare
    const { deps, store, queue } = makeDeps();
    seed(store, {
      '2024-01-08': { retryDue: future },
      '2024-01-09': { status: 'OK', value: 5, retryCount: 0 },
      '2024-01-10': { status: 'QUARANTINED', retryCount: maxRetries },
    });
    await store.openLease({
      infoType: usd.infoType,
      id: 'lease-1',
      first: parseIsoDate('2024-01-15'),
      last: parseIsoDate('2024-01-19'),
      retryDue: future,
    });
    const writes = store.calls.itemWrites;

    // Act
    const report = await runRecheck(deps);

    // Assess
    expect(report).toEqual(quiet);
    expect(queue.bodies).toEqual([]);
    expect(store.log).toEqual([]);
    expect(store.calls.itemWrites).toBe(writes);
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
    expect(report).toEqual({ ...quiet, due: 2, quarantined: 2 });
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
    expect(sentDates(queue)).toEqual(['2024-01-08', '2024-01-09', '2024-01-10']);
    expect(first.reenqueued + second.reenqueued).toBe(3);
    expect(first.skipped + second.skipped).toBe(3);
    expect(itemOn(store, '2024-01-08')).toMatchObject({ retryCount: 0, retryDue: inflightDue });
    expect(itemOn(store, '2024-01-10')).toMatchObject({ retryCount: 2, retryDue: inflightDue });
  });

  it("retires a removed series' retries and leases: records deleted, values and quarantined dates kept, nothing sent", async () => {
    // Prepare: CURRENCY#GBP left the catalog with a retry due, a lease due, a value and a quarantined date.
    const { deps, store, queue, telemetry } = makeDeps();
    const gbp = 'CURRENCY#GBP';
    seed(store, { '2024-01-08': {} }, gbp);
    await store.writeValues(gbp, 'bcb-ptax', [{ day: parseIsoDate('2024-01-09'), value: 6.2 }]);
    await store.quarantine(gbp, parseIsoDate('2024-01-10'), 'HTTP 500', 1);
    await store.openLease({
      infoType: gbp,
      id: 'lease-9',
      first: parseIsoDate('2024-01-11'),
      last: parseIsoDate('2024-01-12'),
      retryDue: '2024-01-01T00:00:00.000Z',
    });

    // Act
    const report = await runRecheck(deps);
    const again = await runRecheck(deps);

    // Assess
    expect(report).toEqual({ ...quiet, due: 1, leases: 1, retired: 2 });
    expect(again).toEqual(quiet);
    expect(queue.bodies).toEqual([]);
    expect(Array.from(await store.presentDays(gbp), formatIsoDate)).toEqual(['2024-01-09', '2024-01-10']);
    expect(await store.listLeases(gbp)).toEqual([]);
    expect(telemetry.lines.filter((line) => line.level === 'error')).toEqual([]);
  });

  it('loses nothing when SQS refuses the message: the dates come due again after the in-flight timeout', async () => {
    // Prepare
    const { deps, store, queue } = makeDeps();
    seed(store, { '2024-01-08': { retryCount: 1 }, '2024-01-09': { retryCount: 1 } });
    queue.refuse = () => 'InternalError: try again';
    const refused = await runRecheck(deps);
    queue.refuse = () => undefined;
    const later = new Date(now.getTime() + inflightTimeoutMs);

    // Act
    const report = await runRecheck({ ...deps, now: () => later });

    // Assess
    expect(refused).toMatchObject({ due: 2, reenqueued: 0, messages: 0 });
    expect(report).toMatchObject({ due: 2, reenqueued: 2, messages: 1 });
    expect(queue.messages()).toEqual([
      expect.objectContaining({ dates_to_download: ['2024-01-08', '2024-01-09'], attempt: 2 }),
    ]);
    expect(itemOn(store, '2024-01-08')).toMatchObject({ status: 'RETRY', retryCount: 1 });
  });

  it('closes a due lease whose dates all have items, sending nothing', async () => {
    // Prepare
    const { deps, store, queue } = makeDeps();
    await dueLease(store, week);
    seed(store, Object.fromEntries(week.map((date) => [date, { status: 'OK', value: 5 } as const])));

    // Act
    const report = await runRecheck(deps);

    // Assess
    expect(report).toEqual({ ...quiet, leases: 1 });
    expect(queue.bodies).toEqual([]);
    expect(await store.listLeases(usd.infoType)).toEqual([]);
  });

  it("records each date still without an item of a lease whose delivery asked and died: one attempt, due at once, then the dates' retries", async () => {
    // Prepare
    const { deps, store, queue } = makeDeps();
    await dueLease(store, week, { claimedBy: 'delivery-1' });
    seed(store, { '2024-01-12': { status: 'OK', value: 5 } });

    // Act
    const report = await runRecheck(deps);
    const next = await runRecheck(deps);

    // Assess
    expect(report).toEqual({ ...quiet, leases: 1 });
    expect(await store.listLeases(usd.infoType)).toEqual([]);
    expect(next).toEqual({ ...quiet, due: 4, reenqueued: 4, messages: 1 });
    expect(queue.messages()).toEqual([
      {
        partition_key: 'CURRENCY#USD',
        dates_to_download: week.slice(0, 4),
        reason: 'retry',
        attempt: 1,
      },
    ]);
    for (const date of week.slice(0, 4)) {
      expect(itemOn(store, date)).toEqual({
        status: 'RETRY',
        value: null,
        attempts: 1,
        retryCount: 0,
        lastError: 'a delivery asked the source and died before recording the result',
        retryDue: inflightDue,
        claimToken: 'lease:lease-1',
      });
    }
  });

  it('leaves alone a due lease a delivery claimed after the index was read: its delivery is alive', async () => {
    // Prepare
    const { deps, store, queue } = makeDeps();
    await dueLease(store, week);
    const dueItems = store.dueItems.bind(store);
    vi.spyOn(store, 'dueItems').mockImplementation(async (nowIso) => {
      const due = await dueItems(nowIso);
      await store.claimLease(usd.infoType, parseIsoDate(week[0]), 'lease-1', 'delivery-1', inflightDue);
      return due;
    });

    // Act
    const report = await runRecheck(deps);

    // Assess
    expect(report).toEqual({ ...quiet, leases: 1 });
    expect(queue.bodies).toEqual([]);
    expect(store.log).toEqual([]);
    expect(await store.getLease(usd.infoType, parseIsoDate(week[0]))).toMatchObject({
      asks: 1,
      retryDue: inflightDue,
    });
  });

  it('resends a due lease once when two runs overlap', async () => {
    // Prepare
    const { deps, store, queue } = makeDeps();
    await dueLease(store, week);

    // Act
    const [first, second] = await Promise.all([runRecheck(deps), runRecheck(deps)]);

    // Assess
    expect(queue.bodies).toHaveLength(1);
    expect(first.messages + second.messages).toBe(1);
  });

  it('regression (a) release: a released date is re-enqueued by the next run with its whole budget', async () => {
    // Prepare
    const { deps, store, queue } = makeDeps();
    seed(store, {
      '2024-01-08': {
        status: 'QUARANTINED',
        retryCount: maxRetries,
        attempts: 1 + maxRetries,
        retryDue: undefined,
      },
    });
    await store.release(usd.infoType, parseIsoDate('2024-01-08'), now.toISOString());

    // Act
    const report = await runRecheck(deps);

    // Assess
    expect(report).toEqual({ ...quiet, due: 1, reenqueued: 1, messages: 1 });
    expect(queue.messages()).toEqual([
      { partition_key: 'CURRENCY#USD', dates_to_download: ['2024-01-08'], reason: 'retry', attempt: 1 },
    ]);
    expect(itemOn(store, '2024-01-08')).toMatchObject({
      status: 'RETRY',
      retryCount: 0,
      attempts: 0,
      retryDue: inflightDue,
    });
  });

  it('regression (e): a DynamoDB failure on one date does not keep the other due dates from being handled', async () => {
    // Prepare
    const { deps, store, queue, telemetry } = makeDeps();
    seed(store, {
      '2024-01-08': { retryCount: 1 },
      '2024-01-09': { retryCount: 1 },
      '2024-01-10': { retryCount: 1 },
      '2024-01-15': { retryCount: maxRetries },
      '2024-01-16': { retryCount: maxRetries },
    });
    const failOnce = new Set<string>(['deferRetry', 'quarantine']);
    store.fault = (operation) =>
      failOnce.delete(operation) ? new StoreError('UpdateItem', 'ProvisionedThroughputExceeded') : null;

    // Act
    const report = await runRecheck(deps);
    const stillDue = week.slice(0, 3).filter((date) => itemOn(store, date)?.retryDue === past);
    const sentFirst = sentDates(queue);
    const next = await runRecheck(deps);

    // Assess
    expect(report).toEqual({ ...quiet, due: 5, reenqueued: 2, quarantined: 1, messages: 1, failed: 2 });
    expect(stillDue).toHaveLength(1);
    expect(sentFirst).toEqual(week.slice(0, 3).filter((date) => !stillDue.includes(date)));
    expect(next).toEqual({ ...quiet, due: 2, reenqueued: 1, quarantined: 1, messages: 1 });
    expect(sentDates(queue)).toEqual(['2024-01-08', '2024-01-09', '2024-01-10']);
    expect(itemOn(store, '2024-01-15')?.status).toBe('QUARANTINED');
    expect(itemOn(store, '2024-01-16')?.status).toBe('QUARANTINED');
    expect(
      telemetry.lines.filter((line) => line.message === 'due date not handled; it comes due again'),
    ).toHaveLength(2);
  });

  it('regression (e): a DynamoDB failure on one due lease keeps neither the other leases nor the dates', async () => {
    // Prepare
    const { deps, store, queue } = makeDeps();
    await dueLease(store, week, { infoType: eur.infoType });
    await dueLease(store, ['2024-01-15', '2024-01-16']);
    seed(store, { '2024-01-08': { retryCount: 1 } });
    store.fault = (operation, infoType) =>
      operation === 'getLease' && infoType === eur.infoType ? new StoreError('GetItem', 'timeout') : null;

    // Act
    const report = await runRecheck(deps);

    // Assess
    expect(report).toEqual({ ...quiet, due: 1, reenqueued: 1, messages: 2, failed: 1, leases: 2 });
    expect(queue.messages().map((message) => [message.partition_key, message.dates_to_download])).toEqual([
      ['CURRENCY#USD', ['2024-01-08']],
      ['CURRENCY#USD', ['2024-01-15', '2024-01-16']],
    ]);
    expect(store.leases.get(eur.infoType)?.get(parseIsoDate(week[0]))).toMatchObject({ retryDue: past });
  });

  it('regression (f): a lost gap message is sent again once its lease is due, for its still-missing dates only', async () => {
    // Prepare: data_clustering opened the lease and its message was lost; meanwhile two dates got items.
    const { deps, store, queue } = makeDeps();
    const opened = new Date(now.getTime() - pendingTimeoutMs - 60_000);
    await store.openLease({
      infoType: usd.infoType,
      id: 'lease-1',
      first: parseIsoDate(week[0]),
      last: parseIsoDate(week[4]),
      retryDue: new Date(opened.getTime() + pendingTimeoutMs).toISOString(),
    });
    seed(store, { '2024-01-09': { status: 'OK', value: 5 }, '2024-01-11': { retryDue: future } });
    const early = await runRecheck({ ...deps, now: () => opened });

    // Act
    const report = await runRecheck(deps);
    const again = await runRecheck(deps);

    // Assess
    expect(early).toEqual(quiet);
    expect(report).toEqual({ ...quiet, messages: 1, leases: 1 });
    expect(queue.messages()).toEqual([
      {
        partition_key: 'CURRENCY#USD',
        dates_to_download: ['2024-01-08', '2024-01-10', '2024-01-12'],
        reason: 'gap',
        attempt: 0,
        lease: '2024-01-08/lease-1',
      },
    ]);
    expect(await store.getLease(usd.infoType, parseIsoDate(week[0]))).toMatchObject({
      asks: 0,
      retryDue: resendDue,
    });
    expect(again).toEqual(quiet);
    expect(queue.bodies).toHaveLength(1);
  });

  it('regression (MAX_RETRIES=0): a date quarantined in an outage and released is re-enqueued, asked and stored', async () => {
    // Prepare: no retries allowed; the date's one attempt fails in an outage and the next run quarantines it.
    const world = { maxRetries: 0, sourceUp: false, at: now, asks: new Map<Day, number>() };
    const { deps, store, queue } = makeDeps({ maxRetries: 0, now: () => world.at });
    const day = parseIsoDate('2024-01-08');
    await queue.sendBodies([
      JSON.stringify({ partition_key: usd.infoType, dates_to_download: ['2024-01-08'], reason: 'retry' }),
    ]);
    await deliverAll(store, queue, world);
    const inOutage = await runRecheck(deps);
    const quarantined = itemOn(store, '2024-01-08')?.status;
    world.sourceUp = true;
    await store.release(usd.infoType, day, now.toISOString());

    // Act: the next run finds retry_count 0 (a release leaves what a first failed attempt leaves)
    const afterRelease = await runRecheck(deps);
    await deliverAll(store, queue, world);

    // Assess: the store refused the quarantine (no attempt made since the release); the date was sent, asked
    // once more and stored
    expect(inOutage).toEqual({ ...quiet, due: 1, quarantined: 1 });
    expect(quarantined).toBe('QUARANTINED');
    expect(afterRelease).toEqual({ ...quiet, due: 1, reenqueued: 1, messages: 1 });
    expect(world.asks.get(day)).toBe(2);
    expect(itemOn(store, '2024-01-08')).toMatchObject({ status: 'OK', value: 5 });
  });

  it('regression: a run that read a date as spent before another run quarantined it and it was released leaves it its budget', async () => {
    // Prepare: the date has made every attempt; between this run's read of the index and its quarantine,
    // an overlapping run quarantines it and an operator releases it.
    const { deps, store, queue } = makeDeps();
    seed(store, { '2024-01-08': { retryCount: maxRetries, attempts: 1 + maxRetries } });
    const day = parseIsoDate('2024-01-08');
    const dueItems = store.dueItems.bind(store);
    vi.spyOn(store, 'dueItems').mockImplementationOnce(async (nowIso) => {
      const due = await dueItems(nowIso);
      await store.quarantine(usd.infoType, day, 'HTTP 503', 1 + maxRetries);
      await store.release(usd.infoType, day, nowIso);
      return due;
    });

    // Act
    const stale = await runRecheck(deps);
    const next = await runRecheck(deps);

    // Assess: the stale decision quarantines nothing; the next run sends the date with its whole budget
    expect(stale).toEqual({ ...quiet, due: 1, skipped: 1 });
    expect(next).toEqual({ ...quiet, due: 1, reenqueued: 1, messages: 1 });
    expect(queue.messages()).toEqual([
      { partition_key: 'CURRENCY#USD', dates_to_download: ['2024-01-08'], reason: 'retry', attempt: 1 },
    ]);
    expect(itemOn(store, '2024-01-08')).toMatchObject({
      status: 'RETRY',
      attempts: 0,
      retryDue: inflightDue,
    });
  });
});

describe('planRecheck', () => {
  it('plans what a run then does, writing and sending nothing itself', async () => {
    // Prepare
    const { deps, store, queue } = makeDeps();
    seed(store, {
      '2024-01-08': { retryCount: 1 },
      '2024-01-09': { retryCount: 1 },
      '2024-01-15': { retryCount: 2 },
      '2024-01-16': { retryCount: maxRetries, attempts: 1 + maxRetries },
    });
    seed(store, { '2024-01-10': { retryCount: 0 } }, 'CURRENCY#XYZ');

    // Act
    const plan = await planRecheck(deps);
    const untouched = { writes: store.log.length, sent: queue.messages().length };
    const report = await runRecheck(deps);

    // Assess
    expect(plan).toEqual({
      mode: 'plan',
      due: 5,
      reenqueue: 3,
      quarantine: 1,
      retire: 1,
      messages: 2,
      leases: 0,
    });
    expect(untouched).toEqual({ writes: 0, sent: 0 });
    expect([report.reenqueued, report.quarantined, report.retired, report.messages]).toEqual([
      plan.reenqueue,
      plan.quarantine,
      plan.retire,
      plan.messages,
    ]);
  });
});
