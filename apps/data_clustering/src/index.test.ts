import {
  BatchWriteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, SQSClient, type SendMessageBatchCommandInput } from '@aws-sdk/client-sqs';
import type { EventBridgeEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const dynamo = mockClient(DynamoDBClient);
const sqs = mockClient(SQSClient);

const tableName = 'gapless-test';
const queueUrl = 'https://sqs.us-east-1.amazonaws.com/123456789012/gapless-work';
const catalog = [
  { info_type: 'CURRENCY#USD', source: 'bcb-sgs', code: 1, calendar: 'BR-business', start: '2024-01-02' },
];
/** BR business days from 2024-01-02 to 2024-01-19 (the clock says 2024-01-20; the lag is one day). */
const expectedDates = [
  '02',
  '03',
  '04',
  '05',
  '08',
  '09',
  '10',
  '11',
  '12',
  '15',
  '16',
  '17',
  '18',
  '19',
].map((day) => `2024-01-${day}`);

/** An EventBridge scheduled event, as the schedule delivers it. */
function scheduledEvent(
  detail: Record<string, unknown> = {},
): EventBridgeEvent<'Scheduled Event', Record<string, unknown>> {
  return {
    version: '0',
    id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '123456789012',
    time: '2024-01-20T10:00:00Z',
    region: 'us-east-1',
    resources: ['arn:aws:events:us-east-1:123456789012:rule/gapless-data-clustering'],
    detail,
  };
}

function stubEnvironment(overrides: Record<string, string> = {}): void {
  const env = {
    TABLE_NAME: tableName,
    QUEUE_URL: queueUrl,
    SOURCE_MODE: 'simulated',
    SERIES_CATALOG: JSON.stringify(catalog),
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

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2024-01-20T10:00:00.000Z'));
  dynamo.reset();
  sqs.reset();
  dynamo.on(GetItemCommand).resolves({});
  dynamo.on(QueryCommand).resolves({ Items: [] });
  dynamo.on(BatchWriteItemCommand).resolves({ UnprocessedItems: {} });
  dynamo.on(PutItemCommand).resolves({});
  sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => ({
    Successful: (input.Entries ?? []).map((entry) => ({
      Id: entry.Id,
      MessageId: `message-${entry.Id}`,
      MD5OfMessageBody: '0',
    })),
    Failed: [],
  }));
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

describe('data_clustering handler', () => {
  it('sends one SendMessageBatch with a message per continuous stream of missing dates', async () => {
    // Prepare
    stubEnvironment();
    const handler = await loadHandler();

    // Act
    const result = await handler(scheduledEvent());

    // Assess
    expect(result).toEqual({ series: [{ infoType: 'CURRENCY#USD', gaps: 14, messages: 1, deferred: 0 }] });
    expect(sqs).toHaveReceivedCommandExactlyOnceWith(SendMessageBatchCommand, {
      QueueUrl: queueUrl,
      Entries: [
        {
          Id: '0',
          MessageBody: JSON.stringify({
            partition_key: 'CURRENCY#USD',
            dates_to_download: expectedDates,
            reason: 'gap',
            attempt: 0,
          }),
        },
      ],
    });
  });

  it('reads the watermark, then queries the partition from the series start projecting only the date', async () => {
    // Prepare
    stubEnvironment();
    const handler = await loadHandler();

    // Act
    await handler(scheduledEvent());

    // Assess
    expect(dynamo).toHaveReceivedCommandWith(GetItemCommand, {
      TableName: tableName,
      Key: { info_type: { S: 'META#CURRENCY#USD' }, date: { S: 'watermark' } },
    });
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(QueryCommand, {
      TableName: tableName,
      KeyConditionExpression: '#pk = :pk AND #date >= :from',
      ExpressionAttributeValues: { ':pk': { S: 'CURRENCY#USD' }, ':from': { S: '2024-01-02' } },
      ProjectionExpression: '#date',
    });
  });

  it('writes the PENDING placeholders before sending, then moves the watermark', async () => {
    // Prepare
    stubEnvironment();
    const handler = await loadHandler();

    // Act
    await handler(scheduledEvent());

    // Assess
    const batch = dynamo.commandCalls(BatchWriteItemCommand)[0]?.args[0].input;
    const items = (batch?.RequestItems?.[tableName] ?? []).map((request) => request.PutRequest?.Item);
    expect(items.map((item) => item?.['date']?.S)).toEqual(expectedDates);
    expect(items.every((item) => item?.['status']?.S === 'PENDING')).toBe(true);
    expect(dynamo).toHaveReceivedCommandWith(PutItemCommand, {
      TableName: tableName,
      Item: expect.objectContaining({ info_type: { S: 'META#CURRENCY#USD' }, through: { S: '2024-01-19' } }),
    });
  });

  it('skips the watermark in an audit run asked for in the event detail', async () => {
    // Prepare
    stubEnvironment();
    const handler = await loadHandler();

    // Act
    await handler(scheduledEvent({ mode: 'audit' }));

    // Assess
    expect(dynamo).not.toHaveReceivedCommand(GetItemCommand);
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 1);
  });

  it('fails when a series fails, naming it, after trying every series', async () => {
    // Prepare
    stubEnvironment();
    dynamo.on(QueryCommand).rejects(new Error('connection reset'));
    const handler = await loadHandler();

    // Act
    const run = handler(scheduledEvent());

    // Assess
    await expect(run).rejects.toThrow(/1 of 1 series failed: CURRENCY#USD/);
    expect(sqs).not.toHaveReceivedCommand(SendMessageBatchCommand);
  });

  it('refuses an unknown mode', async () => {
    // Prepare
    stubEnvironment();
    const handler = await loadHandler();

    // Act
    const run = handler(scheduledEvent({ mode: 'everything' }));

    // Assess
    await expect(run).rejects.toThrow(/unknown mode "everything"/);
  });

  it('fails at init, naming QUEUE_URL, when the variable is missing', async () => {
    // Prepare
    stubEnvironment({ QUEUE_URL: '' });

    // Act
    const init = loadHandler();

    // Assess
    await expect(init).rejects.toThrow(/QUEUE_URL is required/);
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
