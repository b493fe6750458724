import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import {
  calendarFor,
  formatIsoDate,
  InvalidMessageError,
  parseIsoDate,
  seededRandom,
  silentTelemetry,
  StoreError,
  todayUtc,
  type Day,
  type SeriesDefinition,
} from '@gapless/pipeline-core';
import {
  makeSeries,
  MemorySeriesStore,
  RecordingQueue,
  ScriptedSource,
  sourceDown,
  sourceValue,
} from '@gapless/pipeline-core/testing';
// The simulation composes the three functions' services on purpose: it is the one test that plays them
// against each other in memory (the e2e tests run the built zips). Tools never import apps otherwise.
/* eslint-disable @nx/enforce-module-boundaries */
import { runClustering, type ClusteringDeps } from '../../../../apps/data_clustering/src/clustering.js';
import { runRecheck, type RecheckDeps } from '../../../../apps/retry_recheck/src/recheck.js';
import { scrapeRecord, type ScrapeDeps } from '../../../../apps/scraper/src/scrape.js';
/* eslint-enable @nx/enforce-module-boundaries */

/**
 * The three services run together against one in-memory table and a source that fails at random, with SQS's
 * misbehaviour (duplicate deliveries, crashes that redeliver, the dead-letter queue) played by the test. The
 * pipeline's promises must hold at the end of every scenario: each expected date is OK with the source's
 * value or QUARANTINED having spent its whole budget, no OK value was ever replaced, and no date was asked
 * of the source more than 1 + MAX_RETRIES times.
 */

const HOUR_MS = 3_600_000;
const MAX_RECEIVE_COUNT = 3;
const MAX_ROUNDS = 200;

const catalog: readonly SeriesDefinition[] = [
  makeSeries({ infoType: 'CURRENCY#USD', start: parseIsoDate('2024-01-02') }),
  makeSeries({ infoType: 'CURRENCY#EUR', calendar: 'weekdays', start: parseIsoDate('2024-01-15') }),
];
const catalogIndex = new Map(catalog.map((series) => [series.infoType, series]));

interface Scenario {
  readonly seed: number;
  readonly maxRetries: number;
  readonly windowDays: number;
  readonly requestFailure: number;
  readonly dayFailure: number;
  readonly duplicate: number;
  readonly crash: number;
  readonly sendFailure: number;
  readonly storeFailure: number;
  /** A crash after the source answered, before anything was recorded. */
  readonly crashAfterAsk: number;
  readonly rerunClustering: number;
}

const rate = (max: number) => fc.double({ min: 0, max, noNaN: true });
const scenario: fc.Arbitrary<Scenario> = fc.record({
  seed: fc.integer(),
  maxRetries: fc.integer({ min: 0, max: 4 }),
  windowDays: fc.integer({ min: 1, max: 40 }),
  requestFailure: rate(0.7),
  dayFailure: rate(0.5),
  duplicate: rate(0.3),
  crash: rate(0.3),
  sendFailure: rate(0.3),
  storeFailure: rate(0.2),
  crashAfterAsk: rate(0.2),
  rerunClustering: rate(0.3),
});

interface Delivery {
  readonly body: string;
  readonly receiveCount: number;
}

/** A source that fails at random, counting every date each request asks for. */
function scriptSource(
  source: ScriptedSource,
  s: Scenario,
  random: () => number,
  asked: Map<string, number>,
): void {
  source.failure = (call) => {
    const calendar = calendarFor(catalogIndex.get(call.infoType)!.calendar);
    for (const day of calendar.datesBetween(call.from, call.to)) {
      const key = `${call.infoType}|${day}`;
      asked.set(key, (asked.get(key) ?? 0) + 1);
    }
    if (random() < s.crashAfterAsk) return new Error('simulated crash after the source answered');
    return random() < s.requestFailure ? sourceDown() : undefined;
  };
  source.valueOf = (_, day) => {
    if (random() >= s.dayFailure) return sourceValue(day);
    return [undefined, null, -1, Infinity][Math.floor(random() * 4)];
  };
}

