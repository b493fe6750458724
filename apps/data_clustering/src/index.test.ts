import {
  BatchWriteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type AttributeValue,
  type PutItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, SQSClient, type SendMessageBatchCommandInput } from '@aws-sdk/client-sqs';
import type { EventBridgeEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { toAttributeMap } from '@gapless/aws-adapters';
import { checkSentActions } from '@gapless/aws-adapters/testing/sent-actions';
import { ItemStatus, parseIsoDate } from '@gapless/pipeline-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const dynamo = mockClient(DynamoDBClient);
const sqs = mockClient(SQSClient);
// The actions its role must grant, exactly: tools/infra's tests hold the role to this record.
checkSentActions(new URL('../sent-actions.json', import.meta.url), { dynamodb: dynamo, sqs });

const tableName = 'gapless-test';
const now = '2024-01-20T10:00:00.000Z';
/** The lease id the function draws (`crypto.randomUUID()`, pinned by the tests). */
const leaseId = '6f1c2d3e-4b5a-4c6d-8e7f-000000000001';
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
    time: now,
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

/** The shard of the retry-due index a key lands on (the adapter's rule, read through `toAttributeMap`). */
function retryShardOf(partition: string, date: string): string {
  const item = toAttributeMap({
    infoType: partition,
    day: parseIsoDate(date),
    value: null,
    status: ItemStatus.Retry,
    retryCount: 0,
    updatedAt: now,
    retryDue: now,
  });
  return item['retry_shard']?.S ?? '';
}

/** Keys-only rows of the series' partition, as the `presentDays` Query returns them. */
function presentRows(dates: string[]): Record<string, AttributeValue>[] {
  return dates.map((date) => ({ date: { S: date } }));
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(now));
  vi.spyOn(globalThis.crypto, 'randomUUID').mockReturnValue(leaseId);
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
  vi.restoreAllMocks();
});

