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
  const failure = {
    day,
    error: 'HTTP 504',
    attempts: 3,
    retryDue: '2024-03-01T13:00:00.000Z',
    token: 'delivery-a',
  };

  it('sets RETRY with its attempts, retries spent, error, token and index keys, only if attempts do not go down', async () => {
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
        'SET #status = :retry, #value = :null, #attempts = :attempts, #retryCount = :count, ' +
        '#lastError = :error, #updatedAt = :now, #retryShard = :shard, #retryDue = :due, #claimToken = :token',
      ConditionExpression:
        'attribute_not_exists(#status) OR (#status IN (:pending, :retry) AND ' +
        '(attribute_not_exists(#claimToken) OR #claimToken = :token) AND ' +
        '(#attempts <= :attempts OR (attribute_not_exists(#attempts) AND #retryCount < :attempts)))',
      ExpressionAttributeNames: {
        '#status': 'status',
        '#value': 'value',
        '#attempts': 'attempts',
        '#retryCount': 'retry_count',
        '#lastError': 'last_error',
        '#updatedAt': 'updated_at',
        '#retryShard': 'retry_shard',
        '#retryDue': 'retry_due',
        '#claimToken': 'claim_token',
      },
      ExpressionAttributeValues: {
        ':pending': { S: 'PENDING' },
        ':retry': { S: 'RETRY' },
        ':null': { NULL: true },
        ':attempts': { N: '3' },
        ':count': { N: '2' },
        ':error': { S: 'HTTP 504' },
        ':shard': { S: retryShard },
        ':due': { S: '2024-03-01T13:00:00.000Z' },
        ':token': { S: 'delivery-a' },
        ':now': { S: now.toISOString() },
      },
      ReturnConsumedCapacity: 'TOTAL',
    });
    expect(consumed).toEqual([['UpdateItem', 1]]);
  });

  it.each([
    [1, '0'],
    [0, '0'],
  ])('records attempts %i as %s retries spent (never below 0)', async (attempts, retryCount) => {
    // Prepare
    const { attention } = makeAttention();

    // Act
    await attention.recordFailure(series, { ...failure, attempts });

    // Assess
    expect(dynamo).toHaveReceivedCommandWith(UpdateItemCommand, {
      ExpressionAttributeValues: expect.objectContaining({
        ':attempts': { N: String(attempts) },
        ':count': { N: retryCount },
      }),
    });
  });

  it('leaves an OK or QUARANTINED item, or one further on, alone (the condition refuses it)', async () => {
    // Prepare
    dynamo.on(UpdateItemCommand).rejects(conditionFailed());
    const { attention } = makeAttention();

    // Act
    const outcome = await attention.recordFailure(series, failure);

    // Assess
    expect(outcome).toBe('left-alone');
  });

  it("leaves alone a report from another delivery's token: the condition asks for its token or none", async () => {
    // Prepare: the date is claimed by delivery-b, so DynamoDB refuses delivery-a's report
    dynamo
      .on(UpdateItemCommand, { ExpressionAttributeValues: { ':token': { S: 'delivery-b' } } })
      .resolves({});
    dynamo
      .on(UpdateItemCommand, { ExpressionAttributeValues: { ':token': { S: 'delivery-a' } } })
      .rejects(conditionFailed());
    const { attention } = makeAttention();

    // Act
    const stale = await attention.recordFailure(series, { ...failure, attempts: 4 });
    const current = await attention.recordFailure(series, { ...failure, attempts: 4, token: 'delivery-b' });

    // Assess
    expect([stale, current]).toEqual(['left-alone', 'recorded']);
    const conditions = dynamo
      .commandCalls(UpdateItemCommand)
      .map((call) => call.args[0].input.ConditionExpression);
    expect(conditions).toHaveLength(2);
    for (const condition of conditions)
      expect(condition).toContain('(attribute_not_exists(#claimToken) OR #claimToken = :token)');
  });

  it("leaves alone a report from before a release: the released token is no delivery's", async () => {
    // Prepare: release wrote claim_token = released:<now>; the report carries the token it claimed with
    dynamo
      .on(UpdateItemCommand, { ConditionExpression: '#status = :quarantined' })
      .resolves({})
      .on(UpdateItemCommand, { ExpressionAttributeValues: { ':token': { S: 'delivery-a' } } })
      .rejects(conditionFailed());
    const { attention } = makeAttention();
    await attention.release(series, day, '2024-03-01T12:00:00.000Z');

    // Act
    const outcome = await attention.recordFailure(series, { ...failure, attempts: 6 });

    // Assess
    expect(outcome).toBe('left-alone');
    const [release, report] = dynamo.commandCalls(UpdateItemCommand).map((call) => call.args[0].input);
    expect(release?.ExpressionAttributeValues?.[':released']).toEqual({ S: `released:${now.toISOString()}` });
    expect(report?.ExpressionAttributeValues?.[':token']).toEqual({ S: 'delivery-a' });
    expect(report?.ExpressionAttributeValues?.[':token']).not.toEqual(
      release?.ExpressionAttributeValues?.[':released'],
    );
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

describe('deferRetry', () => {
  it('pushes retry_due only if retry_count is still `from` and the item is still due and on the retry path', async () => {
    // Prepare
    const { attention } = makeAttention();

    // Act
    const deferred = await attention.deferRetry(
      series,
      day,
      3,
      '2024-03-01T12:00:00.000Z',
      '2024-03-01T12:30:00.000Z',
    );

    // Assess
    expect(deferred).toBe(true);
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateItemCommand, {
      TableName: tableName,
      Key: key,
      UpdateExpression: 'SET #retryDue = :due, #updatedAt = :now',
      ConditionExpression: '#retryCount = :from AND #retryDue <= :asOf AND #status IN (:pending, :retry)',
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
        ':asOf': { S: '2024-03-01T12:00:00.000Z' },
        ':due': { S: '2024-03-01T12:30:00.000Z' },
        ':now': { S: now.toISOString() },
      },
      ReturnConsumedCapacity: 'TOTAL',
    });
  });

  it('counts nothing: it never writes attempts or retry_count', async () => {
    // Prepare
    const { attention } = makeAttention();

    // Act
    await attention.deferRetry(series, day, 0, 'now', 'later');

    // Assess
    const input = dynamo.commandCalls(UpdateItemCommand)[0]?.args[0].input;
    expect(input?.UpdateExpression).not.toMatch(/#retryCount|#attempts/);
  });

  it('answers false when another run deferred it first (or the item left the retry path)', async () => {
    // Prepare
    dynamo.on(UpdateItemCommand).resolvesOnce({}).rejects(conditionFailed());
    const { attention } = makeAttention();

    // Act
    const first = await attention.deferRetry(series, day, 0, 'now', 'later');
    const second = await attention.deferRetry(series, day, 0, 'now', 'later');

    // Assess
    expect([first, second]).toEqual([true, false]);
  });

  it('turns any other failure into a StoreError', async () => {
    // Prepare
    dynamo.on(UpdateItemCommand).rejects(new InternalServerError({ message: 'boom', $metadata: {} }));
    const { attention } = makeAttention();

    // Act
    const deferral = attention.deferRetry(series, day, 0, 'now', 'later');

    // Assess
    await expect(deferral).rejects.toMatchObject({ name: 'StoreError', operation: 'UpdateItem' });
  });
});

describe('quarantine', () => {
  it('sets QUARANTINED (value NULL if absent) with the quarantined index keys and removes the retry-due ones', async () => {
    // Prepare: 1 + MAX_RETRIES = 6
    const { attention } = makeAttention();

    // Act
    const done = await attention.quarantine(series, day, 'HTTP 500', 6);

    // Assess
    expect(done).toBe(true);
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateItemCommand, {
      TableName: tableName,
      Key: key,
      UpdateExpression:
        'SET #status = :quarantined, #value = if_not_exists(#value, :null), #lastError = :error, ' +
        '#retryCount = :count, #updatedAt = :now, #quarantineShard = :shard, #quarantineKey = :key ' +
        'REMOVE #retryShard, #retryDue',
      ConditionExpression:
        'attribute_not_exists(#status) OR (#status IN (:pending, :retry) AND (#attempts >= :max OR ' +
        '(attribute_not_exists(#attempts) AND #retryCount >= :count)))',
      ExpressionAttributeNames: {
        '#status': 'status',
        '#value': 'value',
        '#retryCount': 'retry_count',
        '#lastError': 'last_error',
        '#updatedAt': 'updated_at',
        '#retryShard': 'retry_shard',
        '#retryDue': 'retry_due',
        '#quarantineShard': 'quarantine_shard',
        '#quarantineKey': 'quarantine_key',
        '#attempts': 'attempts',
      },
      ExpressionAttributeValues: {
        ':pending': { S: 'PENDING' },
        ':retry': { S: 'RETRY' },
        ':quarantined': { S: 'QUARANTINED' },
        ':null': { NULL: true },
        ':error': { S: 'HTTP 500' },
        ':max': { N: '6' },
        ':count': { N: '5' },
        ':shard': { S: quarantineShard },
        ':key': { S: 'CURRENCY#USD#2024-01-02' },
        ':now': { S: now.toISOString() },
      },
      ReturnConsumedCapacity: 'TOTAL',
    });
  });

  it.each([
    [6, '5'],
    [1, '0'],
    [0, '0'],
  ])(
    'asks for maxAttempts %i made, or retry_count %s on an item before the ledger, and writes that retry_count',
    async (maxAttempts, retryCount) => {
      // Prepare
      const { attention } = makeAttention();

      // Act
      await attention.quarantine(series, day, 'HTTP 500', maxAttempts);

      // Assess
      expect(dynamo).toHaveReceivedCommandWith(UpdateItemCommand, {
        ExpressionAttributeValues: expect.objectContaining({
          ':max': { N: String(maxAttempts) },
          ':count': { N: retryCount },
        }),
      });
    },
  );

  it('never writes attempts: a quarantined date keeps the attempts it made', async () => {
    // Prepare
    const { attention } = makeAttention();

    // Act
    await attention.quarantine(series, day, 'HTTP 500', 6);

    // Assess
    const input = dynamo.commandCalls(UpdateItemCommand)[0]?.args[0].input;
    expect(input?.UpdateExpression).not.toContain('#attempts');
  });

  it('answers false for an item that is not PENDING or RETRY (an OK value is never quarantined)', async () => {
    // Prepare
    dynamo.on(UpdateItemCommand).rejects(conditionFailed());
    const { attention } = makeAttention();

    // Act
    const done = await attention.quarantine(series, day, 'HTTP 500', 6);

    // Assess
    expect(done).toBe(false);
  });

  it('answers false for a date with attempts left, such as one just released (the condition refuses it)', async () => {
    // Prepare: the item has attempts 0 (released) or fewer than maxAttempts; DynamoDB refuses
    dynamo.on(UpdateItemCommand).rejects(conditionFailed());
    const { attention } = makeAttention();

    // Act
    const done = await attention.quarantine(series, day, 'HTTP 500', 6);

    // Assess
    expect(done).toBe(false);
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateItemCommand, {
      ConditionExpression: expect.stringContaining('#attempts >= :max'),
    });
  });

  it('turns any other failure into a StoreError', async () => {
    // Prepare
    dynamo.on(UpdateItemCommand).rejects(new InternalServerError({ message: 'boom', $metadata: {} }));
    const { attention } = makeAttention();

    // Act
    const quarantining = attention.quarantine(series, day, 'HTTP 500', 6);

    // Assess
    await expect(quarantining).rejects.toMatchObject({ name: 'StoreError', operation: 'UpdateItem' });
  });
});

