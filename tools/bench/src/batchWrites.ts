import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoSeriesStore, toAttributeMap } from '@gapless/aws-adapters';
import { type GoodValue, okItem, parseIsoDate, seededRandom } from '@gapless/pipeline-core';
import { callsOf, startBenchDynamo, type BenchDynamo } from './benchDynamo.js';
import { round, verdict } from './figures.js';
import { median } from './stats.js';
import type { SectionResult } from './section.js';

const ITEMS = 4000;
/** Rounds of both sides; the side that goes first alternates, so neither always meets a warmer emulator. */
const ROUNDS = 2;
const BATCH_SIZE = 25;
const INFO_TYPE = 'CURRENCY#USD';
const SOURCE = 'bench';
const UPDATED_AT = '2025-01-01T00:00:00.000Z';
const TARGET_RATIO = 1;

/** One side of one round: wall time, the calls it made, and the items that ended up stored. */
interface SideRun {
  readonly ms: number;
  readonly calls: number;
  readonly stored: number;
}

/**
 * Writing {@link ITEMS} good values: the store's `writeValues` (BatchWriteItem, 25 per call) against one
 * awaited PutItem per item, as the original wrote them. Each side writes to a fresh table of the same
 * in-process emulator; both are checked to have stored every item.
 */
export async function batchWrites(): Promise<SectionResult> {
  const dynamo = await startBenchDynamo();
  try {
    const values = goodValues();
    const ours: SideRun[] = [];
    const baseline: SideRun[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const sides = [
        async () => ours.push(await writeOurs(dynamo, values)),
        async () => baseline.push(await writePutItems(dynamo, values)),
      ];
      if (round % 2 === 1) sides.reverse();
      for (const side of sides) await side();
    }
    return report(ours, baseline);
  } finally {
    await dynamo.stop();
  }
}

function report(ours: readonly SideRun[], baseline: readonly SideRun[]): SectionResult {
  const lowerBound = Math.ceil(ITEMS / BATCH_SIZE);
  const calls = Math.max(...ours.map((run) => run.calls));
  const ratio = calls / lowerBound;
  const oursMs = median(ours.map((run) => run.ms));
  const putItemMs = median(baseline.map((run) => run.ms));
  const putItemRatio = putItemMs / oursMs;
  const met = ratio <= TARGET_RATIO;
  return {
    title: `batch writes: ${ITEMS.toLocaleString('en')} items per side, ${ROUNDS} rounds, dynalite in process`,
    rows: [
      ['items stored (ours / PutItem loop)', `${ours.at(-1)!.stored} / ${baseline.at(-1)!.stored}`],
      ['BatchWriteItem calls (most of any round)', String(calls)],
      [`lower bound ceil(items / ${BATCH_SIZE})`, String(lowerBound)],
      ['ratio to lower bound', `${ratio.toFixed(2)} ${verdict(met, '= 1.00')}`],
      ['PutItem calls of the baseline', String(baseline.at(-1)!.calls)],
      [`writeValues, median of ${ROUNDS}`, `${oursMs.toFixed(0)} ms`],
      [`PutItem per item, median of ${ROUNDS}`, `${putItemMs.toFixed(0)} ms`],
      ['putitem ratio (PutItem loop / ours)', `${putItemRatio.toFixed(1)}x (reported)`],
    ],
    figures: {
      ratio_to_lower_bound: round(ratio, 2),
      putitem_ratio: round(putItemRatio, 1),
      items: ITEMS,
      batch_write_calls: calls,
      lower_bound_calls: lowerBound,
      putitem_calls: baseline.at(-1)!.calls,
      median_ms: { ours: round(oursMs, 0), putitem: round(putItemMs, 0) },
      targets: { ratio_to_lower_bound: TARGET_RATIO },
      met: { ratio_to_lower_bound: met },
    },
  };
}

/** Consecutive days from 2000-01-03 with seeded values: the same data on every run and for both sides. */
function goodValues(): GoodValue[] {
  const first = parseIsoDate('2000-01-03');
  const random = seededRandom(25);
  let value = 4;
  return Array.from({ length: ITEMS }, (_, index) => {
    value = Math.max(0.5, value + (random() - 0.5) * 0.1);
    return { day: first + index, value: Math.round(value * 10_000) / 10_000 };
  });
}

async function writeOurs(dynamo: BenchDynamo, values: readonly GoodValue[]): Promise<SideRun> {
  const tableName = await dynamo.freshTable('bench-batch');
  const store = createDynamoSeriesStore({
    tableName,
    client: dynamo.client,
    now: () => new Date(UPDATED_AT),
  });
  dynamo.calls.clear();
  const started = performance.now();
  const outcome = await store.writeValues(INFO_TYPE, SOURCE, values);
  const ms = performance.now() - started;
  if (outcome.unwritten.length > 0) throw new Error(`writeValues left ${outcome.unwritten.length} unwritten`);
  return { ms, calls: callsOf(dynamo.calls, 'BatchWriteItem'), stored: await stored(dynamo, tableName) };
}

/** The baseline as the original wrote it: one PutItem per item, each awaited before the next. */
async function writePutItems(dynamo: BenchDynamo, values: readonly GoodValue[]): Promise<SideRun> {
  const tableName = await dynamo.freshTable('bench-putitem');
  // The very same attribute maps the store writes, so both sides move the same bytes.
  const items = values.map(({ day, value }) =>
    toAttributeMap(okItem({ infoType: INFO_TYPE, day, value, source: SOURCE, updatedAt: UPDATED_AT })),
  );
  dynamo.calls.clear();
  const started = performance.now();
  for (const item of items)
    await dynamo.client.send(new PutItemCommand({ TableName: tableName, Item: item }));
  const ms = performance.now() - started;
  return { ms, calls: callsOf(dynamo.calls, 'PutItem'), stored: await stored(dynamo, tableName) };
}

async function stored(dynamo: BenchDynamo, tableName: string): Promise<number> {
  const count = await dynamo.countItems(tableName, INFO_TYPE);
  if (count !== ITEMS) throw new Error(`${tableName} holds ${count} items, expected ${ITEMS}`);
  return count;
}