describe('data_clustering handler', () => {
  it('opens a lease per stream with a conditional PutItem, then sends one SendMessageBatch naming the lease', async () => {
    // Prepare
    stubEnvironment();
    const order: string[] = [];
    dynamo.on(PutItemCommand).callsFake((input: PutItemCommandInput) => {
      order.push(`PutItem ${input.Item?.['info_type']?.S}`);
      return {};
    });
    sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => {
      order.push('SendMessageBatch');
      return {
        Successful: [{ Id: input.Entries?.[0]?.Id, MessageId: 'm-0', MD5OfMessageBody: '0' }],
        Failed: [],
      };
    });
    const handler = await loadHandler();

    // Act
    const result = await handler(scheduledEvent());

    // Assess
    expect(result).toEqual({ series: [{ infoType: 'CURRENCY#USD', gaps: 14, messages: 1, deferred: 0 }] });
    expect(dynamo).toHaveReceivedCommandWith(PutItemCommand, {
      TableName: tableName,
      Item: {
        info_type: { S: 'LEASE#CURRENCY#USD' },
        date: { S: '2024-01-02' },
        status: { S: 'LEASE' },
        lease_id: { S: leaseId },
        last: { S: '2024-01-19' },
        asks: { N: '0' },
        retry_shard: { S: retryShardOf('LEASE#CURRENCY#USD', '2024-01-02') },
        retry_due: { S: '2024-01-20T11:00:00.000Z' },
        updated_at: { S: now },
      },
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': 'info_type' },
    });
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
            lease: `2024-01-02/${leaseId}`,
          }),
        },
      ],
    });
    expect(order.slice(0, 2)).toEqual(['PutItem LEASE#CURRENCY#USD', 'SendMessageBatch']);
    expect(dynamo).toHaveReceivedCommandTimes(BatchWriteItemCommand, 1);
    expect(dynamo).toHaveReceivedCommandWith(BatchWriteItemCommand, {
      RequestItems: {
        [tableName]: [
          { PutRequest: { Item: expect.objectContaining({ info_type: { S: 'META#WATERMARK' } }) } },
        ],
      },
    });
  });

  it('reads every watermark with one Query, then queries the partition from the series start projecting only the date, and the live leases', async () => {
    // Prepare
    stubEnvironment();
    const handler = await loadHandler();

    // Act
    await handler(scheduledEvent());

    // Assess
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      TableName: tableName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'info_type' },
      ExpressionAttributeValues: { ':pk': { S: 'META#WATERMARK' } },
      ConsistentRead: true,
    });
    expect(dynamo).not.toHaveReceivedCommand(GetItemCommand);
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 3);
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      TableName: tableName,
      KeyConditionExpression: '#pk = :pk AND #date >= :from',
      ExpressionAttributeValues: { ':pk': { S: 'CURRENCY#USD' }, ':from': { S: '2024-01-02' } },
      ProjectionExpression: '#date',
    });
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      TableName: tableName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'info_type' },
      ExpressionAttributeValues: { ':pk': { S: 'LEASE#CURRENCY#USD' } },
    });
  });

  it('moves the watermark to just before the first date without an item, and leases only the missing stream', async () => {
    // Prepare
    stubEnvironment();
    dynamo
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': { S: 'CURRENCY#USD' } } })
      .resolves({ Items: presentRows(expectedDates.slice(0, 4)) });
    const handler = await loadHandler();

    // Act
    await handler(scheduledEvent());

    // Assess
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(BatchWriteItemCommand, {
      RequestItems: {
        [tableName]: [
          {
            PutRequest: {
              Item: {
                info_type: { S: 'META#WATERMARK' },
                date: { S: 'CURRENCY#USD' },
                through: { S: '2024-01-07' }, // the day before 8 January, its first date without an item
                updated_at: { S: now },
              },
            },
          },
        ],
      },
      ReturnConsumedCapacity: 'TOTAL',
    });
    expect(dynamo).toHaveReceivedCommandWith(PutItemCommand, {
      Item: expect.objectContaining({
        info_type: { S: 'LEASE#CURRENCY#USD' },
        date: { S: '2024-01-08' },
        last: { S: '2024-01-19' },
      }),
    });
    expect(dynamo).toHaveReceivedCommandTimes(PutItemCommand, 1);
  });

  it('reads from the watermark its partition holds; the per-series watermark items of older tables are never read', async () => {
    // Prepare
    stubEnvironment();
    dynamo.on(QueryCommand, { ExpressionAttributeValues: { ':pk': { S: 'META#WATERMARK' } } }).resolves({
      Items: [
        {
          info_type: { S: 'META#WATERMARK' },
          date: { S: 'CURRENCY#USD' },
          through: { S: '2024-01-12' },
          updated_at: { S: now },
        },
      ],
    });
    dynamo.on(GetItemCommand).resolves({ Item: { through: { S: '2024-01-19' } } });
    const handler = await loadHandler();

    // Act
    const result = await handler(scheduledEvent());

    // Assess
    expect(dynamo).not.toHaveReceivedCommand(GetItemCommand);
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      ExpressionAttributeValues: { ':pk': { S: 'CURRENCY#USD' }, ':from': { S: '2024-01-13' } },
    });
    expect(result).toEqual({ series: [{ infoType: 'CURRENCY#USD', gaps: 5, messages: 1, deferred: 0 }] });
  });

  it('sends nothing for dates under a live lease (a second run before the scraper ran)', async () => {
    // Prepare
    stubEnvironment();
    dynamo.on(QueryCommand, { ExpressionAttributeValues: { ':pk': { S: 'LEASE#CURRENCY#USD' } } }).resolves({
      Items: [
        {
          info_type: { S: 'LEASE#CURRENCY#USD' },
          date: { S: '2024-01-02' },
          status: { S: 'LEASE' },
          lease_id: { S: 'an-earlier-run' },
          last: { S: '2024-01-19' },
          asks: { N: '0' },
          retry_due: { S: '2024-01-20T10:30:00.000Z' },
        },
      ],
    });
    const handler = await loadHandler();

    // Act
    const result = await handler(scheduledEvent());

    // Assess
    expect(result).toEqual({ series: [{ infoType: 'CURRENCY#USD', gaps: 0, messages: 0, deferred: 0 }] });
    expect(sqs).not.toHaveReceivedCommand(SendMessageBatchCommand);
    expect(dynamo).not.toHaveReceivedCommandWith(PutItemCommand, {
      Item: expect.objectContaining({ info_type: { S: 'LEASE#CURRENCY#USD' } }),
    });
  });

  it('skips the watermark in an audit run asked for in the event detail', async () => {
    // Prepare
    stubEnvironment();
    const handler = await loadHandler();

    // Act
    await handler(scheduledEvent({ mode: 'audit' }));

    // Assess
    expect(dynamo).not.toHaveReceivedCommandWith(QueryCommand, {
      ExpressionAttributeValues: { ':pk': { S: 'META#WATERMARK' } },
    });
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 2);
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

  it('names the first ten failed series in its error and counts the rest', async () => {
    // Prepare
    const twelve = Array.from({ length: 12 }, (_, index) => ({
      ...catalog[0],
      info_type: `CURRENCY#S${String(index + 1).padStart(2, '0')}`,
    }));
    stubEnvironment({ SERIES_CATALOG: JSON.stringify(twelve) });
    dynamo.on(QueryCommand).rejects(new Error('connection reset'));
    const handler = await loadHandler();

    // Act
    const run = handler(scheduledEvent());

    // Assess
    await expect(run).rejects.toThrow(
      /^12 of 12 series failed: CURRENCY#S01 \(StoreError: DynamoDB Query: Error: connection reset\);.* CURRENCY#S10 \([^;]*\); and 2 more$/,
    );
  });

  it('answers {"mode":"plan"} (the deploy smoke event) with what a run would enqueue, writing and sending nothing', async () => {
    // Prepare
    stubEnvironment();
    const handler = await loadHandler();

    // Act
    const plan = await handler({ mode: 'plan' });

    // Assess
    expect(plan).toEqual({ mode: 'plan', series: [{ infoType: 'CURRENCY#USD', gaps: 14, messages: 1 }] });
    expect(dynamo).toHaveReceivedCommand(QueryCommand);
    expect(dynamo).not.toHaveReceivedCommand(PutItemCommand);
    expect(dynamo).not.toHaveReceivedCommand(BatchWriteItemCommand);
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

  it('fails at init, naming TABLE_NAME, when the variable is missing', async () => {
    // Prepare
    stubEnvironment({ TABLE_NAME: '' });

    // Act
    const init = loadHandler();

    // Assess
    await expect(init).rejects.toThrow(/TABLE_NAME is required/);
  });
});
