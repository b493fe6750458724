import {
  BatchWriteItemCommand,
  QueryCommand,
  type AttributeValue,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import {
  chunkForBatchWrite,
  describeError,
  formatIsoDate,
  parseIsoDate,
  type Day,
  StoreError,
  okItem,
  type BatchWriteOutcome,
  type GoodValue,
  type SeriesStore,
  writeWithRetry,
} from '@gapless/pipeline-core';
import { attributeMapSize } from './itemSize.js';
import { createDynamoLedger } from './dynamoLedger.js';
import { createDynamoRetryPath } from './dynamoRetryPath.js';
import { toAttributeMap } from './itemAttributes.js';
import {
  callDynamo,
  createDynamoContext,
  queryAll,
  type DynamoContext,
  type DynamoTableOptions,
} from './dynamoContext.js';
import { tableDefinition } from './tableDefinition.js';

export interface DynamoSeriesStoreOptions extends DynamoTableOptions {
  /** Back-off of the BatchWriteItem loop, for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
}

type Item = Record<string, AttributeValue>;
const { partitionKey: PK, sortKey: SK, watermarkPartition } = tableDefinition;
const { through: THROUGH, updatedAt: UPDATED_AT } = tableDefinition.attributes;

/** What the write loop left of a batch write: the items themselves, which the caller names its own way. */
interface BatchPutResult {
  readonly unwritten: Item[];
  readonly calls: number;
  readonly retriedItems: number;
}

/**
 * The `SeriesStore` on DynamoDB. Reads are keyed Queries (never a Scan); values go through
 * BatchWriteItem in 25s with the core's write loop; single-item changes are conditional so that a good
 * value is never overwritten by a missing one. A batch write returns what it could not store as `unwritten`
 * (unprocessed to the end, or in a chunk whose calls kept failing); it throws a `StoreError` only when it
 * stored nothing because every call failed. Every other SDK failure is a `StoreError` with the SDK's as cause.
 */
export function createDynamoSeriesStore(options: DynamoSeriesStoreOptions): SeriesStore {
  const context = createDynamoContext(options);
  const sleep = options.sleep;

  const batchPut = async (items: Item[]): Promise<BatchPutResult> => {
    const result = await writeWithRetry(items, (chunk) => sendBatch(context, chunk), {
      chunk: (pending) => chunkForBatchWrite(pending, attributeMapSize),
      ...(sleep ? { sleep } : {}),
    });
    // A partial write is an outcome (the caller records or re-queues the rest); a write that stored nothing
    // because every call failed means DynamoDB is unavailable or refusing, and that is an error.
    const lastError = result.errors.at(-1);
    if (lastError !== undefined && items.length > 0 && result.unwritten.length === items.length) {
      throw new StoreError(
        'BatchWriteItem',
        `none of ${items.length} items written in ${result.calls} calls; last: ${describeError(lastError)}`,
        { cause: lastError },
      );
    }
    return { unwritten: result.unwritten, calls: result.calls, retriedItems: result.retriedItems };
  };

  return {
    ...createDynamoRetryPath(context),
    ...createDynamoLedger(context),

    async readWatermarks() {
      // One partition holds every series' watermark: one paginated Query, consistent as the last run wrote it.
      const rows = await queryAll(context, {
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': PK },
        ExpressionAttributeValues: { ':pk': { S: watermarkPartition } },
        ConsistentRead: true,
      });
      const watermarks = new Map<string, Day>();
      for (const row of rows) {
        const infoType = row[SK]?.S;
        const through = row[THROUGH]?.S;
        if (infoType !== undefined && through !== undefined) watermarks.set(infoType, parseIsoDate(through));
      }
      return watermarks;
    },

    async writeWatermarks(watermarks) {
      const updatedAt = context.now().toISOString();
      const items = [...watermarks].map(([infoType, through]) => ({
        [PK]: { S: watermarkPartition },
        [SK]: { S: infoType },
        [THROUGH]: { S: formatIsoDate(through) },
        [UPDATED_AT]: { S: updatedAt },
      }));
      const result = await batchPut(items);
      return { unwritten: result.unwritten.map((item) => item[SK]?.S ?? ''), calls: result.calls };
    },

    presentDays: (infoType, from, to) => presentDays(context, infoType, from, to),

    async writeValues(infoType, source, values: readonly GoodValue[]) {
      const updatedAt = context.now().toISOString();
      // BatchWriteItem refuses a call that names one key twice; the last value of a day wins, as in memory.
      const byDay = new Map(values.map(({ day, value }) => [day, value]));
      const result = await batchPut(
        [...byDay].map(([day, value]) => toAttributeMap(okItem({ infoType, day, value, source, updatedAt }))),
      );
      return {
        unwritten: result.unwritten.map((item) => parseIsoDate(item[SK]?.S)),
        calls: result.calls,
        unprocessedRetries: result.retriedItems,
      } satisfies BatchWriteOutcome;
    },
  };
}

async function presentDays(
  context: DynamoContext,
  infoType: string,
  from?: Day,
  to?: Day,
): Promise<Int32Array> {
  // A range that ends before it starts holds no date (DynamoDB refuses such a BETWEEN).
  if (from !== undefined && to !== undefined && from > to) return new Int32Array(0);
  // Sort keys are ISO dates, so the bounds compare as strings; an open end takes the lowest/highest string.
  const range =
    from === undefined && to === undefined
      ? ''
      : from !== undefined && to !== undefined
        ? ' AND #date BETWEEN :from AND :to'
        : from !== undefined
          ? ' AND #date >= :from'
          : ' AND #date <= :to';
  const input: QueryCommandInput = {
    TableName: context.tableName,
    KeyConditionExpression: `#pk = :pk${range}`,
    ExpressionAttributeNames: { '#pk': PK, '#date': SK },
    ExpressionAttributeValues: {
      ':pk': { S: infoType },
      ...(from === undefined ? {} : { ':from': { S: formatIsoDate(from) } }),
      ...(to === undefined ? {} : { ':to': { S: formatIsoDate(to) } }),
    },
    ProjectionExpression: '#date',
    ReturnConsumedCapacity: 'TOTAL',
  };
  let days = new Int32Array(1024);
  let count = 0;
  let startKey: Item | undefined;
  do {
    const page = await callDynamo('Query', () =>
      context.client.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey })),
    );
    context.consumed(page.ConsumedCapacity?.CapacityUnits ?? 0, 'Query');
    for (const row of page.Items ?? []) {
      if (count === days.length) {
        const grown = new Int32Array(days.length * 2);
        grown.set(days);
        days = grown;
      }
      days[count++] = parseIsoDate(row[SK]?.S);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return days.slice(0, count);
}

async function sendBatch(context: DynamoContext, chunk: Item[]): Promise<Item[]> {
  // Not translated here: the write loop keeps what a call threw, and `batchPut` reports the SDK's own error.
  const output = await context.client.send(
    new BatchWriteItemCommand({
      RequestItems: { [context.tableName]: chunk.map((entry) => ({ PutRequest: { Item: entry } })) },
      ReturnConsumedCapacity: 'TOTAL',
    }),
  );
  for (const used of output.ConsumedCapacity ?? [])
    context.consumed(used.CapacityUnits ?? 0, 'BatchWriteItem');
  const unprocessed = output.UnprocessedItems?.[context.tableName] ?? [];
  return unprocessed.flatMap((request) => (request.PutRequest?.Item ? [request.PutRequest.Item] : []));
}
