import { loadCatalog } from '@gapless/catalog';
import { formatIsoDate, todayUtc, type SeriesDefinition } from '@gapless/pipeline-core';
import { simulatedValue } from '@gapless/sources';
import { beforeAll, describe, expect, it } from 'vitest';
import { runLocalPipeline, type LocalPipelineResult } from '../../src/runLocalPipeline.js';
import { itemsByKey, keyOf, sendBodies } from './e2eSupport.js';

const seed = 9;
const seriesCount = 10;
const daysPerSeries = 1_000;
const gib = 1024 ** 3;
/**
 * Ten daily simulated series that start yesterday, so data_clustering finds next to nothing: the burst is
 * the test's own 10,000 single-date messages for the 1,000 days before that start.
 */
const start = todayUtc() - 1;
const catalogJson = Array.from({ length: seriesCount }, (_, index) => ({
  info_type: `LOAD#S${String(index).padStart(2, '0')}`,
  source: 'simulated',
  calendar: 'daily',
  start: formatIsoDate(start),
}));
const catalog: readonly SeriesDefinition[] = loadCatalog({ SERIES_CATALOG: JSON.stringify(catalogJson) });
const burst = catalog.flatMap((series) =>
  Array.from({ length: daysPerSeries }, (_, offset) => ({ series, day: start - 1 - offset })),
);

describe(`a burst of ${burst.length} messages`, () => {
  let result: LocalPipelineResult;
  let sentAt = 0;

  beforeAll(async () => {
    result = await runLocalPipeline({
      catalog: catalogJson,
      seed,
      logPath: null,
      snapshot: true,
      beforeCycles: async (stack) => {
        const bodies = burst.map(({ series, day }) =>
          JSON.stringify({ partition_key: series.infoType, dates_to_download: [formatIsoDate(day)] }),
        );
        await sendBodies(stack, bodies);
        sentAt = Date.now();
      },
    });
    const seconds = (Date.parse(result.finishedAt) - sentAt) / 1000;
    console.info(
      `load: ${burst.length} messages processed in ${seconds.toFixed(1)} s ` +
        `(${(burst.length / seconds).toFixed(0)} messages/s), ${result.stats.invocations} invocations, ` +
        `peak RSS of the stack ${((result.stats.peakRssBytes ?? 0) / 1024 ** 2).toFixed(0)} MiB`,
    );
  }, 180_000);

  it('processes every message: each date of the burst ends OK with its value, nothing dead-lettered', () => {
    // Assess
    const items = itemsByKey(result.tableSnapshot);
    const missing = burst.filter(({ series, day }) => {
      const item = items.get(keyOf(series.infoType, day));
      return item?.status !== 'OK' || item.value !== simulatedValue(seed, series, day);
    });
    expect(result.converged).toBe(true);
    expect(missing.map(({ series, day }) => keyOf(series.infoType, day))).toEqual([]);
    expect(result.stats.received).toBeGreaterThanOrEqual(burst.length);
    expect(result.deadLetterBodies).toEqual([]);
    expect(result.totals.ok).toBe(result.totals.expected);
  });

  it('keeps the memory of the stack bounded (peak RSS under 1.5 GiB)', () => {
    // Assess
    expect(result.stats.peakRssBytes).toBeGreaterThan(0);
    expect(result.stats.peakRssBytes).toBeLessThan(1.5 * gib);
  });
});
