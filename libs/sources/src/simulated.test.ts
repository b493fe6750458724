import { fc, test } from '@fast-check/vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CalendarId,
  parseIsoDate,
  SourceError,
  type SeriesDefinition,
  type Observation,
} from '@gapless/pipeline-core';
import { createSimulatedSource, simulatedValue, type SimulatedSourceOptions } from './simulated.js';

const iso = parseIsoDate;

function series(overrides: Partial<SeriesDefinition> = {}): SeriesDefinition {
  return {
    infoType: 'CURRENCY#USD',
    source: 'simulated',
    calendar: CalendarId.Daily,
    start: iso('2015-01-01'),
    publicationLagDays: 0,
    ...overrides,
  };
}

/** Runs `count` requests over distinct ranges and tallies how each ended. */
async function tally(options: SimulatedSourceOptions, count: number) {
  const source = createSimulatedSource(options);
  const outcomes: Record<string, number> = {
    ok: 0,
    error: 0,
    timeout: 0,
    throttle: 0,
    null: 0,
    malformed: 0,
  };
  for (let i = 0; i < count; i += 1) {
    const from = iso('2020-01-01') + i;
    try {
      const observations = await source.fetchRange(series(), from, from + 3);
      const key = observations.some((o) => o.value === null) ? 'null' : 'ok';
      outcomes[key] = (outcomes[key] ?? 0) + 1;
    } catch (error) {
      if (!(error instanceof SourceError)) throw error;
      const key = /503/.test(error.message)
        ? 'error'
        : /timeout/.test(error.message)
          ? 'timeout'
          : /429/.test(error.message)
            ? 'throttle'
            : 'malformed';
      outcomes[key] = (outcomes[key] ?? 0) + 1;
    }
  }
  return { outcomes, stats: source.stats() };
}

describe('createSimulatedSource values', () => {
  it('answers every day of the range, ascending, positive, with 4 decimals', async () => {
    // Prepare
    const source = createSimulatedSource({ seed: 1 });

    // Act
    const observations = await source.fetchRange(series(), iso('2024-01-01'), iso('2024-01-31'));

    // Assess
    expect(observations.map((o) => o.day)).toEqual(
      Array.from({ length: 31 }, (_, i) => iso('2024-01-01') + i),
    );
    for (const { value } of observations) {
      expect(value).toBeGreaterThan(0);
      expect(Math.round((value ?? 0) * 10_000) / 10_000).toBe(value);
    }
  });

  test.prop([
    fc.integer({ min: 0, max: 2 ** 31 }),
    fc.integer({ min: iso('2000-01-01'), max: iso('2030-01-01') }),
    fc.integer({ min: 0, max: 60 }),
    fc.integer({ min: 0, max: 60 }),
  ])('gives a day the same value whatever range asks for it', async (seed, day, before, after) => {
    // Prepare
    const wide = createSimulatedSource({ seed });
    const narrow = createSimulatedSource({ seed });

    // Act
    const range = await wide.fetchRange(series(), day - before, day + after);
    const single = await narrow.fetchRange(series(), day, day);

    // Assess
    expect(range.find((o) => o.day === day)).toEqual(single[0]);
  });

  test.prop([
    fc.integer({ min: 0, max: 1000 }),
    fc.integer({ min: iso('2000-01-01'), max: iso('2030-01-01') }),
  ])('stays inside the series bounds', (seed, day) => {
    // Prepare
    const bounded = series({ bounds: { min: 3, max: 7 } });

    // Act
    const value = simulatedValue(seed, bounded, day);

    // Assess
    expect(value).toBeGreaterThanOrEqual(3);
    expect(value).toBeLessThanOrEqual(7);
  });

  it('keeps values positive when a bound is at zero', () => {
    // Act
    const value = simulatedValue(3, series({ bounds: { min: 0, max: 100 } }), iso('2024-05-05'));

    // Assess
    expect(value).toBeGreaterThan(0);
  });

  it('wanders like a random walk: small daily steps, differing series and seeds', () => {
    // Prepare
    const days = Array.from({ length: 2000 }, (_, i) => iso('2018-01-01') + i);

    // Act
    const usd = days.map((d) => simulatedValue(7, series(), d));
    const eur = days.map((d) => simulatedValue(7, series({ infoType: 'CURRENCY#EUR' }), d));
    const otherSeed = days.map((d) => simulatedValue(8, series(), d));

    // Assess
    const steps = usd.slice(1).map((v, i) => Math.abs(Math.log(v / (usd[i] ?? v))));
    expect(Math.max(...steps)).toBeLessThan(0.2);
    expect(Math.max(...usd) / Math.min(...usd)).toBeGreaterThan(1.05);
    expect(eur).not.toEqual(usd);
    expect(otherSeed).not.toEqual(usd);
  });
});

