import { DEFAULT_CATALOG } from '@gapless/catalog';
import { expectedDates, formatIsoDate, parseIsoDate } from '@gapless/pipeline-core';
import { simulatedValue } from '@gapless/sources';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLocalPipeline, type LocalPipelineResult } from '../src/runLocalPipeline.js';
import { temporaryDir } from './helpers.js';

const from = '2025-06-01';
const seed = 42;

describe('a clean backfill of the default catalog on the simulated source', () => {
  let dataDir: Awaited<ReturnType<typeof temporaryDir>>;
  let first: LocalPipelineResult;

  beforeAll(async () => {
    dataDir = await temporaryDir();
    first = await runLocalPipeline({ from, seed, dataDir: dataDir.dir, logPath: null, snapshot: true });
  }, 60_000);
  afterAll(() => dataDir.remove());

  it('converges with every expected date OK and nothing left in any queue', () => {
    // Assess
    expect(first.converged).toBe(true);
    expect(first.totals.ok).toBe(first.totals.expected);
    expect(first.totals.expected).toBeGreaterThan(1000);
    expect(first.totals.deadLetters).toBe(0);
    expect(first.series.map((series) => series.infoType)).toEqual(
      DEFAULT_CATALOG.map((series) => series.infoType),
    );
  });

  it("stores the simulated source's value for every expected date", () => {
    // Prepare
    const stored = new Map(
      (first.tableSnapshot ?? []).map((item) => [`${String(item.info_type)}|${String(item.date)}`, item]),
    );

    // Assess
    for (const catalogSeries of DEFAULT_CATALOG) {
      const series = { ...catalogSeries, start: parseIsoDate(from) };
      for (const day of expectedDates(series)) {
        const item = stored.get(`${series.infoType}|${formatIsoDate(day)}`);
        expect(item?.status, `${series.infoType} ${formatIsoDate(day)}`).toBe('OK');
        expect(item?.value).toBe(simulatedValue(seed, series, day));
      }
    }
  });

  it('made one source request per series with dates due and no more (one stream each)', () => {
    // Prepare: an annual series whose lag reaches past today has nothing due since `from`
    const due = DEFAULT_CATALOG.filter(
      (series) => expectedDates({ ...series, start: parseIsoDate(from) }).length > 0,
    );

    // Assess
    expect(due.length).toBeGreaterThanOrEqual(4);
    expect(first.totals.sourceRequests).toBe(due.length);
    expect(first.sourceRequestLog.map((request) => request.infoType).sort()).toEqual(
      due.map((series) => series.infoType).sort(),
    );
  });

  it('a second run on the same data directory makes no source request and no write', async () => {
    // Act
    const second = await runLocalPipeline({ from, seed, dataDir: dataDir.dir, logPath: null });

    // Assess
    expect(second.converged).toBe(true);
    expect(second.totals.ok).toBe(first.totals.ok);
    expect(second.sourceRequestLog).toEqual([]);
    expect(second.totals.sourceRequests).toBe(0);
    expect(second.totals.batchWriteCalls).toBe(0);
    expect(Object.values(second.traffic).reduce((total, series) => total + series.itemWrites, 0)).toBe(0);
    expect(second.totals.messagesSent).toBe(0);
  }, 60_000);
});
