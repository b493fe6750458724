import { runLocalPipeline } from '@gapless/local-stack';
import { formatIsoDate, todayUtc } from '@gapless/pipeline-core';
import { round } from './figures.js';
import type { SectionResult } from './section.js';

/** Dates of the chaos backfill: smaller than the clean one, since every fault costs cycles. */
const DATES = 10_000;
const SERIES = 4;
const SEED = 7;
const MAX_RETRIES = 5;

/**
 * The backfill's write units per date again, with the local stack's chaos on: source faults, BatchWriteItem
 * calls cut short (their items sent again), duplicate deliveries and scraper crashes, all seeded. Every
 * failure adds bookkeeping (per-date claims and failure records, resent items), so the figure is reported
 * beside the clean one, without a target: it shows what the failure path costs, not the steady one.
 */
export async function backfillUnderChaos(): Promise<SectionResult> {
  const today = todayUtc();
  const perSeries = Math.ceil(DATES / SERIES);
  const start = formatIsoDate(today - perSeries);
  let writesBefore = 0;
  let writes = 0;
  const result = await runLocalPipeline({
    seed: SEED,
    logPath: null,
    maxRetries: MAX_RETRIES,
    catalog: Array.from({ length: SERIES }, (_, index) => ({
      info_type: `CHAOS#S${index + 1}`,
      source: 'simulated',
      calendar: 'daily',
      start,
    })),
    faults: { error: 0.1, timeout: 0.05, throttle: 0.05, null: 0.02, malformed: 0.02 },
    chaos: { unprocessedRate: 0.1, duplicateRate: 0.1, crashRate: 0.1 },
    beforeCycles: async (stack) => {
      writesBefore = stack.itemWriteRequests();
    },
    afterCycles: async (stack) => {
      writes = stack.itemWriteRequests() - writesBefore;
    },
  });
  const dates = result.totals.expected;
  const perDate = writes / dates;
  return {
    title: `backfill under chaos: ${dates.toLocaleString('en')} dates, source faults, cut batch writes, duplicates and crashes (seed ${SEED})`,
    rows: [
      [
        'outcome',
        `${result.totals.ok} OK, ${result.totals.quarantined} quarantined, ${result.cycles} cycle(s)`,
      ],
      [
        'source requests (received, the source\u2019s own log) / messages',
        `${result.totals.sourceRequests ?? 'not counted'} / ${result.totals.messagesSent}`,
      ],
      ['item writes asked of DynamoDB, all partitions (wire)', writes.toLocaleString('en')],
      ['write units per backfilled date', `${perDate.toFixed(4)} (reported beside the clean backfill's)`],
    ],
    figures: {
      write_units_per_date: round(perDate, 4),
      write_requests: writes,
      dates,
      ok: result.totals.ok,
      quarantined: result.totals.quarantined,
      cycles: result.cycles,
      converged: result.converged,
    },
  };
}