describe('createSimulatedSource faults', () => {
  it('serves no faults by default and counts requests', async () => {
    // Act
    const { outcomes, stats } = await tally({}, 200);

    // Assess
    expect(outcomes['ok']).toBe(200);
    expect(stats).toEqual({
      requests: 200,
      observations: 800,
      faults: { error: 0, timeout: 0, throttle: 0, null: 0, malformed: 0 },
    });
  });

  it('injects each fault at roughly its configured rate', async () => {
    // Prepare
    const faults = { error: 0.1, timeout: 0.05, throttle: 0.05, null: 0.02, malformed: 0.02, seed: 42 };
    const count = 20_000;

    // Act
    const { outcomes, stats } = await tally({ faults }, count);

    // Assess: five standard deviations of a binomial, so the test is stable yet catches a wrong rate.
    for (const [fault, rate] of Object.entries(faults).filter(([name]) => name !== 'seed')) {
      const tolerance = 5 * Math.sqrt(count * rate * (1 - rate));
      expect(Math.abs((outcomes[fault] ?? 0) - count * rate)).toBeLessThan(tolerance);
      expect(stats.faults[fault as keyof typeof stats.faults]).toBe(outcomes[fault]);
    }
  });

  it('throws retryable SourceErrors with the status of the fault', async () => {
    // Prepare
    const source = createSimulatedSource({ faults: { throttle: 1 } });

    // Act
    const error = await source.fetchRange(series(), 1, 2).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toMatchObject({ retryable: true, status: 429, source: 'simulated' });
  });

  it('nulls some days, never none, under the null fault', async () => {
    // Prepare
    const source = createSimulatedSource({ faults: { null: 1 } });

    // Act / Assess
    for (let i = 0; i < 50; i += 1) {
      const observations = await source.fetchRange(series(), 100 + i, 100 + i + (i % 3));
      expect(observations.some((o) => o.value === null)).toBe(true);
    }
  });

  it('replays the same run for the same seed, and a retry of a range gets a fresh draw', async () => {
    // Prepare
    const run = async (seed: number) => {
      const source = createSimulatedSource({ faults: { error: 0.3, null: 0.3, seed } });
      const results: Array<Observation[] | string> = [];
      for (let i = 0; i < 40; i += 1) {
        const from = 1000 + (i % 5);
        results.push(
          await source.fetchRange(series(), from, from + 2).catch((error: Error) => error.message),
        );
      }
      return results;
    };

    // Act
    const first = await run(5);
    const again = await run(5);
    const other = await run(6);

    // Assess
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    const sameRange = first.filter((_, i) => i % 5 === 0).map((r) => JSON.stringify(r));
    expect(new Set(sameRange).size).toBeGreaterThan(1);
  });

  it('waits for the configured latency and refuses to start after the deadline', async () => {
    // Prepare
    const waits: number[] = [];
    const source = createSimulatedSource({
      latencyMs: 30,
      sleep: async (ms) => void waits.push(ms),
      now: () => 500,
    });

    // Act
    await source.fetchRange(series(), 1, 1, { deadline: 1_000 });
    const late = await source.fetchRange(series(), 1, 1, { deadline: 500 }).catch((e: unknown) => e);

    // Assess
    expect(waits).toEqual([30]);
    expect(late).toMatchObject({ retryable: true });
    expect(source.maxWindowDays(series())).toBe(Infinity);
  });
});

describe('createSimulatedSource request log', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gapless-simulated-log-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const linesOf = (path: string): unknown[] =>
    readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as unknown);

  it('appends one line per request it receives, failed ones included, and none refused at the deadline', async () => {
    // Prepare
    const path = join(dir, 'requests.jsonl');
    const source = createSimulatedSource({
      faults: { error: 1 },
      requestLogPath: path,
      now: () => Date.parse('2026-11-25T04:00:00.000Z'),
    });
    const eur = series({ infoType: 'CURRENCY#EUR' });

    // Act
    await source.fetchRange(series(), iso('2024-01-01'), iso('2024-01-05')).catch(() => undefined);
    await source.fetchRange(eur, iso('2024-02-29'), iso('2024-02-29')).catch(() => undefined);
    await source.fetchRange(series(), iso('2024-01-01'), iso('2024-01-05')).catch(() => undefined);
    await source.fetchRange(eur, 1, 2, { deadline: 0 }).catch(() => undefined);

    // Assess
    const at = '2026-11-25T04:00:00.000Z';
    expect(linesOf(path)).toEqual([
      { info_type: 'CURRENCY#USD', from: '2024-01-01', to: '2024-01-05', at },
      { info_type: 'CURRENCY#EUR', from: '2024-02-29', to: '2024-02-29', at },
      { info_type: 'CURRENCY#USD', from: '2024-01-01', to: '2024-01-05', at },
    ]);
    expect(source.stats().requests).toBe(3);
  });

  it('appends to what the file holds: several sources (processes) share one log', async () => {
    // Prepare
    const path = join(dir, 'requests.jsonl');
    const first = createSimulatedSource({ requestLogPath: path });
    const second = createSimulatedSource({ requestLogPath: path });

    // Act
    await Promise.all([
      first.fetchRange(series(), 10, 20),
      second.fetchRange(series(), 30, 40),
      first.fetchRange(series(), 50, 60),
    ]);

    // Assess
    expect(linesOf(path).map((line) => (line as { from: string }).from)).toEqual([
      '1970-01-11',
      '1970-01-31',
      '1970-02-20',
    ]);
  });

  it('writes nothing without a path, and throws when the log cannot be written', async () => {
    // Prepare
    const quiet = createSimulatedSource();
    const broken = createSimulatedSource({ requestLogPath: join(dir, 'missing', 'requests.jsonl') });

    // Act
    await quiet.fetchRange(series(), 1, 2);
    const error = await broken.fetchRange(series(), 1, 2).catch((caught: unknown) => caught);

    // Assess
    expect(readdirSync(dir)).toEqual([]);
    expect(error).toMatchObject({ code: 'ENOENT' });
  });
});
