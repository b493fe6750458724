import {
  formatIsoDate,
  lastExpectedDay,
  SourceId,
  todayUtc,
  type Day,
  type SeriesDefinition,
} from '@gapless/pipeline-core';
import { afterEach, describe, expect, it } from 'vitest';
import { startClusteringStack, type ClusteringStack } from '../src/clusteringStack.js';

const SERIES = 50;
const THROTTLE_RATE = 0.1;

/** `count` daily series of the simulated source, from ten days ago (`SCALE#S01`, ...). */
function generatedCatalog(count: number): SeriesDefinition[] {
  const start = todayUtc(new Date()) - 10;
  return Array.from({ length: count }, (_, index) => ({
    infoType: `SCALE#S${String(index + 1).padStart(2, '0')}`,
    source: SourceId.Simulated,
    calendar: 'daily',
    start,
    publicationLagDays: 1,
  }));
}

interface ClusteringResult {
  readonly series: readonly { infoType: string; gaps: number; messages: number; error?: string }[];
}

let stack: ClusteringStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

describe(`data_clustering under ${THROTTLE_RATE * 100}% throttled DynamoDB calls`, () => {
  it(`clusters every series of a generated ${SERIES}-series catalog, skipping none`, async () => {
    // Prepare: an empty table, so each series costs several calls (its watermark's share, its Query, its
    // lease Query and the lease's PutItem) and every kind of call meets the throttling.
    const catalog = generatedCatalog(SERIES);
    stack = await startClusteringStack({ catalog, throttleRate: THROTTLE_RATE, seed: 3 });

    // Act
    const result = (await stack.invoke({ mode: 'routine' })) as ClusteringResult;

    // Assess
    expect(result.series.map((series) => series.infoType)).toEqual(catalog.map((series) => series.infoType));
    expect(result.series.filter((series) => series.error !== undefined)).toEqual([]);
    expect(result.series.every((series) => series.gaps > 0 && series.messages === 1)).toBe(true);
    expect(await stack.queuedMessages()).toBe(SERIES);
    expect(stack.proxy.throttled()).toBeGreaterThan(0);
    expect(stack.errorLines()).toEqual([]);
    const watermarks = await stack.store.readWatermarks();
    for (const series of catalog) {
      // Every date is in flight: the watermark waits before the series' first date.
      expect(formatIsoDate(watermarks.get(series.infoType) ?? 0)).toBe(formatIsoDate(series.start - 1));
    }
  }, 120_000);

  it('makes one Query per series in a steady state, plus the watermarks read and written in batches', async () => {
    // Prepare: every date has its item and each watermark is a day behind, as a month of runs leaves them
    // (tomorrow's date too, so that a run that starts after midnight in Brasília finds it as well).
    const catalog = generatedCatalog(SERIES);
    stack = await startClusteringStack({ catalog });
    const now = new Date();
    const watermarks = new Map<string, Day>();
    for (const series of catalog) {
      const end = lastExpectedDay(series, now);
      const days = Array.from({ length: end + 1 - series.start + 1 }, (_, index) => series.start + index);
      await stack.store.writeValues(
        series.infoType,
        'simulated',
        days.map((day) => ({ day, value: 1 })),
      );
      watermarks.set(series.infoType, end - 1);
    }
    await stack.store.writeWatermarks(watermarks);

    // Act
    const result = (await stack.invoke({})) as ClusteringResult;

    // Assess
    expect(result.series.every((series) => series.gaps === 0 && series.error === undefined)).toBe(true);
    expect(Object.fromEntries(stack.proxy.calls())).toEqual({
      Query: 1 + SERIES,
      BatchWriteItem: Math.ceil(SERIES / 25),
    });
    expect(await stack.queuedMessages()).toBe(0);
    const moved = await stack.store.readWatermarks();
    expect(catalog.every((series) => (moved.get(series.infoType) ?? 0) >= lastExpectedDay(series, now))).toBe(
      true,
    );
  }, 120_000);
});
