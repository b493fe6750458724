import {
  BatchWriteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type BatchWriteItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { fc, test } from '@fast-check/vitest';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { formatIsoDate, parseIsoDate, type Day, type GoodValue, StoreError } from '@gapless/pipeline-core';
import { createDynamoSeriesStore } from './dynamoSeriesStore.js';

type Item = Record<string, AttributeValue>;

const tableName = 'gapless-test';
const now = new Date('2024-03-01T12:00:00.000Z');
const dynamo = mockClient(DynamoDBClient);

function makeStore() {
  const sleeps: number[] = [];
  const consumed: [string, number][] = [];
  const store = createDynamoSeriesStore({
    tableName,
    client: new DynamoDBClient({ region: 'us-east-1' }),
    now: () => now,
    sleep: async (ms) => void sleeps.push(ms),
    onConsumedCapacity: (units, operation) => void consumed.push([operation, units]),
  });
  return { store, sleeps, consumed };
}

/** `count` consecutive days from `iso`. */
function makeDays(iso: string, count: number): Day[] {
  const first = parseIsoDate(iso);
  return Array.from({ length: count }, (_, index) => first + index);
}

/** Good values for `days`, so the batch-write loop has something to write. */
function makeValues(days: readonly Day[]): GoodValue[] {
  return days.map((day, index) => ({ day, value: 4 + index / 100 }));
}

function throttled(): ProvisionedThroughputExceededException {
  return new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
}

/** The items of every BatchWriteItem call, in call order. */
function sentBatches(): Item[][] {
  return dynamo
    .commandCalls(BatchWriteItemCommand)
    .map((call) =>
      (call.args[0].input.RequestItems?.[tableName] ?? []).map((request) => request.PutRequest?.Item ?? {}),
    );
}

function datesOf(items: Item[]): string[] {
  return items.map((item) => item['date']?.S ?? '?');
}

function unprocessed(items: Item[]) {
  return { UnprocessedItems: { [tableName]: items.map((Item) => ({ PutRequest: { Item } })) } };
}

beforeEach(() => {
  dynamo.reset();
  dynamo.on(BatchWriteItemCommand).resolves({ UnprocessedItems: {} });
});

describe('createDynamoSeriesStore: watermarks', () => {
  /** A watermark item as the store writes it. */
  const watermarkItem = (infoType: string, through: string): Item => ({
    info_type: { S: 'META#WATERMARK' },
    date: { S: infoType },
    through: { S: through },
    updated_at: { S: now.toISOString() },
  });

  it('reads every watermark with one consistent Query of META#WATERMARK, following its pages', async () => {
    // Prepare
    dynamo
      .on(QueryCommand)
      .resolvesOnce({
        Items: [watermarkItem('CURRENCY#USD', '2024-02-29')],
        LastEvaluatedKey: { info_type: { S: 'META#WATERMARK' }, date: { S: 'CURRENCY#USD' } },
        ConsumedCapacity: { CapacityUnits: 0.5 },
      })
      .resolvesOnce({ Items: [watermarkItem('CURRENCY#EUR', '2024-03-01')] });
    const { store, consumed } = makeStore();

    // Act
    const watermarks = await store.readWatermarks();

    // Assess
    expect(watermarks).toEqual(
      new Map([
        ['CURRENCY#USD', parseIsoDate('2024-02-29')],
        ['CURRENCY#EUR', parseIsoDate('2024-03-01')],
      ]),
    );
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 2);
    expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, 1, {
      TableName: tableName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'info_type' },
      ExpressionAttributeValues: { ':pk': { S: 'META#WATERMARK' } },
      ConsistentRead: true,
      ReturnConsumedCapacity: 'TOTAL',
    });
    expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, 2, {
      ExclusiveStartKey: { info_type: { S: 'META#WATERMARK' }, date: { S: 'CURRENCY#USD' } },
    });
    expect(dynamo).not.toHaveReceivedCommand(GetItemCommand);
    expect(consumed).toEqual([
      ['Query', 0.5],
      ['Query', 0],
    ]);
  });

  it('answers an empty map when no watermark was written', async () => {
    // Prepare
    dynamo.on(QueryCommand).resolves({ Items: [] });
    const { store } = makeStore();

    // Act
    const watermarks = await store.readWatermarks();

    // Assess
    expect(watermarks).toEqual(new Map());
  });

  it('writes watermarks as ISO dates with the time of the write, 25 per BatchWriteItem', async () => {
    // Prepare
    const { store } = makeStore();
    const watermarks = new Map(
      Array.from({ length: 30 }, (_, index): [string, Day] => [
        `CURRENCY#S${String(index).padStart(2, '0')}`,
        parseIsoDate('2024-02-29'),
      ]),
    );

    // Act
    const outcome = await store.writeWatermarks(watermarks);

    // Assess
    expect(outcome).toEqual({ unwritten: [], calls: 2 });
    expect(sentBatches().map((batch) => batch.length)).toEqual([25, 5]);
    expect(sentBatches()[0]?.[0]).toEqual(watermarkItem('CURRENCY#S00', '2024-02-29'));
  });

  it('sends unprocessed watermarks again and names the series it could not write', async () => {
    // Prepare
    const usd = watermarkItem('CURRENCY#USD', '2024-02-29');
    const eur = watermarkItem('CURRENCY#EUR', '2024-02-29');
    dynamo.on(BatchWriteItemCommand).callsFake((input: BatchWriteItemCommandInput) => {
      const items = (input.RequestItems?.[tableName] ?? []).map((request) => request.PutRequest?.Item ?? {});
      return unprocessed(items.filter((item) => item['date']?.S === 'CURRENCY#EUR'));
    });
    const { store, sleeps } = makeStore();

    // Act
    const outcome = await store.writeWatermarks(
      new Map([
        ['CURRENCY#USD', parseIsoDate('2024-02-29')],
        ['CURRENCY#EUR', parseIsoDate('2024-02-29')],
      ]),
    );

    // Assess
    expect(outcome).toEqual({ unwritten: ['CURRENCY#EUR'], calls: 8 });
    expect(sentBatches()[0]).toEqual([usd, eur]);
    expect(sentBatches().slice(1)).toEqual(Array.from({ length: 7 }, () => [eur]));
    expect(sleeps).toHaveLength(7);
  });

  it('makes no call for no watermark', async () => {
    // Prepare
    const { store } = makeStore();

    // Act
    const outcome = await store.writeWatermarks(new Map());

    // Assess
    expect(outcome).toEqual({ unwritten: [], calls: 0 });
    expect(dynamo).not.toHaveReceivedCommand(BatchWriteItemCommand);
  });
});

