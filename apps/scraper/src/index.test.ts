import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { toAttributeMap } from '@gapless/aws-adapters';
import { checkSentActions } from '@gapless/aws-adapters/testing/sent-actions';
import { formatIsoDate, ItemStatus, maxDatesPerMessage, parseIsoDate } from '@gapless/pipeline-core';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lambdaContext, scraperEnvironment, sqsEvent, sqsRecord, workBody } from '../tests/sqsEvent.js';

const dynamo = mockClient(DynamoDBClient);
// The actions its role must grant, exactly: tools/infra's tests hold the role to this record.
checkSentActions(new URL('../sent-actions.json', import.meta.url), { dynamodb: dynamo });
const tableName = 'gapless-test';
const now = '2024-02-01T12:00:00.000Z';
/** The in-flight timeout's default (one hour) after `now`. */
const inflightDue = '2024-02-01T13:00:00.000Z';
/** The delivery token the function draws (`crypto.randomUUID()`, pinned by the tests). */
const token = '0b7c1a52-8f3e-4d21-9a6b-000000000001';
const leaseId = 'lease-1';
const week = ['2024-01-08', '2024-01-09', '2024-01-10', '2024-01-11', '2024-01-12'];

function stubEnvironment(overrides: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries({ ...scraperEnvironment, ...overrides }))
    vi.stubEnv(name, value);
}

/** Imports the function afresh, so its module-scope init reads the stubbed environment. */
async function loadHandler() {
  vi.resetModules();
  return (await import('./index.js')).handler;
}

/** The `date`s of every item written by BatchWriteItem, with their status. */
function batchWritten(): string[] {
  return dynamo
    .commandCalls(BatchWriteItemCommand)
    .flatMap((call) => call.args[0].input.RequestItems?.[tableName] ?? [])
    .map(
      (request) => `${request.PutRequest?.Item?.['info_type']?.S} ${request.PutRequest?.Item?.['date']?.S}`,
    );
}

/** The commands sent to DynamoDB, in order, as `Command partition date`. */
function commandOrder(): string[] {
  return dynamo.calls().map((call) => {
    const command = call.args[0] as unknown as {
      constructor: { name: string };
      input: Record<string, unknown>;
    };
    const key = (command.input['Key'] ?? {}) as Record<string, AttributeValue>;
    const name = command.constructor.name.replace(/Command$/, '');
    return key['info_type'] === undefined ? name : `${name} ${key['info_type'].S} ${key['date']?.S}`;
  });
}

/** A RETRY item as the table holds it, with the attempts it has made. */
function retryRow(date: string, attempts: number): Record<string, AttributeValue> {
  return {
    ...toAttributeMap({
      infoType: 'CURRENCY#USD',
      day: parseIsoDate(date),
      value: null,
      status: ItemStatus.Retry,
      retryCount: attempts - 1,
      lastError: 'bcb-sgs: HTTP 503',
      updatedAt: '2024-02-01T10:00:00.000Z',
      retryDue: '2024-02-01T11:00:00.000Z',
    }),
    attempts: { N: String(attempts) },
  };
}

/** The shard of the retry-due index a series item lands on (the adapter's rule). */
function retryShardOf(date: string): string {
  return retryRow(date, 1)['retry_shard']?.S ?? '';
}

/** The shard of the quarantined index a series item lands on (the adapter's rule). */
function quarantineShardOf(date: string): string {
  const row = toAttributeMap({
    infoType: 'CURRENCY#USD',
    day: parseIsoDate(date),
    value: null,
    status: ItemStatus.Quarantined,
    retryCount: 0,
    updatedAt: now,
  });
  return row['quarantine_shard']?.S ?? '';
}

