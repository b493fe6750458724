import {
  BatchWriteItemCommand,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import {
  chunkForBatchWrite,
  FILE_SOURCE_PREFIX,
  formatIsoDate,
  ItemStatus,
  okItem,
  parseIsoDate,
  writeWithRetry,
  type Day,
  type DayRange,
  type FileRowItem,
  type FileRowStore,
  type StoredDay,
  type StoredDays,
} from '@gapless/pipeline-core';
import {
  callDynamo,
  createDynamoContext,
  isConditionFailure,
  queryPages,
  storeError,
  type DynamoContext,
  type DynamoTableOptions,
} from './dynamoContext.js';
import { toAttributeMap } from './itemAttributes.js';
import { attributeMapSize } from './itemSize.js';
import { SortedStoredDays } from './sortedStoredDays.js';
import { tableDefinition } from './tableDefinition.js';

export interface DynamoFileRowStoreOptions extends DynamoTableOptions {
  /** Back-off of the BatchWriteItem loop, for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
}

type Item = Record<string, AttributeValue>;
const { partitionKey: PK, sortKey: SK, attributes: A, leasePrefix } = tableDefinition;
const STATUSES: readonly string[] = Object.values(ItemStatus);

/**
 * The `FileRowStore` on DynamoDB: a series' stored items over a range in one paginated, consistent Query
 * (projecting only what a decision needs, kept in typed arrays), its leases in one Query of their partition,
 * new items in BatchWriteItem calls of 25 through the core's write loop, and replacements as conditional
 * PutItems that hold only if the item is still what was read.
 */
export function createDynamoFileRowStore(options: DynamoFileRowStoreOptions): FileRowStore {
  const context = createDynamoContext(options);
  const itemOf = (row: FileRowItem): Item =>
    toAttributeMap(
      okItem({
        infoType: row.infoType,
        day: row.day,
        value: row.value,
        source: row.source,
        updatedAt: context.now().toISOString(),
      }),
    );

  return {
    readStored: (infoType, from, to) => readStored(context, infoType, from, to),

    async leaseRanges(infoType) {
      const ranges: DayRange[] = [];
      await queryPages(
        context,
        {
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': PK, '#date': SK, '#last': A.lastDate },
          ExpressionAttributeValues: { ':pk': { S: `${leasePrefix}${infoType}` } },
          ProjectionExpression: '#date, #last',
          ConsistentRead: true,
        },
        (rows) => {
          for (const row of rows) {
            const first = parseIsoDate(row[SK]?.S);
            const last = row[A.lastDate]?.S;
            ranges.push({ first, last: last === undefined ? first : parseIsoDate(last) });
          }
        },
      );
      return ranges;
    },

    async writeNew(rows) {
      const items = rows.map((row) => ({ row, item: itemOf(row) }));
      const result = await writeWithRetry(items, (chunk) => sendBatch(context, chunk), {
        chunk: (pending) => chunkForBatchWrite(pending, (entry) => attributeMapSize(entry.item)),
        ...(options.sleep ? { sleep: options.sleep } : {}),
      });
      const lastError = result.errors.at(-1);
      if (lastError !== undefined && rows.length > 0 && result.unwritten.length === rows.length) {
        throw storeError('BatchWriteItem', lastError);
      }
      return {
        unwritten: result.unwritten.map((entry) => entry.row),
        calls: result.calls,
        itemWrites: rows.length + result.retriedItems,
      };
    },

    async replace(row, expected) {
      const condition = conditionFor(expected);
      try {
        await context.client.send(
          new PutItemCommand({ TableName: context.tableName, Item: itemOf(row), ...condition }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw storeError('PutItem', error);
      }
    },

    async readOne(infoType, day) {
      const output = await callDynamo('GetItem', () =>
        context.client.send(
          new GetItemCommand({
            TableName: context.tableName,
            Key: { [PK]: { S: infoType }, [SK]: { S: formatIsoDate(day) } },
            ConsistentRead: true,
            ProjectionExpression: '#status, #value, #source',
            ExpressionAttributeNames: { '#status': A.status, '#value': A.value, '#source': A.source },
          }),
        ),
      );
      return output.Item === undefined ? undefined : storedDayOf(output.Item, infoType, formatIsoDate(day));
    },
  };
}

/**
 * The condition that a replacement holds only over what was read: no item; any item that is not OK (a value
 * is welcome on every other status, and the retry path's own writes are conditional on the date not being
 * OK, so none of them can undo this one); or an OK item with that very value.
 */
function conditionFor(expected: StoredDay | undefined): {
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
} {
  if (expected === undefined) {
    return { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': PK } };
  }
  if (expected.status !== ItemStatus.Ok) {
    return {
      ConditionExpression: 'attribute_exists(#pk) AND #status <> :ok',
      ExpressionAttributeNames: { '#pk': PK, '#status': A.status },
      ExpressionAttributeValues: { ':ok': { S: ItemStatus.Ok } },
    };
  }
  return {
    ConditionExpression: '#status = :ok AND #value = :seen',
    ExpressionAttributeNames: { '#status': A.status, '#value': A.value },
    ExpressionAttributeValues: {
      ':ok': { S: ItemStatus.Ok },
      ':seen': { N: String((expected.value ?? 0) + 0) },
    },
  };
}

function storedDayOf(row: Item, infoType: string, date: string): StoredDay {
  const status = row[A.status]?.S;
  if (status === undefined || !STATUSES.includes(status)) {
    throw storeError(
      'Query',
      `item ${infoType}#${date} has no known ${A.status} (${JSON.stringify(row[A.status])})`,
    );
  }
  const number = row[A.value]?.N;
  return {
    status: status as ItemStatus,
    value: number === undefined ? null : Number(number),
    fromFile: row[A.source]?.S?.startsWith(FILE_SOURCE_PREFIX) ?? false,
  };
}

async function readStored(context: DynamoContext, infoType: string, from: Day, to: Day): Promise<StoredDays> {
  const stored = new SortedStoredDays();
  if (from > to) return stored;
  await queryPages(
    context,
    {
      KeyConditionExpression: '#pk = :pk AND #date BETWEEN :from AND :to',
      ExpressionAttributeNames: {
        '#pk': PK,
        '#date': SK,
        '#status': A.status,
        '#value': A.value,
        '#source': A.source,
      },
      ExpressionAttributeValues: {
        ':pk': { S: infoType },
        ':from': { S: formatIsoDate(from) },
        ':to': { S: formatIsoDate(to) },
      },
      ProjectionExpression: '#date, #status, #value, #source',
      ConsistentRead: true,
    },
    // Sort keys are ISO dates: DynamoDB returns them in date order, which the binary search relies on.
    (rows) =>
      stored.addBlock(
        rows.map((row) => {
          const date = row[SK]?.S ?? '';
          return [parseIsoDate(date), storedDayOf(row, infoType, date)] as const;
        }),
      ),
  );
  return stored;
}

async function sendBatch<T extends { item: Item }>(context: DynamoContext, chunk: T[]): Promise<T[]> {
  // Not translated here: the write loop keeps what a call threw, and `writeNew` reports the SDK's own error.
  const output = await context.client.send(
    new BatchWriteItemCommand({
      RequestItems: { [context.tableName]: chunk.map((entry) => ({ PutRequest: { Item: entry.item } })) },
    }),
  );
  const unprocessed = output.UnprocessedItems?.[context.tableName] ?? [];
  if (unprocessed.length === 0) return [];
  // DynamoDB hands back the items themselves; match them to the rows by key.
  const keys = new Set(unprocessed.map((request) => keyOf(request.PutRequest?.Item ?? {})));
  return chunk.filter((entry) => keys.has(keyOf(entry.item)));
}

function keyOf(item: Item): string {
  return `${item[PK]?.S}\u0000${item[SK]?.S}`;
}