describe('createDynamoSeriesStore: presentDays', () => {
  it('queries the partition from a date on, projecting only the aliased date', async () => {
    // Prepare
    dynamo
      .on(QueryCommand)
      .resolves({ Items: [{ date: { S: '2024-01-02' } }, { date: { S: '2024-01-03' } }] });
    const { store } = makeStore();

    // Act
    const days = await store.presentDays('CURRENCY#USD', parseIsoDate('2024-01-01'));

    // Assess
    expect(Array.from(days)).toEqual(makeDays('2024-01-02', 2));
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(QueryCommand, {
      TableName: tableName,
      KeyConditionExpression: '#pk = :pk AND #date >= :from',
      ExpressionAttributeNames: { '#pk': 'info_type', '#date': 'date' },
      ExpressionAttributeValues: { ':pk': { S: 'CURRENCY#USD' }, ':from': { S: '2024-01-01' } },
      ProjectionExpression: '#date',
      ReturnConsumedCapacity: 'TOTAL',
      ExclusiveStartKey: undefined,
    });
  });

  it('reads the whole partition when no date is given (audit)', async () => {
    // Prepare
    dynamo.on(QueryCommand).resolves({ Items: [] });
    const { store } = makeStore();

    // Act
    const days = await store.presentDays('CURRENCY#USD');

    // Assess
    expect(days).toHaveLength(0);
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'info_type', '#date': 'date' },
      ExpressionAttributeValues: { ':pk': { S: 'CURRENCY#USD' } },
    });
  });

  it('bounds the range on both ends with BETWEEN when `to` is given too', async () => {
    // Prepare
    dynamo.on(QueryCommand).resolves({ Items: [{ date: { S: '2024-01-05' } }] });
    const { store } = makeStore();

    // Act
    const days = await store.presentDays(
      'CURRENCY#USD',
      parseIsoDate('2024-01-02'),
      parseIsoDate('2024-01-31'),
    );

    // Assess
    expect(Array.from(days)).toEqual([parseIsoDate('2024-01-05')]);
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(QueryCommand, {
      KeyConditionExpression: '#pk = :pk AND #date BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#pk': 'info_type', '#date': 'date' },
      ExpressionAttributeValues: {
        ':pk': { S: 'CURRENCY#USD' },
        ':from': { S: '2024-01-02' },
        ':to': { S: '2024-01-31' },
      },
      ProjectionExpression: '#date',
    });
  });

  it('reads up to `to` only when no start is given', async () => {
    // Prepare
    dynamo.on(QueryCommand).resolves({ Items: [] });
    const { store } = makeStore();

    // Act
    await store.presentDays('CURRENCY#USD', undefined, parseIsoDate('2024-01-31'));

    // Assess
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(QueryCommand, {
      KeyConditionExpression: '#pk = :pk AND #date <= :to',
      ExpressionAttributeValues: { ':pk': { S: 'CURRENCY#USD' }, ':to': { S: '2024-01-31' } },
    });
  });

  it('follows LastEvaluatedKey page after page and keeps every date (past the initial buffer)', async () => {
    // Prepare
    const dates = makeDays('2000-01-01', 3000).map(formatIsoDate);
    const page = (from: number, to: number) => dates.slice(from, to).map((date) => ({ date: { S: date } }));
    const lastKey = (date: string) => ({ info_type: { S: 'CURRENCY#USD' }, date: { S: date } });
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: page(0, 1500), LastEvaluatedKey: lastKey(dates[1499] ?? '') })
      .resolvesOnce({ Items: page(1500, 2999), LastEvaluatedKey: lastKey(dates[2998] ?? '') })
      .resolvesOnce({ Items: page(2999, 3000), ConsumedCapacity: { CapacityUnits: 0.5 } });
    const { store, consumed } = makeStore();

    // Act
    const days = await store.presentDays('CURRENCY#USD');

    // Assess
    expect(Array.from(days)).toEqual(makeDays('2000-01-01', 3000));
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 3);
    expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, 2, {
      ExclusiveStartKey: lastKey(dates[1499] ?? ''),
    });
    expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, 3, {
      ExclusiveStartKey: lastKey(dates[2998] ?? ''),
    });
    expect(consumed).toEqual([
      ['Query', 0],
      ['Query', 0],
      ['Query', 0.5],
    ]);
  });

  it('turns a failed Query into a StoreError that keeps the SDK error as cause', async () => {
    // Prepare
    const failure = throttled();
    dynamo.on(QueryCommand).rejects(failure);
    const { store } = makeStore();

    // Act
    const error = await store.presentDays('CURRENCY#USD').catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ operation: 'Query', cause: failure });
  });
});

