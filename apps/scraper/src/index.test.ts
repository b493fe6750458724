import {
  BatchWriteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lambdaContext, scraperEnvironment, sqsEvent, sqsRecord, workBody } from '../tests/sqsEvent.js';

const dynamo = mockClient(DynamoDBClient);
const tableName = 'gapless-test';
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

beforeEach(() => {
  dynamo.reset();
  dynamo.on(PutItemCommand).resolves({});
  dynamo.on(BatchWriteItemCommand).resolves({ UnprocessedItems: {} });
  dynamo.on(UpdateItemCommand).resolves({});
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('scraper handler', () => {
  it('reports exactly the bad records in batchItemFailures and processes the good ones', async () => {
    // Prepare
    stubEnvironment();
    const handler = await loadHandler();
    const event = sqsEvent([
      sqsRecord(workBody('CURRENCY#USD', week), { messageId: 'good-usd' }),
      sqsRecord('{"partition_key":"CURRENCY#USD"', { messageId: 'not-json' }),
      sqsRecord(workBody('CURRENCY#XYZ', week), { messageId: 'unknown-series' }),
      sqsRecord(workBody('CURRENCY#EUR', ['2024-01-13']), { messageId: 'saturday' }),
      sqsRecord(workBody('CURRENCY#EUR', ['2024-01-15', '2024-01-16']), { messageId: 'good-eur' }),
    ]);

    // Act
    const response = await handler(event, lambdaContext);

    // Assess
    expect(response).toEqual({
      batchItemFailures: [
        { itemIdentifier: 'not-json' },
        { itemIdentifier: 'unknown-series' },
        { itemIdentifier: 'saturday' },
      ],
    });
    expect(batchWritten().sort()).toEqual(
      [
        ...week.map((date) => `CURRENCY#USD ${date}`),
        'CURRENCY#EUR 2024-01-15',
        'CURRENCY#EUR 2024-01-16',
      ].sort(),
    );
  });

  it('claims each attempt with a conditional PutItem before downloading', async () => {
    // Prepare
    stubEnvironment();
    const handler = await loadHandler();

    // Act
    await handler(
      sqsEvent([sqsRecord(workBody('CURRENCY#USD', week, 2), { messageId: 'm1' })]),
      lambdaContext,
    );

    // Assess
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(PutItemCommand, {
      TableName: tableName,
      Item: expect.objectContaining({
        info_type: { S: 'CLAIM#CURRENCY#USD' },
        date: { S: '2024-01-08/2024-01-12#2' },
      }),
      ConditionExpression: 'attribute_not_exists(#pk)',
    });
  });

  it('writes the simulated values as OK items in one BatchWriteItem', async () => {
    // Prepare
    stubEnvironment();
    const handler = await loadHandler();

    // Act
    await handler(sqsEvent([sqsRecord(workBody('CURRENCY#USD', week), { messageId: 'm1' })]), lambdaContext);

    // Assess
    expect(dynamo).toHaveReceivedCommandTimes(BatchWriteItemCommand, 1);
    const items = dynamo
      .commandCalls(BatchWriteItemCommand)[0]
      ?.args[0].input.RequestItems?.[tableName]?.map((request) => request.PutRequest?.Item);
    for (const item of items ?? []) {
      expect(item).toMatchObject({ status: { S: 'OK' }, source: { S: 'bcb-sgs' } });
      expect(Number(item?.['value']?.N)).toBeGreaterThan(0);
    }
    expect(dynamo).not.toHaveReceivedCommand(UpdateItemCommand);
  });

  it('fails only the record whose DynamoDB write failed, so SQS delivers it again', async () => {
    // Prepare
    stubEnvironment();
    dynamo
      .on(PutItemCommand, { Item: { info_type: { S: 'CLAIM#CURRENCY#EUR' } } })
      .rejects(new Error('connection reset'));
    const handler = await loadHandler();

    // Act
    const response = await handler(
      sqsEvent([
        sqsRecord(workBody('CURRENCY#EUR', ['2024-01-15']), { messageId: 'eur' }),
        sqsRecord(workBody('CURRENCY#USD', week), { messageId: 'usd' }),
      ]),
      lambdaContext,
    );

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'eur' }] });
  });

  it('reads ApproximateReceiveCount: a redelivery past MAX_RETRIES quarantines without downloading', async () => {
    // Prepare
    stubEnvironment({ MAX_RETRIES: '3' });
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
    expect(dynamo).not.toHaveReceivedCommand(PutItemCommand);
    expect(dynamo).not.toHaveReceivedCommand(BatchWriteItemCommand);
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateItemCommand, {
      TableName: tableName,
      Key: { info_type: { S: 'CURRENCY#USD' }, date: { S: '2024-01-08' } },
      ConditionExpression: '#status IN (:pending, :retry)',
      ExpressionAttributeValues: expect.objectContaining({
        ':quarantined': { S: 'QUARANTINED' },
        ':count': { N: '3' },
      }),
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
});
