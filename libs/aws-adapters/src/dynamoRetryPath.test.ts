import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  InternalServerError,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseIsoDate, StoreError } from '@gapless/pipeline-core';
import { createDynamoRetryPath } from './dynamoRetryPath.js';
import type { DynamoContext } from './dynamoContext.js';
import { shardOf } from './shard.js';

type Item = Record<string, AttributeValue>;

const tableName = 'gapless-test';
const now = new Date('2024-03-01T12:00:00.000Z');
const series = 'CURRENCY#USD';
const day = parseIsoDate('2024-01-02');
const key = { info_type: { S: series }, date: { S: '2024-01-02' } };
const retryShard = `RETRY#${shardOf(series, '2024-01-02')}`;
const quarantineShard = `QUARANTINE#${shardOf(series, '2024-01-02')}`;
const dynamo = mockClient(DynamoDBClient);

function makeAttention() {
  const consumed: [string, number][] = [];
  const context: DynamoContext = {
    client: new DynamoDBClient({ region: 'us-east-1' }),
    tableName,
    now: () => now,
    consumed: (units, operation) => void consumed.push([operation, units]),
  };
  return { attention: createDynamoRetryPath(context), consumed };
}

function conditionFailed(): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
}

/** A row of a sparse index as a Query returns it (table keys plus the projected attributes). */
function makeRow(infoType: string, date: string, fields: Item = {}): Item {
  return { info_type: { S: infoType }, date: { S: date }, retry_count: { N: '0' }, ...fields };
}

beforeEach(() => {
  dynamo.reset();
  dynamo.on(UpdateItemCommand).resolves({});
  dynamo.on(QueryCommand).resolves({ Items: [] });
});

describe('recordFailure', () => {
  const failure = { day, error: 'HTTP 504', retryCount: 2, retryDue: '2024-03-01T13:00:00.000Z' };

  it('sets RETRY with its error and index keys, only on a missing, PENDING or RETRY item not further on', async () => {
    // Prepare
    dynamo.on(UpdateItemCommand).resolves({ ConsumedCapacity: { CapacityUnits: 1 } });
    const { attention, consumed } = makeAttention();

    // Act
    const outcome = await attention.recordFailure(series, failure);

    // Assess
    expect(outcome).toBe('recorded');
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateItemCommand, {
      TableName: tableName,
      Key: key,
      UpdateExpression:
        'SET #status = :retry, #value = :null, #retryCount = :count, #lastError = :error, #updatedAt = :now, ' +
        '#retryShard = :shard, #retryDue = :due',
      ConditionExpression:
        'attribute_not_exists(#status) OR (#status IN (:pending, :retry) AND #retryCount <= :count)',
      ExpressionAttributeNames: {
        '#status': 'status',
        '#value': 'value',
        '#retryCount': 'retry_count',
        '#lastError': 'last_error',
        '#updatedAt': 'updated_at',
        '#retryShard': 'retry_shard',
        '#retryDue': 'retry_due',
      },
      ExpressionAttributeValues: {
        ':pending': { S: 'PENDING' },
        ':retry': { S: 'RETRY' },
        ':null': { NULL: true },
        ':count': { N: '2' },
        ':error': { S: 'HTTP 504' },
        ':shard': { S: retryShard },
        ':due': { S: '2024-03-01T13:00:00.000Z' },
        ':now': { S: now.toISOString() },
      },
      ReturnConsumedCapacity: 'TOTAL',
    });
    expect(consumed).toEqual([['UpdateItem', 1]]);
  });

  it('leaves an OK or QUARANTINED item alone (the condition refuses it)', async () => {
    // Prepare
    dynamo.on(UpdateItemCommand).rejects(conditionFailed());
    const { attention } = makeAttention();

    // Act
    const outcome = await attention.recordFailure(series, failure);

    // Assess
    expect(outcome).toBe('left-alone');
  });

  it('clips a long error to 1000 characters without splitting a surrogate pair', async () => {
    // Prepare
    const { attention } = makeAttention();

    // Act
    await attention.recordFailure(series, { ...failure, error: `${'x'.repeat(999)}😀 and more` });

    // Assess
    const values = dynamo.commandCalls(UpdateItemCommand)[0]?.args[0].input.ExpressionAttributeValues;
    expect(values?.[':error']).toEqual({ S: 'x'.repeat(999) });
  });

  it('turns any other failure into a StoreError with the SDK error as cause', async () => {
    // Prepare
    const cause = new InternalServerError({ message: 'boom', $metadata: {} });
    dynamo.on(UpdateItemCommand).rejects(cause);
    const { attention } = makeAttention();

    // Act
    const error = await attention.recordFailure(series, failure).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ operation: 'UpdateItem', cause });
  });
});