describe('createDynamoSeriesStore: batch writes', () => {
  it('writes values in calls of at most 25, in order', async () => {
    // Prepare
    const days = makeDays('2024-01-01', 60);
    const { store } = makeStore();

    // Act
    const outcome = await store.writeValues('CURRENCY#USD', 'bcb-sgs', makeValues(days));

    // Assess
    expect(outcome).toEqual({ unwritten: [], calls: 3, unprocessedRetries: 0 });
    expect(sentBatches().map((items) => items.length)).toEqual([25, 25, 10]);
    expect(
      sentBatches()
        .flat()
        .map((item) => item['date']?.S),
    ).toEqual(days.map(formatIsoDate));
    expect(
      sentBatches()
        .flat()
        .every((item) => item['status']?.S === 'OK'),
    ).toBe(true);
    expect(dynamo).toHaveReceivedCommandWith(BatchWriteItemCommand, { ReturnConsumedCapacity: 'TOTAL' });
  });

  it('writes good values as OK items with their source and no index attributes', async () => {
    // Prepare
    const { store } = makeStore();

    // Act
    const outcome = await store.writeValues('CURRENCY#USD', 'bcb-sgs', [
      { day: parseIsoDate('2024-01-02'), value: 4.8916 },
    ]);

    // Assess
    expect(outcome).toEqual({ unwritten: [], calls: 1, unprocessedRetries: 0 });
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(BatchWriteItemCommand, {
      RequestItems: {
        [tableName]: [
          {
            PutRequest: {
              Item: {
                info_type: { S: 'CURRENCY#USD' },
                date: { S: '2024-01-02' },
                value: { N: '4.8916' },
                status: { S: 'OK' },
                retry_count: { N: '0' },
                updated_at: { S: now.toISOString() },
                source: { S: 'bcb-sgs' },
              },
            },
          },
        ],
      },
      ReturnConsumedCapacity: 'TOTAL',
    });
  });

  it('makes no call for nothing to write', async () => {
    // Prepare
    const { store } = makeStore();

    // Act
    const outcome = await store.writeValues('CURRENCY#USD', 'bcb-sgs', []);

    // Assess
    expect(outcome).toEqual({ unwritten: [], calls: 0, unprocessedRetries: 0 });
    expect(dynamo).toHaveReceivedCommandTimes(BatchWriteItemCommand, 0);
  });

  it('sends UnprocessedItems again, and only them, after a back-off', async () => {
    // Prepare
    dynamo
      .on(BatchWriteItemCommand)
      .callsFakeOnce((input: BatchWriteItemCommandInput) => {
        const items = (input.RequestItems?.[tableName] ?? []).map(
          (request) => request.PutRequest?.Item ?? {},
        );
        return unprocessed(items.slice(7, 10));
      })
      .resolves({ UnprocessedItems: {} });
    const { store, sleeps } = makeStore();

    // Act
    const outcome = await store.writeValues(
      'CURRENCY#USD',
      'bcb-sgs',
      makeValues(makeDays('2024-01-01', 10)),
    );

    // Assess
    expect(outcome).toEqual({ unwritten: [], calls: 2, unprocessedRetries: 3 });
    expect(datesOf(sentBatches()[1] ?? [])).toEqual(['2024-01-08', '2024-01-09', '2024-01-10']);
    expect(sleeps).toHaveLength(1);
  });

  it('returns as unwritten the days DynamoDB never processed, without throwing', async () => {
    // Prepare
    dynamo.on(BatchWriteItemCommand).callsFake((input: BatchWriteItemCommandInput) => {
      const items = (input.RequestItems?.[tableName] ?? []).map((request) => request.PutRequest?.Item ?? {});
      return unprocessed(items.filter((item) => item['date']?.S === '2024-01-03'));
    });
    const { store, sleeps } = makeStore();

    // Act
    const outcome = await store.writeValues('CURRENCY#USD', 'bcb-sgs', makeValues(makeDays('2024-01-01', 5)));

    // Assess
    expect(outcome.unwritten).toEqual([parseIsoDate('2024-01-03')]);
    expect(outcome.calls).toBe(8);
    expect(sleeps).toHaveLength(7);
  });

  it('sends a throttled chunk again and reports nothing unwritten once it gets through', async () => {
    // Prepare
    dynamo.on(BatchWriteItemCommand).rejectsOnce(throttled()).resolves({ UnprocessedItems: {} });
    const { store } = makeStore();

    // Act
    const outcome = await store.writeValues('CURRENCY#USD', 'bcb-sgs', makeValues(makeDays('2024-01-01', 3)));

    // Assess
    expect(outcome).toEqual({ unwritten: [], calls: 2, unprocessedRetries: 3 });
    expect(sentBatches()[1]).toEqual(sentBatches()[0]);
  });

  it('throws a StoreError with the SDK error as cause when throttling never lets anything through', async () => {
    // Prepare
    const failure = throttled();
    dynamo.on(BatchWriteItemCommand).rejects(failure);
    const { store } = makeStore();

    // Act
    const error = await store
      .writeValues('CURRENCY#USD', 'bcb-sgs', makeValues(makeDays('2024-01-01', 3)))
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ operation: 'BatchWriteItem', cause: failure });
    expect((error as Error).message).toContain('ProvisionedThroughputExceededException');
    expect(dynamo).toHaveReceivedCommandTimes(BatchWriteItemCommand, 8);
  });

  it('returns the rest as unwritten when a later chunk keeps failing after the first one was written', async () => {
    // Prepare
    dynamo
      .on(BatchWriteItemCommand)
      .resolvesOnce({ UnprocessedItems: {} })
      .rejects(new Error('socket hang up'));
    const days = makeDays('2024-01-01', 30);
    const { store } = makeStore();

    // Act
    const outcome = await store.writeValues('CURRENCY#USD', 'bcb-sgs', makeValues(days));

    // Assess
    expect(outcome.unwritten).toEqual(days.slice(25));
    expect(
      sentBatches()
        .slice(1)
        .every((items) => items.length === 5),
    ).toBe(true);
  });

  test.prop([fc.integer({ min: 0, max: 90 }), fc.infiniteStream(fc.boolean())])(
    'every day ends written or unwritten, never both, never lost, in calls of at most 25',
    async (count, processes) => {
      // Prepare
      dynamo.reset();
      const written = new Set<string>();
      dynamo.on(BatchWriteItemCommand).callsFake((input: BatchWriteItemCommandInput) => {
        const items = (input.RequestItems?.[tableName] ?? []).map(
          (request) => request.PutRequest?.Item ?? {},
        );
        const left = items.filter(() => !processes.next().value);
        for (const item of items) if (!left.includes(item)) written.add(item['date']?.S ?? '?');
        return unprocessed(left);
      });
      const days = makeDays('2024-01-01', count);
      const { store } = makeStore();

      // Act
      const outcome = await store.writeValues('CURRENCY#USD', 'bcb-sgs', makeValues(days));

      // Assess
      const unwritten = outcome.unwritten.map(formatIsoDate);
      expect(unwritten.filter((date) => written.has(date))).toEqual([]);
      expect([...written, ...unwritten].sort()).toEqual(days.map(formatIsoDate));
      expect(sentBatches().every((items) => items.length <= 25)).toBe(true);
    },
  );
});

