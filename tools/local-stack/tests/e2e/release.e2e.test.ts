import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { releaseQuarantine } from '../../src/quarantineCommand.js';
import { runLocalPipeline, type LocalPipelineResult } from '../../src/runLocalPipeline.js';
import { asksByDate } from './e2eSupport.js';

// The operator's journey through an outage, end to end on the local stack with the built zips: the source
// fails every request until the dates are quarantined with their whole budget spent; it recovers; the
// operator releases the dates; the very next recheck run asks for them again and they become OK.
const series = 'CURRENCY#GBP';
const maxRetries = 2;
const scratch: string[] = [];

afterAll(async () => {
  await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Asks of the source per date of the run, from the simulated source's own log of the requests it received. */
function asksPerDate(result: LocalPipelineResult, dates: readonly string[]): number[] {
  const asks = asksByDate(result.sourceRequestLog);
  return dates.map((date) => asks.get(`${series}|${date}`) ?? 0);
}

describe('the release journey: outage, quarantine, recovery, release, OK', () => {
  it('asks a released date again on the next recheck run, with its full budget, and stores its value', async () => {
    // Prepare
    const dataDir = await mkdtemp(join(tmpdir(), 'gapless-release-'));
    scratch.push(dataDir);
    const common = { series: [series], from: '2026-10-01', dataDir, logPath: null, maxRetries, seed: 5 };

    // Act: the outage
    const outage = await runLocalPipeline({ ...common, faults: { error: 1 }, snapshot: true });
    const quarantined = (outage.tableSnapshot ?? [])
      .filter((item) => item.info_type === series && item.status === 'QUARANTINED')
      .map((item) => String(item.date));

    // Assess
    expect(outage.converged).toBe(true);
    expect(quarantined.length).toBe(outage.totals.expected);
    expect(quarantined.length).toBeGreaterThan(10);
    expect(asksPerDate(outage, quarantined).every((asks) => asks === 1 + maxRetries)).toBe(true);

    // Act: the source recovers, the operator releases every date, the pipeline runs on
    const released = await releaseQuarantine({ tableName: 'gapless', dataDir }, series, {});
    const recovered = await runLocalPipeline({ ...common, maxCycles: 2 });

    // Assess
    expect(released.sort()).toEqual([...quarantined].sort());
    expect(recovered.totals.ok).toBe(recovered.totals.expected);
    expect(recovered.totals.quarantined).toBe(0);
    // One recheck run sent them (cycle 1) and one drain stored them (cycle 2): each date asked once.
    expect(recovered.cycles).toBeLessThanOrEqual(2);
    expect(asksPerDate(recovered, quarantined).every((asks) => asks === 1)).toBe(true);
  }, 120_000);
});