describe('spendRetry', () => {
  it('moves retry_count from `from` to `from + 1` and pushes retry_due, only if nobody did it first', async () => {
    // Prepare
    const { attention } = makeAttention();

    // Act
    const spent = await attention.spendRetry(series, day, 3, '2024-03-01T12:30:00.000Z');

    // Assess
    expect(spent).toBe(true);
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateItemCommand, {
      TableName: tableName,
      Key: key,
      UpdateExpression: 'SET #status = :retry, #retryCount = :to, #retryDue = :due, #updatedAt = :now',
      ConditionExpression: '#retryCount = :from AND #status IN (:pending, :retry)',
      ExpressionAttributeNames: {
        '#status': 'status',
        '#retryCount': 'retry_count',
        '#updatedAt': 'updated_at',
        '#retryDue': 'retry_due',
      },
      ExpressionAttributeValues: {
        ':pending': { S: 'PENDING' },
        ':retry': { S: 'RETRY' },
        ':from': { N: '3' },
        ':to': { N: '4' },
        ':due': { S: '2024-03-01T12:30:00.000Z' },
        ':now': { S: now.toISOString() },
      },
      ReturnConsumedCapacity: 'TOTAL',
    });
  });

  it('answers false when the retry was spent already (or the item left the retry path)', async () => {
    // Prepare
    dynamo.on(UpdateItemCommand).resolvesOnce({}).rejects(conditionFailed());
    const { attention } = makeAttention();

    // Act
    const first = await attention.spendRetry(series, day, 0, 'due');
    const second = await attention.spendRetry(series, day, 0, 'due');

    // Assess
    expect([first, second]).toEqual([true, false]);
  });
});

describe('quarantine', () => {
  it('sets QUARANTINED with the quarantined index keys and removes the retry-due ones', async () => {
    // Prepare
    const { attention } = makeAttention();

    // Act
    const done = await attention.quarantine(series, day, 'HTTP 500', 5);

    // Assess
    expect(done).toBe(true);
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateItemCommand, {
      TableName: tableName,
      Key: key,
      UpdateExpression:
        'SET #status = :quarantined, #lastError = :error, #retryCount = :count, #updatedAt = :now, ' +
        '#quarantineShard = :shard, #quarantineKey = :key REMOVE #retryShard, #retryDue',
      ConditionExpression: '#status IN (:pending, :retry)',
      ExpressionAttributeNames: {
        '#status': 'status',
        '#retryCount': 'retry_count',
        '#lastError': 'last_error',
        '#updatedAt': 'updated_at',
        '#retryShard': 'retry_shard',
        '#retryDue': 'retry_due',
        '#quarantineShard': 'quarantine_shard',
        '#quarantineKey': 'quarantine_key',
      },
      ExpressionAttributeValues: {
        ':pending': { S: 'PENDING' },
        ':retry': { S: 'RETRY' },
        ':quarantined': { S: 'QUARANTINED' },
        ':error': { S: 'HTTP 500' },
        ':count': { N: '5' },
        ':shard': { S: quarantineShard },
        ':key': { S: 'CURRENCY#USD#2024-01-02' },
        ':now': { S: now.toISOString() },
      },
      ReturnConsumedCapacity: 'TOTAL',
    });
  });

  it('answers false for an item that is not PENDING or RETRY (an OK value is never quarantined)', async () => {
    // Prepare
    dynamo.on(UpdateItemCommand).rejects(conditionFailed());
    const { attention } = makeAttention();

    // Act
    const done = await attention.quarantine(series, day, 'HTTP 500', 5);

    // Assess
    expect(done).toBe(false);
  });
});

describe('release', () => {
  it('puts a QUARANTINED item back on the retry-due index with a fresh budget', async () => {
    // Prepare
    const { attention } = makeAttention();

    // Act
    const released = await attention.release(series, day, '2024-03-01T12:00:00.000Z');

    // Assess
    expect(released).toBe(true);
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateItemCommand, {
      TableName: tableName,
      Key: key,
      UpdateExpression:
        'SET #status = :retry, #retryCount = :zero, #retryShard = :shard, #retryDue = :due, #updatedAt = :now ' +
        'REMOVE #quarantineShard, #quarantineKey',
      ConditionExpression: '#status = :quarantined',
      ExpressionAttributeNames: {
        '#status': 'status',
        '#retryCount': 'retry_count',
        '#updatedAt': 'updated_at',
        '#retryShard': 'retry_shard',
        '#retryDue': 'retry_due',
        '#quarantineShard': 'quarantine_shard',
        '#quarantineKey': 'quarantine_key',
      },
      ExpressionAttributeValues: {
        ':retry': { S: 'RETRY' },
        ':quarantined': { S: 'QUARANTINED' },
        ':zero': { N: '0' },
        ':shard': { S: retryShard },
        ':due': { S: '2024-03-01T12:00:00.000Z' },
        ':now': { S: now.toISOString() },
      },
      ReturnConsumedCapacity: 'TOTAL',
    });
  });

  it('answers false for an item that is not quarantined', async () => {
    // Prepare
    dynamo.on(UpdateItemCommand).rejects(conditionFailed());
    const { attention } = makeAttention();

    // Act
    const released = await attention.release(series, day, 'due');

    // Assess
    expect(released).toBe(false);
  });
});