const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(now));
  vi.spyOn(globalThis.crypto, 'randomUUID').mockReturnValue(token);
  dynamo.reset();
  dynamo.on(PutItemCommand).resolves({});
  dynamo.on(BatchWriteItemCommand).resolves({ UnprocessedItems: {} });
  dynamo.on(UpdateItemCommand).resolves({});
  dynamo.on(DeleteItemCommand).resolves({});
  dynamo.on(QueryCommand).resolves({ Items: [] });
  dynamo.on(GetItemCommand).resolves({});
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('scraper handler', () => {
  it("answers an event with no records (the deploy's smoke event) with no failure and no call", async () => {
    // Prepare
    stubEnvironment();
    const handler = await loadHandler();

    // Act
    const response = await handler(sqsEvent([]), lambdaContext);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(dynamo).not.toHaveReceivedAnyCommand();
  });

  it('reports exactly the bad records in batchItemFailures and processes the good ones', async () => {
    // Prepare
    stubEnvironment();
    const handler = await loadHandler();
    const event = sqsEvent([
      sqsRecord(workBody('CURRENCY#USD', week, 0, leaseId), { messageId: 'good-usd' }),
      sqsRecord('{"partition_key":"CURRENCY#USD"', { messageId: 'not-json' }),
      sqsRecord(workBody('CURRENCY#XYZ', week, 0, leaseId), { messageId: 'retired-series' }),
      sqsRecord(workBody('CURRENCY#EUR', ['2024-01-13'], 0, leaseId), { messageId: 'saturday' }),
      sqsRecord(workBody('CURRENCY#EUR', ['2024-01-15', '2024-01-16'], 1), { messageId: 'good-eur' }),
    ]);

    // Act
    const response = await handler(event, lambdaContext);

    // Assess
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: 'not-json' }, { itemIdentifier: 'saturday' }],
    });
    expect(batchWritten().sort()).toEqual(
      [
        ...week.map((date) => `CURRENCY#USD ${date}`),
        'CURRENCY#EUR 2024-01-15',
        'CURRENCY#EUR 2024-01-16',
      ].sort(),
    );
  });

  it("claims the lease's first request with a conditional UpdateItem before downloading, and deletes the lease after writing", async () => {
    // Prepare
    stubEnvironment();
    const handler = await loadHandler();

    // Act
    await handler(
      sqsEvent([sqsRecord(workBody('CURRENCY#USD', week, 0, leaseId), { messageId: 'm1' })]),
      lambdaContext,
    );

    // Assess
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateItemCommand, {
      TableName: tableName,
      Key: { info_type: { S: 'LEASE#CURRENCY#USD' }, date: { S: '2024-01-08' } },
      UpdateExpression: 'SET #asks = :one, #askToken = :token, #retryDue = :due, #updatedAt = :now',
      ConditionExpression: '#leaseId = :id AND #asks = :zero',
      ExpressionAttributeNames: {
        '#asks': 'asks',
        '#askToken': 'ask_token',
        '#retryDue': 'retry_due',
        '#updatedAt': 'updated_at',
        '#leaseId': 'lease_id',
      },
      ExpressionAttributeValues: {
        ':one': { N: '1' },
        ':zero': { N: '0' },
        ':token': { S: token },
        ':due': { S: inflightDue },
        ':now': { S: now },
        ':id': { S: leaseId },
      },
    });
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(DeleteItemCommand, {
      TableName: tableName,
      Key: { info_type: { S: 'LEASE#CURRENCY#USD' }, date: { S: '2024-01-08' } },
      ConditionExpression: '#leaseId = :id',
      ExpressionAttributeNames: { '#leaseId': 'lease_id' },
      ExpressionAttributeValues: { ':id': { S: leaseId } },
    });
    expect(commandOrder()).toEqual([
      'UpdateItem LEASE#CURRENCY#USD 2024-01-08',
      'BatchWriteItem',
      'DeleteItem LEASE#CURRENCY#USD 2024-01-08',
    ]);
  });

  it('claims one more attempt on each date of a retry with a conditional UpdateItem on the state it read', async () => {
    // Prepare
    stubEnvironment();
    dynamo
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': { S: 'CURRENCY#USD' } } })
      .resolves({ Items: [retryRow('2024-01-08', 1)] });
    const handler = await loadHandler();

    // Act
    await handler(
      sqsEvent([sqsRecord(workBody('CURRENCY#USD', ['2024-01-08'], 1), { messageId: 'm1' })]),
      lambdaContext,
    );

    // Assess
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      TableName: tableName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'info_type' },
      ExpressionAttributeValues: { ':pk': { S: 'LEASE#CURRENCY#USD' } },
    });
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      TableName: tableName,
      KeyConditionExpression: '#pk = :pk AND #date BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#pk': 'info_type', '#date': 'date' },
      ExpressionAttributeValues: {
        ':pk': { S: 'CURRENCY#USD' },
        ':from': { S: '2024-01-08' },
        ':to': { S: '2024-01-08' },
      },
      ConsistentRead: true,
    });
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateItemCommand, {
      TableName: tableName,
      Key: { info_type: { S: 'CURRENCY#USD' }, date: { S: '2024-01-08' } },
      UpdateExpression:
        'SET #status = :retry, #value = if_not_exists(#value, :null), #attempts = :attempts, ' +
        '#retryCount = :count, #claimToken = :token, #retryShard = :shard, #retryDue = :due, #updatedAt = :now',
      ConditionExpression: '#status = :seenStatus AND #attempts = :seenAttempts',
      ExpressionAttributeNames: {
        '#status': 'status',
        '#value': 'value',
        '#attempts': 'attempts',
        '#retryCount': 'retry_count',
        '#claimToken': 'claim_token',
        '#retryShard': 'retry_shard',
        '#retryDue': 'retry_due',
        '#updatedAt': 'updated_at',
      },
      ExpressionAttributeValues: {
        ':retry': { S: 'RETRY' },
        ':null': { NULL: true },
        ':attempts': { N: '2' },
        ':count': { N: '1' },
        ':token': { S: token },
        ':shard': { S: retryShardOf('2024-01-08') },
        ':due': { S: inflightDue },
        ':now': { S: now },
        ':seenStatus': { S: 'RETRY' },
        ':seenAttempts': { N: '1' },
      },
    });
    expect(commandOrder()).toEqual([
      'Query',
      'Query',
      'UpdateItem CURRENCY#USD 2024-01-08',
      'BatchWriteItem',
    ]);
  });

  it('records a failed attempt with a conditional UpdateItem only the delivery that claimed the date may win', async () => {
    // Prepare
    stubEnvironment({ SIMULATED_FAULTS: '{"error":1}' });
    dynamo
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': { S: 'CURRENCY#USD' } } })
      .resolves({ Items: [retryRow('2024-01-08', 1)] });
    const handler = await loadHandler();

    // Act
    const response = await handler(
      sqsEvent([sqsRecord(workBody('CURRENCY#USD', ['2024-01-08'], 1), { messageId: 'm1' })]),
      lambdaContext,
    );

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    // The first UpdateItem claims attempt 2 (as in the test above); the second records its failure.
    expect(dynamo).toHaveReceivedCommandTimes(UpdateItemCommand, 2);
    expect(dynamo).toHaveReceivedNthCommandWith(UpdateItemCommand, 2, {
      TableName: tableName,
      Key: { info_type: { S: 'CURRENCY#USD' }, date: { S: '2024-01-08' } },
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
        '#retryCount': 'retry_count',
        '#lastError': 'last_error',
        '#updatedAt': 'updated_at',
        '#retryShard': 'retry_shard',
        '#retryDue': 'retry_due',
        '#attempts': 'attempts',
        '#claimToken': 'claim_token',
      },
      ExpressionAttributeValues: {
        ':pending': { S: 'PENDING' },
        ':retry': { S: 'RETRY' },
        ':null': { NULL: true },
        ':attempts': { N: '2' },
        ':count': { N: '1' },
        ':error': { S: 'simulated: HTTP 503: simulated server error' },
        ':shard': { S: retryShardOf('2024-01-08') },
        // The default back-off after one retry spent: 2 x 300 s.
        ':due': { S: '2024-02-01T12:10:00.000Z' },
        ':token': { S: token },
        ':now': { S: now },
      },
      ReturnConsumedCapacity: 'TOTAL',
    });
  });

  it('writes the simulated values as OK items in one BatchWriteItem, and no item per date besides', async () => {
    // Prepare
    stubEnvironment();
    const handler = await loadHandler();

    // Act
    await handler(
      sqsEvent([sqsRecord(workBody('CURRENCY#USD', week, 0, leaseId), { messageId: 'm1' })]),
      lambdaContext,
    );

    // Assess
    expect(dynamo).toHaveReceivedCommandTimes(BatchWriteItemCommand, 1);
    const items = dynamo
      .commandCalls(BatchWriteItemCommand)[0]
      ?.args[0].input.RequestItems?.[tableName]?.map((request) => request.PutRequest?.Item);
    expect(items).toHaveLength(5);
    for (const item of items ?? []) {
      expect(item).toMatchObject({ status: { S: 'OK' }, source: { S: 'bcb-sgs' } });
      expect(Number(item?.['value']?.N)).toBeGreaterThan(0);
    }
    expect(dynamo).not.toHaveReceivedCommandWith(UpdateItemCommand, {
      Key: expect.objectContaining({ info_type: { S: 'CURRENCY#USD' } }),
    });
    expect(dynamo).not.toHaveReceivedCommand(PutItemCommand);
  });

  it('fails only the record whose DynamoDB write failed, so SQS delivers it again', async () => {
    // Prepare
    stubEnvironment();
    dynamo
      .on(UpdateItemCommand, { Key: { info_type: { S: 'LEASE#CURRENCY#EUR' } } })
      .rejects(new Error('connection reset'));
    const handler = await loadHandler();

    // Act
    const response = await handler(
      sqsEvent([
        sqsRecord(workBody('CURRENCY#EUR', ['2024-01-15'], 0, leaseId), { messageId: 'eur' }),
        sqsRecord(workBody('CURRENCY#USD', week, 0, leaseId), { messageId: 'usd' }),
      ]),
      lambdaContext,
    );

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'eur' }] });
    expect(batchWritten()).toEqual(week.map((date) => `CURRENCY#USD ${date}`));
  });

  it('downloads nothing for a duplicate whose lease is closed (its claim refused, the lease read and gone)', async () => {
    // Prepare
    stubEnvironment();
    dynamo.on(UpdateItemCommand).rejects(conditionFailed());
    const handler = await loadHandler();

    // Act
    const response = await handler(
      sqsEvent([sqsRecord(workBody('CURRENCY#USD', week, 0, leaseId), { messageId: 'm1', receiveCount: 2 })]),
      lambdaContext,
    );

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(GetItemCommand, {
      TableName: tableName,
      Key: { info_type: { S: 'LEASE#CURRENCY#USD' }, date: { S: '2024-01-08' } },
      ConsistentRead: true,
    });
    expect(dynamo).not.toHaveReceivedCommand(BatchWriteItemCommand);
    expect(dynamo).not.toHaveReceivedCommand(DeleteItemCommand);
  });

  it('quarantines without downloading a date whose every attempt was made, only if its attempts reach 1 + MAX_RETRIES', async () => {
    // Prepare
    stubEnvironment({ MAX_RETRIES: '3' });
    dynamo
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': { S: 'CURRENCY#USD' } } })
      .resolves({ Items: [retryRow('2024-01-08', 4)] });
    const handler = await loadHandler();

    // Act
    const response = await handler(
      sqsEvent([
        sqsRecord(workBody('CURRENCY#USD', ['2024-01-08'], 3), { messageId: 'm1', receiveCount: 2 }),
      ]),
      lambdaContext,
    );

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(dynamo).not.toHaveReceivedCommand(BatchWriteItemCommand);
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateItemCommand, {
      TableName: tableName,
      Key: { info_type: { S: 'CURRENCY#USD' }, date: { S: '2024-01-08' } },
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
        ':error': { S: 'bcb-sgs: HTTP 503' },
        ':max': { N: '4' },
        ':count': { N: '3' },
        ':shard': { S: quarantineShardOf('2024-01-08') },
        ':key': { S: 'CURRENCY#USD#2024-01-08' },
        ':now': { S: now },
      },
      ReturnConsumedCapacity: 'TOTAL',
    });
  });

  it('throws when every record of the batch failed', async () => {
    // Prepare
    stubEnvironment();
    const handler = await loadHandler();

    // Act
    const run = handler(sqsEvent([sqsRecord('poison', { messageId: 'm1' })]), lambdaContext);

    // Assess
    await expect(run).rejects.toThrow();
    expect(dynamo).not.toHaveReceivedAnyCommand();
  });

  it('fails at init, naming TABLE_NAME, when the variable is missing', async () => {
    // Prepare
    stubEnvironment({ TABLE_NAME: '' });

    // Act
    const init = loadHandler();

    // Assess
    await expect(init).rejects.toThrow(/TABLE_NAME is required/);
  });

  it('refuses as poison a message with more dates than its MAX_MESSAGE_BYTES holds, touching nothing', async () => {
    // Prepare
    stubEnvironment({ MAX_MESSAGE_BYTES: '1024' });
    const handler = await loadHandler();
    const first = parseIsoDate('2024-01-01');
    const weekdays = Array.from({ length: 400 }, (_, offset) => first + offset).filter(
      (day) => ![0, 6].includes(new Date(day * 86_400_000).getUTCDay()),
    );
    const dates = weekdays.slice(0, maxDatesPerMessage(1024, 'CURRENCY#EUR') + 1).map(formatIsoDate);

    // Act
    const response = await handler(
      sqsEvent([
        sqsRecord(workBody('CURRENCY#EUR', dates, 1), { messageId: 'too-many' }),
        sqsRecord(workBody('CURRENCY#EUR', ['2024-01-15', '2024-01-16'], 1), { messageId: 'good-eur' }),
      ]),
      lambdaContext,
    );

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'too-many' }] });
    expect(batchWritten()).toEqual(['CURRENCY#EUR 2024-01-15', 'CURRENCY#EUR 2024-01-16']);
  });

  it.each(['1048577', '1023'])('fails at init, naming MAX_MESSAGE_BYTES, when it is %s', async (value) => {
    // Prepare
    stubEnvironment({ MAX_MESSAGE_BYTES: value });

    // Act
    const init = loadHandler();

    // Assess
    await expect(init).rejects.toThrow(
      /^MAX_MESSAGE_BYTES must be an integer between 1024 and 1048576 bytes/,
    );
  });
});
