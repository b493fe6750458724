import { BatchWriteItemCommand, DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { toAttributeMap } from '@gapless/aws-adapters';
import { ensureResources, type LocalStackHandle } from '@gapless/local-stack';
import { expectedDates, okItem, type SeriesDefinition } from '@gapless/pipeline-core';
import { simulatedValue } from '@gapless/sources';

const BATCH_SIZE = 25;

/** Wall time, calls and item writes of plain sequential BatchWriteItem calls. */
export interface RawWrites {
  readonly ms: number;
  readonly calls: number;
  readonly items: number;
}

/** Where and what {@link rawBatchWrites} writes: `limit` keeps only the first items (warm-ups). */
export interface RawTarget {
  readonly stack: LocalStackHandle;
  /** The emulator itself, or the local stack's DynamoDB proxy in front of it. */
  readonly endpoint: string;
  /** A table of its own, created with the pipeline's schema. */
  readonly table: string;
  readonly catalog: readonly SeriesDefinition[];
  /** The time whose expected dates are written (the run's start, as the pipeline's). */
  readonly now: Date;
  /** Seeds the simulated values, as the pipeline's run is seeded. */
  readonly seed: number;
  readonly limit?: number;
}

/**
 * The straightforward way to store a backfill: the final OK item of every expected date, 25 per
 * BatchWriteItem, each call awaited, unprocessed items sent again. Only the calls are timed.
 */
export async function rawBatchWrites(target: RawTarget): Promise<RawWrites> {
  const { stack, catalog, now, seed } = target;
  const { tableName } = await ensureResources({
    dynamoEndpoint: stack.endpoints.dynamoDirect,
    sqsEndpoint: stack.endpoints.sqs,
    tableName: target.table,
  });
  const client = new DynamoDBClient({
    endpoint: target.endpoint,
    region: stack.region,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  const updatedAt = new Date().toISOString();
  const requests: WriteRequest[] = catalog
    .flatMap((series) =>
      Array.from(expectedDates(series, now), (day) => ({
        PutRequest: {
          Item: toAttributeMap(
            okItem({
              infoType: series.infoType,
              day,
              value: simulatedValue(seed, series, day),
              source: 'simulated',
              updatedAt,
            }),
          ),
        },
      })),
    )
    .slice(0, target.limit);
  try {
    let calls = 0;
    const started = performance.now();
    for (let first = 0; first < requests.length; first += BATCH_SIZE) {
      let pending = requests.slice(first, first + BATCH_SIZE);
      while (pending.length > 0) {
        calls += 1;
        const output = await client.send(
          new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }),
        );
        pending = output.UnprocessedItems?.[tableName] ?? [];
      }
    }
    return { ms: performance.now() - started, calls, items: requests.length };
  } finally {
    client.destroy();
  }
}

/** The same series under other partition keys of the same length (`BENCH#S1` -> `BENCH#R1`). */
export function renamed(catalog: readonly SeriesDefinition[]): SeriesDefinition[] {
  return catalog.map((series) => ({ ...series, infoType: series.infoType.replace('#S', '#R') }));
}