/** The world of one scenario: the clock, the table, the queue, the source and the counters. */
function makeWorld(s: Scenario) {
  const random = seededRandom(s.seed);
  const clock = { now: new Date('2024-02-01T10:00:00.000Z') };
  const store = new MemorySeriesStore();
  const queue = new RecordingQueue();
  const source = new ScriptedSource();
  const asked = new Map<string, number>();
  let scraping = false;

  queue.refuse = () => (random() < s.sendFailure ? 'InternalError: simulated' : undefined);
  store.fault = (operation) =>
    scraping && (operation === 'writeValues' || operation === 'recordFailure') && random() < s.storeFailure
      ? new StoreError('UpdateItem', 'simulated outage')
      : null;
  scriptSource(source, s, random, asked);

  const common = { store, now: () => clock.now, telemetry: silentTelemetry, maxMessageBytes: 262_144 };
  const clustering: ClusteringDeps = {
    ...common,
    catalog,
    queue,
    maxWindowDays: () => s.windowDays,
    pendingTimeoutMs: HOUR_MS,
  };
  const scrape: ScrapeDeps = {
    ...common,
    catalog: catalogIndex,
    sourceFor: () => source,
    maxRetries: s.maxRetries,
    retryBackoffMs: (retryCount) => Math.min(HOUR_MS, 600_000 * 2 ** retryCount),
  };
  const recheck: RecheckDeps = {
    ...common,
    catalog: catalogIndex,
    queue,
    maxRetries: s.maxRetries,
    inflightTimeoutMs: HOUR_MS,
    maxWindowDays: () => s.windowDays,
  };
  const setScraping = (on: boolean) => void (scraping = on);
  return { random, clock, store, queue, asked, clustering, scrape, recheck, setScraping };
}

type World = ReturnType<typeof makeWorld>;

/** Delivers every queued message, SQS-style, until nothing is in flight. */
async function scrapeAll(world: World, s: Scenario, inflight: Delivery[], poison: unknown[]): Promise<void> {
  world.setScraping(true);
  const redeliver = (delivery: Delivery) => {
    // After maxReceiveCount deliveries SQS moves the message to the dead-letter queue: its dates stay in the
    // retry path, where retry_recheck finds them.
    if (delivery.receiveCount < MAX_RECEIVE_COUNT)
      inflight.push({ ...delivery, receiveCount: delivery.receiveCount + 1 });
  };
  while (inflight.length > 0) {
    const delivery = inflight.shift() as Delivery;
    const draw = world.random();
    if (draw < s.crash) {
      redeliver(delivery);
      continue;
    }
    if (draw < s.crash + s.duplicate) inflight.push(delivery);
    try {
      await scrapeRecord(world.scrape, delivery, Date.now() + 60_000);
    } catch (error) {
      if (error instanceof InvalidMessageError) poison.push(error);
      redeliver(delivery);
    }
  }
  world.setScraping(false);
}

function enqueued(world: World): Delivery[] {
  return world.queue.drain().map((body) => ({ body, receiveCount: 1 }));
}

function needsAttention(store: MemorySeriesStore): boolean {
  for (const series of store.items.values())
    for (const item of series.values()) if (item.status === 'PENDING' || item.status === 'RETRY') return true;
  return false;
}

async function simulate(s: Scenario): Promise<{ world: World; lastDay: Day; poison: unknown[] }> {
  const world = makeWorld(s);
  const poison: unknown[] = [];
  await runClustering(world.clustering, 'routine');
  let lastDay = todayUtc(world.clock.now) - 1;
  const inflight = enqueued(world);
  for (
    let round = 0;
    round < MAX_ROUNDS && (inflight.length > 0 || needsAttention(world.store));
    round += 1
  ) {
    await scrapeAll(world, s, inflight, poison);
    world.clock.now = new Date(world.clock.now.getTime() + HOUR_MS + world.random() * HOUR_MS);
    if (world.random() < s.rerunClustering) {
      await runClustering(world.clustering, world.random() < 0.5 ? 'routine' : 'audit');
      lastDay = todayUtc(world.clock.now) - 1;
    }
    await runRecheck(world.recheck);
    inflight.push(...enqueued(world));
  }
  return { world, lastDay, poison };
}

describe('the pipeline, simulated end to end', () => {
  test.prop([scenario], { seed: 20_240_201, numRuns: 400 })(
    'ends with every expected date OK with the source value or QUARANTINED, within 1 + MAX_RETRIES asks',
    async (s) => {
      // Act
      const { world, lastDay, poison } = await simulate(s);
      const { store, asked } = world;

      // Assess
      expect(poison).toEqual([]);
      expect(needsAttention(store)).toBe(false);
      for (const series of catalog) {
        const expected = calendarFor(series.calendar).datesBetween(series.start, lastDay);
        const items = store.series(series.infoType);
        expect([...items.keys()].sort((a, b) => a - b)).toEqual(Array.from(expected));
        for (const day of expected) {
          const item = items.get(day);
          const where = `${series.infoType} ${formatIsoDate(day)}`;
          if (item?.status === 'OK') expect(item.value, where).toBe(sourceValue(day));
          else expect(item, where).toMatchObject({ status: 'QUARANTINED', retryCount: s.maxRetries });
          expect(asked.get(`${series.infoType}|${day}`) ?? 0, where).toBeLessThanOrEqual(1 + s.maxRetries);
        }
      }
      const overwritten = store.log.filter(
        (event) => event.before?.status === 'OK' && event.after.status !== 'OK',
      );
      expect(overwritten).toEqual([]);
    },
    60_000,
  );
});