describe('createDynamoSeriesStore: the work ledger', () => {
  it('has the ledger and the retry path on the same table, clock and capacity sink', async () => {
    // Prepare
    dynamo.on(PutItemCommand).resolves({ ConsumedCapacity: { CapacityUnits: 1 } });
    dynamo.on(UpdateItemCommand).resolves({ ConsumedCapacity: { CapacityUnits: 1 } });
    const { store, consumed } = makeStore();

    // Act
    const opened = await store.openLease({
      infoType: 'CURRENCY#USD',
      id: 'lease-1',
      first: parseIsoDate('2024-01-02'),
      last: parseIsoDate('2024-01-31'),
      retryDue: '2024-03-01T13:00:00.000Z',
    });
    const recorded = await store.recordFailure('CURRENCY#USD', {
      day: parseIsoDate('2024-01-02'),
      error: 'HTTP 504',
      attempts: 1,
      retryDue: '2024-03-01T13:00:00.000Z',
      token: 'delivery-a',
    });

    // Assess
    expect([opened, recorded]).toEqual([true, 'recorded']);
    expect(dynamo).toHaveReceivedCommandWith(PutItemCommand, {
      TableName: tableName,
      Item: expect.objectContaining({
        info_type: { S: 'LEASE#CURRENCY#USD' },
        updated_at: { S: now.toISOString() },
      }),
    });
    expect(dynamo).toHaveReceivedCommandWith(UpdateItemCommand, {
      TableName: tableName,
      ExpressionAttributeValues: expect.objectContaining({
        ':now': { S: now.toISOString() },
        ':token': { S: 'delivery-a' },
      }),
    });
    expect(consumed).toEqual([
      ['PutItem', 1],
      ['UpdateItem', 1],
    ]);
  });

  it("releases under a token of the store's clock (released:<now>), which no delivery holds", async () => {
    // Prepare
    dynamo.on(UpdateItemCommand).resolves({});
    const { store } = makeStore();

    // Act
    const released = await store.release(
      'CURRENCY#USD',
      parseIsoDate('2024-01-02'),
      '2024-03-01T12:00:00.000Z',
    );

    // Assess
    expect(released).toBe(true);
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateItemCommand, {
      TableName: tableName,
      ExpressionAttributeValues: expect.objectContaining({
        ':released': { S: `released:${now.toISOString()}` },
      }),
    });
  });

  it('no longer writes placeholders or CLAIM# items (the ledger replaced them)', () => {
    // Prepare
    const { store } = makeStore();

    // Act
    const methods = Object.keys(store);

    // Assess
    expect(methods).not.toContain('writePlaceholders');
    expect(methods).not.toContain('claimAttempt');
    expect(methods).not.toContain('spendRetry');
  });
});
