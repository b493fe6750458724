import { DEFAULT_CATALOG } from '@gapless/catalog';
import { parseIsoDate } from '@gapless/pipeline-core';
import { simulatedValue } from '@gapless/sources';
import { describe, expect, it } from 'vitest';
import { runLocalPipeline } from '../src/runLocalPipeline.js';

const seed = 12;
const maxRetries = 3;

describe('chaos hooks', () => {
  it('fire (unprocessed writes, duplicate deliveries, crashes, source faults) and the run still converges', async () => {
    // Act
    const result = await runLocalPipeline({
      from: '2026-03-02',
      seed,
      maxRetries,
      faults: { error: 0.1, timeout: 0.05, throttle: 0.05, null: 0.05, malformed: 0.05 },
      chaos: { unprocessedRate: 0.5, duplicateRate: 0.5, crashRate: 0.5 },
      logPath: null,
      snapshot: true,
    });

    // Assess
    expect(result.converged).toBe(true);
    expect(result.stats.injectedUnprocessedBatchWrites).toBeGreaterThan(0);
    expect(result.stats.duplicatesInjected).toBeGreaterThan(0);
    expect(result.stats.crashesInjected).toBeGreaterThan(0);
    expect(result.stats.scraperCrashes).toBeGreaterThan(0);
    expect(result.totals.ok + result.totals.quarantined).toBe(result.totals.expected);
    const series = new Map(DEFAULT_CATALOG.map((entry) => [entry.infoType, entry]));
    for (const item of result.tableSnapshot ?? []) {
      const definition = series.get(String(item.info_type));
      if (definition === undefined) continue;
      if (item.status === 'OK') {
        expect(item.value).toBe(simulatedValue(seed, definition, parseIsoDate(item.date)));
      } else {
        expect(item).toMatchObject({ status: 'QUARANTINED', retry_count: maxRetries });
      }
    }
  }, 60_000);
});
