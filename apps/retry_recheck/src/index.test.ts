import {
  DynamoDBClient,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, SQSClient, type SendMessageBatchCommandInput } from '@aws-sdk/client-sqs';
import { allShardKeys, ShardPrefix, toAttributeMap } from '@gapless/aws-adapters';
import { ItemStatus, parseIsoDate } from '@gapless/pipeline-core';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const dynamo = mockClient(DynamoDBClient);
const sqs = mockClient(SQSClient);

const tableName = 'gapless-test';
const queueUrl = 'https://sqs.us-east-1.amazonaws.com/123456789012/gapless-work';
const now = '2024-02-01T12:00:00.000Z';
const catalog = [
  { info_type: 'CURRENCY#USD', source: 'bcb-sgs', code: 1, calendar: 'BR-business', start: '2015-01-02' },
];

/** A due RETRY item as the table holds it (its `retry_shard` and `retry_due` index keys included). */
function dueRow(date: string, retryCount: number): Record<string, AttributeValue> {
  return toAttributeMap({
    infoType: 'CURRENCY#USD',
    day: parseIsoDate(date),
    value: null,
    status: ItemStatus.Retry,
    retryCount,
    lastError: 'simulated: HTTP 503',
    updatedAt: '2024-02-01T10:00:00.000Z',
    retryDue: '2024-02-01T11:00:00.000Z',
  });
}

function stubEnvironment(overrides: Record<string, string> = {}): void {
  const env = {
    TABLE_NAME: tableName,
    QUEUE_URL: queueUrl,
    SOURCE_MODE: 'simulated',
    SERIES_CATALOG: JSON.stringify(catalog),
    MAX_RETRIES: '3',
    AWS_REGION: 'us-east-1',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...overrides,
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
}

/** Imports the function afresh, so its module-scope init reads the stubbed environment. */
async function loadHandler() {
  vi.resetModules();
  return (await import('./index.js')).handler;
}

/** Makes the retry-due index answer `rows`, each on its own shard's query. */
function indexHolds(rows: Record<string, AttributeValue>[]): void {
  dynamo.on(QueryCommand).resolves({ Items: [] });
  for (const shard of allShardKeys(ShardPrefix.Retry)) {
    const items = rows.filter((row) => row['retry_shard']?.S === shard);
    dynamo
      .on(QueryCommand, { ExpressionAttributeValues: { ':shard': { S: shard } } })
      .resolves({ Items: items });
  }
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(now));
  dynamo.reset();
  sqs.reset();
  indexHolds([]);
  dynamo.on(UpdateItemCommand).resolves({});
  sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => ({
    Successful: (input.Entries ?? []).map((entry) => ({
      Id: entry.Id,
      MessageId: `m-${entry.Id}`,
      MD5OfMessageBody: '0',
    })),
    Failed: [],
  }));
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

describe('retry_recheck handler', () => {
  it('queries the retry-due index on every shard for what is due now', async () => {
    // Prepare
    stubEnvironment();
    const handler = await loadHandler();

    // Act
    const report = await handler();

    // Assess
    expect(report).toEqual({ due: 0, reenqueued: 0, quarantined: 0, messages: 0, skipped: 0 });
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 8);
    for (const shard of allShardKeys(ShardPrefix.Retry)) {
      expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
        TableName: tableName,
        IndexName: 'retry-due',
        KeyConditionExpression: '#shard = :shard AND #sk <= :now',
        ExpressionAttributeNames: { '#shard': 'retry_shard', '#sk': 'retry_due' },
        ExpressionAttributeValues: { ':shard': { S: shard }, ':now': { S: now } },
      });
    }
    expect(sqs).not.toHaveReceivedCommand(SendMessageBatchCommand);
  });

  it('spends a retry and re-enqueues each due date under the budget, grouped into one stream', async () => {
    // Prepare
    stubEnvironment();
    indexHolds([dueRow('2024-01-08', 1), dueRow('2024-01-09', 1)]);
    const handler = await loadHandler();

    // Act
    const report = await handler();

    // Assess
    expect(report).toEqual({ due: 2, reenqueued: 2, quarantined: 0, messages: 1, skipped: 0 });
    expect(dynamo).toHaveReceivedCommandWith(UpdateItemCommand, {
      TableName: tableName,
      Key: { info_type: { S: 'CURRENCY#USD' }, date: { S: '2024-01-08' } },
      ConditionExpression: '#retryCount = :from AND #status IN (:pending, :retry)',
      ExpressionAttributeValues: expect.objectContaining({
        ':from': { N: '1' },
        ':to': { N: '2' },
        ':due': { S: '2024-02-01T13:00:00.000Z' },
      }),
    });
    expect(sqs).toHaveReceivedCommandExactlyOnceWith(SendMessageBatchCommand, {
      QueueUrl: queueUrl,
      Entries: [
        {
          Id: '0',
          MessageBody: JSON.stringify({
            partition_key: 'CURRENCY#USD',
            dates_to_download: ['2024-01-08', '2024-01-09'],
            reason: 'retry',
            attempt: 2,
          }),
        },
      ],
    });
  });

  it('quarantines a due date that has spent MAX_RETRIES', async () => {
    // Prepare
    stubEnvironment();
    indexHolds([dueRow('2024-01-08', 3)]);
    const handler = await loadHandler();

    // Act
    const report = await handler();

    // Assess
    expect(report).toMatchObject({ due: 1, quarantined: 1, reenqueued: 0 });
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateItemCommand, {
      Key: { info_type: { S: 'CURRENCY#USD' }, date: { S: '2024-01-08' } },
      ExpressionAttributeValues: expect.objectContaining({
        ':quarantined': { S: 'QUARANTINED' },
        ':count': { N: '3' },
        ':error': { S: 'simulated: HTTP 503' },
      }),
    });
    expect(sqs).not.toHaveReceivedCommand(SendMessageBatchCommand);
  });

  it('fails at init, naming QUEUE_URL, when the variable is missing', async () => {
    // Prepare
    stubEnvironment({ QUEUE_URL: '' });

    // Act
    const init = loadHandler();

    // Assess
    await expect(init).rejects.toThrow(/QUEUE_URL is required/);
  });
});