describe('release', () => {
  it('puts a QUARANTINED or ABSENT item back on the retry-due index with its full budget (attempts 0, no absences), under a fresh token', async () => {
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
        'SET #status = :retry, #retryCount = :zero, #attempts = :zero, #retryShard = :shard, #retryDue = :due, ' +
        '#updatedAt = :now, #claimToken = :released REMOVE #quarantineShard, #quarantineKey, #absentAttempts',
      ConditionExpression: '#status IN (:quarantined, :absent)',
      ExpressionAttributeNames: {
        '#status': 'status',
        '#retryCount': 'retry_count',
        '#updatedAt': 'updated_at',
        '#retryShard': 'retry_shard',
        '#retryDue': 'retry_due',
        '#quarantineShard': 'quarantine_shard',
        '#quarantineKey': 'quarantine_key',
        '#attempts': 'attempts',
        '#claimToken': 'claim_token',
        '#absentAttempts': 'absent_attempts',
      },
      ExpressionAttributeValues: {
        ':retry': { S: 'RETRY' },
        ':quarantined': { S: 'QUARANTINED' },
        ':absent': { S: 'ABSENT' },
        ':zero': { N: '0' },
        ':shard': { S: retryShard },
        ':due': { S: '2024-03-01T12:00:00.000Z' },
        ':released': { S: 'released:2024-03-01T12:00:00.000Z' },
        ':now': { S: now.toISOString() },
      },
      ReturnConsumedCapacity: 'TOTAL',
    });
  });

  it('keeps last_error and value as they are: it neither sets nor removes them', async () => {
    // Prepare
    const { attention } = makeAttention();

    // Act
    await attention.release(series, day, '2024-03-01T12:00:00.000Z');

    // Assess
    const input = dynamo.commandCalls(UpdateItemCommand)[0]?.args[0].input;
    expect(input?.UpdateExpression).not.toMatch(/#lastError|#value/);
    expect(input?.ExpressionAttributeNames).not.toHaveProperty('#lastError');
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
    expect(due).toEqual({
      dates: [
        { infoType: series, day, status: 'PENDING', retryCount: 0 },
        {
          infoType: 'CURRENCY#EUR',
          day: parseIsoDate('2024-01-05'),
          status: 'RETRY',
          retryCount: 2,
          lastError: 'HTTP 504',
        },
      ],
      leases: [],
    });
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

  it('splits LEASE# rows into leases, named by their series and first date', async () => {
    // Prepare
    dynamo.on(QueryCommand, { ExpressionAttributeValues: { ':shard': { S: 'RETRY#5' } } }).resolves({
      Items: [
        { info_type: { S: 'LEASE#CURRENCY#USD' }, date: { S: '2024-01-08' }, status: { S: 'LEASE' } },
        makeRow(series, '2024-01-02', { status: { S: 'RETRY' }, retry_count: { N: '1' } }),
        { info_type: { S: 'LEASE#SELIC' }, date: { S: '2024-02-01' }, status: { S: 'LEASE' } },
      ],
    });
    const { attention } = makeAttention();

    // Act
    const due = await attention.dueItems(now.toISOString());

    // Assess
    expect(due.dates).toEqual([{ infoType: series, day, status: 'RETRY', retryCount: 1 }]);
    expect(due.leases).toEqual([
      { infoType: series, first: parseIsoDate('2024-01-08') },
      { infoType: 'SELIC', first: parseIsoDate('2024-02-01') },
    ]);
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
  it('queries every shard of the quarantined index, tells ABSENT from QUARANTINED, sorts by series then date', async () => {
    // Prepare
    dynamo
      .on(QueryCommand, { ExpressionAttributeValues: { ':shard': { S: 'QUARANTINE#2' } } })
      .resolves({
        Items: [makeRow(series, '2024-01-09', { retry_count: { N: '5' }, status: { S: 'ABSENT' } })],
      })
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
      { infoType: 'CURRENCY#EUR', day: parseIsoDate('2024-02-01'), status: 'QUARANTINED', retryCount: 0 },
      {
        infoType: series,
        day,
        status: 'QUARANTINED',
        retryCount: 0,
        lastError: 'HTTP 500',
        updatedAt: 'then',
      },
      { infoType: series, day: parseIsoDate('2024-01-09'), status: 'ABSENT', retryCount: 5 },
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
