import { DEFAULT_CATALOG } from '@gapless/catalog';
import { formatIsoDate } from '@gapless/pipeline-core';
import { queueDefinition } from '@gapless/aws-adapters';
import { simulatedValue } from '@gapless/sources';
import { beforeAll, describe, expect, it } from 'vitest';
import { runLocalPipeline, selectCatalog, type LocalPipelineResult } from '../../src/runLocalPipeline.js';
import {
  asksByDate,
  expectedKeys,
  itemsByKey,
  keyOf,
  overwrittenGoodValues,
  sendBodies,
  tally,
} from './e2eSupport.js';

// Replay a failure with CHAOS_SEED=<the seed in the test name>.
const seed = Number(process.env.CHAOS_SEED ?? 20_261_125);
const maxRetries = 2;
const from = '2026-08-03';
/**
 * The default catalog's four series and eight more simulated ones, about 1,000 dates from `from`, and
 * messages of at most 1 KiB (~70 dates): enough messages and invocations for every chaos hook to fire.
 */
const catalogJson = [
  ...DEFAULT_CATALOG.map((series) => ({
    info_type: series.infoType,
    source: 'simulated',
    calendar: series.calendar,
    start: from,
    ...(series.bounds ? { bounds: series.bounds } : {}),
  })),
  ...['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'].map((name, index) => ({
    info_type: `SIM#${name}`,
    source: 'simulated',
    calendar: index % 2 === 0 ? 'daily' : 'weekdays',
    start: from,
  })),
];
const catalog = selectCatalog({ catalog: catalogJson });

/**
 * A message of a series no longer in the catalog: acknowledged and dropped (retired), never in the
 * dead-letter queue.
 */
const retiredBody = JSON.stringify({
  partition_key: 'CURRENCY#XYZ',
  dates_to_download: ['2026-06-01'],
  reason: 'gap',
  attempt: 0,
});

/** Bodies no delivery can process: not JSON, a Saturday on a business-day calendar. */
const poisonBodies = [
  '{"partition_key": "CURRENCY#USD", "dates_to_download": [',
  JSON.stringify({
    partition_key: 'CURRENCY#USD',
    dates_to_download: ['2026-06-06'],
    reason: 'gap',
    attempt: 0,
  }),
];

describe(`chaos run (seed ${seed}, MAX_RETRIES ${maxRetries})`, () => {
  let result: LocalPipelineResult;

  beforeAll(async () => {
    result = await runLocalPipeline({
      catalog: catalogJson,
      extraEnv: { MAX_MESSAGE_BYTES: '1024' },
      seed,
      maxRetries,
      faults: { error: 0.08, timeout: 0.06, throttle: 0.06, malformed: 0.05, null: 0.05 },
      chaos: { unprocessedRate: 0.1, duplicateRate: 0.1, crashRate: 0.1 },
      logPath: null,
      snapshot: true,
      beforeCycles: (stack) => sendBodies(stack, [...poisonBodies, retiredBody]),
    });
    const { stats } = result;
    console.info(
      `chaos seed ${seed}: ${result.cycles} cycles, ${(result.durationMs / 1000).toFixed(1)} s, ` +
        `${result.totals.ok} OK, ${result.totals.quarantined} quarantined of ${result.totals.expected}; ` +
        `${result.sourceRequestLog.length} source requests, ${stats.duplicatesInjected} duplicates, ` +
        `${stats.crashesInjected} crashes, ${stats.injectedUnprocessedBatchWrites} cut batch writes`,
    );
  }, 90_000);

  it(`converges, with source faults retried and batch writes cut short (seed ${seed})`, () => {
    // Assess
    expect(result.converged, `seed ${seed}`).toBe(true);
    expect(result.stats.injectedUnprocessedBatchWrites).toBeGreaterThan(0);
    // The simulated source's own log: failed requests were asked again, so some date was asked more than once.
    expect(Math.max(...asksByDate(result.sourceRequestLog).values())).toBeGreaterThan(1);
    // Duplicates, crashes and quarantines depend on how many deliveries a run makes (printed above); the
    // chaos hooks test makes each of them certain at higher rates.
  });

  it(`leaves every expected date OK with its value or quarantined with the full budget (seed ${seed})`, () => {
    // Assess
    const items = itemsByKey(result.tableSnapshot);
    const wrong: string[] = [];
    for (const { series, day } of expectedKeys(catalog)) {
      const item = items.get(keyOf(series.infoType, day));
      const good = item?.status === 'OK' && item.value === simulatedValue(seed, series, day);
      const spent = item?.status === 'QUARANTINED' && item.retry_count === maxRetries;
      if (!good && !spent) wrong.push(`${keyOf(series.infoType, day)}: ${JSON.stringify(item)}`);
    }
    expect(wrong, `seed ${seed}`).toEqual([]);
    expect(result.totals.ok + result.totals.quarantined).toBe(result.totals.expected);
  });

  it(`never overwrote a good value (seed ${seed})`, () => {
    // Assess
    expect(result.writeLog.some((write) => write.status === 'OK')).toBe(true);
    expect(overwrittenGoodValues(result.writeLog), `seed ${seed}`).toEqual([]);
  });

  it(`asked the source at most 1 + MAX_RETRIES times for any date, as the source counted (seed ${seed})`, () => {
    // Assess
    const asksOf = asksByDate(result.sourceRequestLog);
    const excess: string[] = [];
    for (const { series, day } of expectedKeys(catalog)) {
      const iso = formatIsoDate(day);
      const asks = asksOf.get(keyOf(series.infoType, day)) ?? 0;
      if (asks > 1 + maxRetries) {
        const covering = result.sourceRequestLog.filter(
          (request) => request.infoType === series.infoType && request.from <= iso && iso <= request.to,
        );
        const writes = result.writeLog.filter((w) => w.infoType === series.infoType && w.date === iso);
        excess.push(
          `${series.infoType} ${iso}: ${asks} requests ${JSON.stringify(covering)} writes ${JSON.stringify(writes)}`,
        );
      }
    }
    expect(excess, `seed ${seed}`).toEqual([]);
  });

  it(`holds exactly the poison messages in the dead-letter queue (seed ${seed})`, () => {
    // Assess
    // A poison body's injected copies are poison too. A valid message reaches the dead-letter queue only by
    // crashing on each of its maxReceiveCount deliveries: that is SQS doing its job, so it is expected too.
    const poisonCopies = result.deliveries.duplicated.filter((body) => poisonBodies.includes(body));
    const crashedOut = result.deliveries.failed
      .filter((record) => record.receiveCount >= queueDefinition.maxReceiveCount)
      .filter((record) => !poisonBodies.includes(record.body))
      .map((record) => record.body);
    const known = catalog.map((series) => series.infoType);
    for (const body of crashedOut) expect(known).toContain(JSON.parse(body).partition_key);
    expect(tally(result.deadLetterBodies), `seed ${seed}`).toEqual(
      tally([...poisonBodies, ...poisonCopies, ...crashedOut]),
    );
    expect(result.deadLetterBodies).not.toContain(retiredBody);
  });
});