describe('dueItems', () => {
  it('queries every shard of the retry-due index up to now, following pages', async () => {
    // Prepare
    const lastKey = { retry_shard: { S: 'RETRY#3' }, retry_due: { S: 'a' }, ...key };
    dynamo.on(QueryCommand).resolves({ Items: [] });
    dynamo
      .on(QueryCommand, {
        ExpressionAttributeValues: { ':shard': { S: 'RETRY#3' }, ':now': { S: now.toISOString() } },
      })
      .resolvesOnce({
        Items: [makeRow(series, '2024-01-02', { status: { S: 'PENDING' } })],
        LastEvaluatedKey: lastKey,
      })
      .resolvesOnce({
        Items: [
          makeRow('CURRENCY#EUR', '2024-01-05', {
            status: { S: 'RETRY' },
            retry_count: { N: '2' },
            last_error: { S: 'HTTP 504' },
          }),
        ],
      });
    const { attention } = makeAttention();

    // Act
    const due = await attention.dueItems(now.toISOString());

    // Assess
    expect(due).toEqual([
      { infoType: series, day, status: 'PENDING', retryCount: 0 },
      {
        infoType: 'CURRENCY#EUR',
        day: parseIsoDate('2024-01-05'),
        status: 'RETRY',
        retryCount: 2,
        lastError: 'HTTP 504',
      },
    ]);
    const shardsAsked = dynamo
      .commandCalls(QueryCommand)
      .map((call) => call.args[0].input.ExpressionAttributeValues?.[':shard']?.S);
    expect([...new Set(shardsAsked)].sort()).toEqual(
      Array.from({ length: 8 }, (_, shard) => `RETRY#${shard}`),
    );
    expect(shardsAsked).toHaveLength(9);
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      TableName: tableName,
      IndexName: 'retry-due',
      KeyConditionExpression: '#shard = :shard AND #sk <= :now',
      ExpressionAttributeNames: { '#shard': 'retry_shard', '#sk': 'retry_due' },
      ExpressionAttributeValues: { ':shard': { S: 'RETRY#3' }, ':now': { S: now.toISOString() } },
      ExclusiveStartKey: lastKey,
      ReturnConsumedCapacity: 'TOTAL',
    });
  });

  it('turns a failed Query into a StoreError', async () => {
    // Prepare
    dynamo.on(QueryCommand).rejects(new InternalServerError({ message: 'boom', $metadata: {} }));
    const { attention } = makeAttention();

    // Act
    const listing = attention.dueItems(now.toISOString());

    // Assess
    await expect(listing).rejects.toBeInstanceOf(StoreError);
  });
});

describe('listQuarantined', () => {
  it('queries every shard of the quarantined index and sorts by series then date', async () => {
    // Prepare
    dynamo
      .on(QueryCommand, { ExpressionAttributeValues: { ':shard': { S: 'QUARANTINE#2' } } })
      .resolves({ Items: [makeRow(series, '2024-01-09', { retry_count: { N: '5' } })] })
      .on(QueryCommand, { ExpressionAttributeValues: { ':shard': { S: 'QUARANTINE#6' } } })
      .resolves({
        Items: [
          makeRow(series, '2024-01-02', { last_error: { S: 'HTTP 500' }, updated_at: { S: 'then' } }),
          makeRow('CURRENCY#EUR', '2024-02-01'),
        ],
      });
    const { attention } = makeAttention();

    // Act
    const listed = await attention.listQuarantined();

    // Assess
    expect(listed).toEqual([
      { infoType: 'CURRENCY#EUR', day: parseIsoDate('2024-02-01'), retryCount: 0 },
      { infoType: series, day, retryCount: 0, lastError: 'HTTP 500', updatedAt: 'then' },
      { infoType: series, day: parseIsoDate('2024-01-09'), retryCount: 5 },
    ]);
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 8);
    for (let shard = 0; shard < 8; shard += 1) {
      expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, shard + 1, {
        TableName: tableName,
        IndexName: 'quarantined',
        KeyConditionExpression: '#shard = :shard',
        ExpressionAttributeNames: { '#shard': 'quarantine_shard' },
        ExpressionAttributeValues: { ':shard': { S: `QUARANTINE#${shard}` } },
      });
    }
  });

  it('narrows every shard to one series with begins_with on info_type#', async () => {
    // Prepare
    const { attention } = makeAttention();

    // Act
    await attention.listQuarantined(series);

    // Assess
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 8);
    expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, 5, {
      IndexName: 'quarantined',
      KeyConditionExpression: '#shard = :shard AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#shard': 'quarantine_shard', '#sk': 'quarantine_key' },
      ExpressionAttributeValues: { ':shard': { S: 'QUARANTINE#4' }, ':prefix': { S: 'CURRENCY#USD#' } },
    });
  });
});
