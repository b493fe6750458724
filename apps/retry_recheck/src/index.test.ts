import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, SQSClient, type SendMessageBatchCommandInput } from '@aws-sdk/client-sqs';
import { allShardKeys, ShardPrefix, toAttributeMap } from '@gapless/aws-adapters';
import { checkSentActions } from '@gapless/aws-adapters/testing/sent-actions';
import { ItemStatus, parseIsoDate } from '@gapless/pipeline-core';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const dynamo = mockClient(DynamoDBClient);
const sqs = mockClient(SQSClient);
// The actions its role must grant, exactly: tools/infra's tests hold the role to this record.
checkSentActions(new URL('../sent-actions.json', import.meta.url), { dynamodb: dynamo, sqs });

const tableName = 'gapless-test';
const queueUrl = 'https://sqs.us-east-1.amazonaws.com/123456789012/gapless-work';
const now = '2024-02-01T12:00:00.000Z';
const past = '2024-02-01T11:00:00.000Z';
/** The in-flight timeout's default (one hour) after `now`: when a re-enqueued date comes due again. */
const inflightDue = '2024-02-01T13:00:00.000Z';
/** The pending timeout's default (one hour too) after `now`: when a resent lease comes due again. */
const pendingDue = '2024-02-01T13:00:00.000Z';
const quiet = {
  due: 0,
  reenqueued: 0,
  quarantined: 0,
  messages: 0,
  skipped: 0,
  retired: 0,
  failed: 0,
  leases: 0,
};
const catalog = [
  { info_type: 'CURRENCY#USD', source: 'bcb-sgs', code: 1, calendar: 'BR-business', start: '2015-01-02' },
];

/** A due RETRY item as the table holds it (its `retry_shard` and `retry_due` index keys included). */
function dueRow(date: string, retryCount: number, infoType = 'CURRENCY#USD'): Record<string, AttributeValue> {
  return toAttributeMap({
    infoType,
    day: parseIsoDate(date),
    value: null,
    status: ItemStatus.Retry,
    retryCount,
    lastError: 'simulated: HTTP 503',
    updatedAt: '2024-02-01T10:00:00.000Z',
    retryDue: past,
  });
}

/** The shard of the retry-due index a key lands on (the adapter's rule, read through `toAttributeMap`). */
function retryShardOf(partition: string, date: string): string {
  return dueRow(date, 0, partition)['retry_shard']?.S ?? '';
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

/** A lease over `first`..`last` as the table holds it, due since `past`, with the first request asked or not. */
function leaseRow(first: string, last: string, asks: number): Record<string, AttributeValue> {
  return {
    info_type: { S: 'LEASE#CURRENCY#USD' },
    date: { S: first },
    status: { S: 'LEASE' },
    lease_id: { S: 'lease-1' },
    last: { S: last },
    asks: { N: String(asks) },
    ...(asks > 0 ? { ask_token: { S: 'delivery-1' } } : {}),
    retry_shard: { S: retryShardOf('LEASE#CURRENCY#USD', first) },
    retry_due: { S: past },
    updated_at: { S: '2024-02-01T10:00:00.000Z' },
  };
}

/** What the retry-due index projects of a row: its keys, index keys and `status`, `retry_count`, `last_error`. */
function projected(row: Record<string, AttributeValue>): Record<string, AttributeValue> {
  const kept = ['info_type', 'date', 'retry_shard', 'retry_due', 'status', 'retry_count', 'last_error'];
  return Object.fromEntries(Object.entries(row).filter(([name]) => kept.includes(name)));
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
  dynamo.on(DeleteItemCommand).resolves({});
  dynamo.on(GetItemCommand).resolves({});
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
    expect(report).toEqual(quiet);
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

  it('pushes the due time of each due date under the budget (conditional UpdateItem) and re-enqueues them in one stream', async () => {
    // Prepare
    stubEnvironment();
    indexHolds([dueRow('2024-01-08', 1), dueRow('2024-01-09', 1)]);
    const handler = await loadHandler();

    // Act
    const report = await handler();

    // Assess
    expect(report).toEqual({ ...quiet, due: 2, reenqueued: 2, messages: 1 });
    expect(dynamo).toHaveReceivedCommandTimes(UpdateItemCommand, 2);
    expect(dynamo).toHaveReceivedCommandWith(UpdateItemCommand, {
      TableName: tableName,
      Key: { info_type: { S: 'CURRENCY#USD' }, date: { S: '2024-01-08' } },
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
        ':from': { N: '1' },
        ':asOf': { S: now },
        ':due': { S: inflightDue },
        ':now': { S: now },
      },
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

  it('quarantines a due date that has spent MAX_RETRIES, on the condition that every attempt was made', async () => {
    // Prepare
    stubEnvironment();
    indexHolds([dueRow('2024-01-08', 3)]);
    const handler = await loadHandler();

    // Act
    const report = await handler();

    // Assess
    expect(report).toEqual({ ...quiet, due: 1, quarantined: 1 });
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
        ':error': { S: 'simulated: HTTP 503' },
        ':max': { N: '4' },
        ':count': { N: '3' },
        ':shard': { S: quarantineShardOf('2024-01-08') },
        ':key': { S: 'CURRENCY#USD#2024-01-08' },
        ':now': { S: now },
      },
      ReturnConsumedCapacity: 'TOTAL',
    });
    expect(sqs).not.toHaveReceivedCommand(SendMessageBatchCommand);
  });

  it('regression (MAX_RETRIES=0): re-enqueues a released date the store refuses to quarantine, after pushing its due time', async () => {
    // Prepare: a release set the date back to retry_count 0, as a first failed attempt leaves it; with no
    // retries allowed the run tries the quarantine, whose condition (attempts >= 1) a released date fails.
    stubEnvironment({ MAX_RETRIES: '0' });
    indexHolds([dueRow('2024-01-08', 0)]);
    dynamo.on(UpdateItemCommand).callsFake((input: UpdateItemCommandInput) => {
      if (!input.UpdateExpression?.includes('#status = :quarantined')) return {};
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    });
    const handler = await loadHandler();

    // Act
    const report = await handler();

    // Assess
    expect(report).toEqual({ ...quiet, due: 1, reenqueued: 1, messages: 1 });
    expect(dynamo).toHaveReceivedCommandTimes(UpdateItemCommand, 2);
    expect(dynamo).toHaveReceivedNthCommandWith(UpdateItemCommand, 1, {
      Key: { info_type: { S: 'CURRENCY#USD' }, date: { S: '2024-01-08' } },
      ExpressionAttributeValues: expect.objectContaining({ ':max': { N: '1' }, ':count': { N: '0' } }),
    });
    expect(dynamo).toHaveReceivedNthCommandWith(UpdateItemCommand, 2, {
      Key: { info_type: { S: 'CURRENCY#USD' }, date: { S: '2024-01-08' } },
      UpdateExpression: 'SET #retryDue = :due, #updatedAt = :now',
      ExpressionAttributeValues: expect.objectContaining({ ':from': { N: '0' }, ':due': { S: inflightDue } }),
    });
    expect(sqs).toHaveReceivedCommandExactlyOnceWith(SendMessageBatchCommand, {
      QueueUrl: queueUrl,
      Entries: [
        {
          Id: '0',
          MessageBody: JSON.stringify({
            partition_key: 'CURRENCY#USD',
            dates_to_download: ['2024-01-08'],
            reason: 'retry',
            attempt: 1,
          }),
        },
      ],
    });
  });

  it('sends the message of a due lease nobody asked for again, for its dates without an item, after pushing its due time', async () => {
    // Prepare
    stubEnvironment();
    const lease = leaseRow('2024-01-08', '2024-01-12', 0);
    indexHolds([projected(lease)]);
    dynamo.on(GetItemCommand, { Key: { info_type: { S: 'LEASE#CURRENCY#USD' } } }).resolves({ Item: lease });
    dynamo
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': { S: 'CURRENCY#USD' } } })
      .resolves({ Items: [{ date: { S: '2024-01-09' } }] });
    const handler = await loadHandler();

    // Act
    const report = await handler();

    // Assess
    expect(report).toEqual({ ...quiet, messages: 1, leases: 1 });
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(GetItemCommand, {
      TableName: tableName,
      Key: { info_type: { S: 'LEASE#CURRENCY#USD' }, date: { S: '2024-01-08' } },
      ConsistentRead: true,
    });
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      TableName: tableName,
      KeyConditionExpression: '#pk = :pk AND #date BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': { S: 'CURRENCY#USD' },
        ':from': { S: '2024-01-08' },
        ':to': { S: '2024-01-12' },
      },
      ProjectionExpression: '#date',
    });
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateItemCommand, {
      TableName: tableName,
      Key: { info_type: { S: 'LEASE#CURRENCY#USD' }, date: { S: '2024-01-08' } },
      UpdateExpression: 'SET #retryDue = :due, #updatedAt = :now',
      ConditionExpression: '#leaseId = :id AND #retryDue <= :asOf',
      ExpressionAttributeNames: {
        '#retryDue': 'retry_due',
        '#updatedAt': 'updated_at',
        '#leaseId': 'lease_id',
      },
      ExpressionAttributeValues: {
        ':due': { S: pendingDue },
        ':now': { S: now },
        ':id': { S: 'lease-1' },
        ':asOf': { S: now },
      },
    });
    expect(sqs).toHaveReceivedCommandExactlyOnceWith(SendMessageBatchCommand, {
      QueueUrl: queueUrl,
      Entries: [
        {
          Id: '0',
          MessageBody: JSON.stringify({
            partition_key: 'CURRENCY#USD',
            dates_to_download: ['2024-01-08', '2024-01-10', '2024-01-11', '2024-01-12'],
            reason: 'gap',
            attempt: 0,
            lease: '2024-01-08/lease-1',
          }),
        },
      ],
    });
    expect(dynamo).not.toHaveReceivedCommand(DeleteItemCommand);
  });

  it('records the ask of a due lease whose delivery died on each date without an item, then deletes the lease', async () => {
    // Prepare
    stubEnvironment();
    const lease = leaseRow('2024-01-08', '2024-01-09', 1);
    indexHolds([projected(lease)]);
    dynamo.on(GetItemCommand, { Key: { info_type: { S: 'LEASE#CURRENCY#USD' } } }).resolves({ Item: lease });
    const handler = await loadHandler();

    // Act
    const report = await handler();

    // Assess
    expect(report).toEqual({ ...quiet, leases: 1 });
    expect(dynamo).toHaveReceivedCommandTimes(UpdateItemCommand, 2);
    expect(dynamo).toHaveReceivedCommandWith(UpdateItemCommand, {
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
        ':attempts': { N: '1' },
        ':count': { N: '0' },
        ':error': { S: 'a delivery asked the source and died before recording the result' },
        ':shard': { S: retryShardOf('CURRENCY#USD', '2024-01-08') },
        ':due': { S: now },
        // The lease's own token: no delivery holds it, so a date a delivery claimed since is left alone.
        ':token': { S: 'lease:lease-1' },
        ':now': { S: now },
      },
      ReturnConsumedCapacity: 'TOTAL',
    });
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(DeleteItemCommand, {
      TableName: tableName,
      Key: { info_type: { S: 'LEASE#CURRENCY#USD' }, date: { S: '2024-01-08' } },
      ConditionExpression: '#leaseId = :id',
      ExpressionAttributeNames: { '#leaseId': 'lease_id' },
      ExpressionAttributeValues: { ':id': { S: 'lease-1' } },
    });
    expect(sqs).not.toHaveReceivedCommand(SendMessageBatchCommand);
  });

  it('sends the other due dates when the update of one fails', async () => {
    // Prepare
    stubEnvironment();
    indexHolds([dueRow('2024-01-08', 1), dueRow('2024-01-09', 1)]);
    dynamo
      .on(UpdateItemCommand, { Key: { date: { S: '2024-01-08' } } })
      .rejects(new Error('ProvisionedThroughputExceededException'));
    const handler = await loadHandler();

    // Act
    const report = await handler();

    // Assess
    expect(report).toEqual({ ...quiet, due: 2, reenqueued: 1, messages: 1, failed: 1 });
    expect(sqs).toHaveReceivedCommandExactlyOnceWith(SendMessageBatchCommand, {
      QueueUrl: queueUrl,
      Entries: [
        {
          Id: '0',
          MessageBody: JSON.stringify({
            partition_key: 'CURRENCY#USD',
            dates_to_download: ['2024-01-09'],
            reason: 'retry',
            attempt: 2,
          }),
        },
      ],
    });
  });

  it('answers {"mode":"plan"} (the deploy\'s smoke event) with the plan, reading the index and writing nothing', async () => {
    // Prepare
    stubEnvironment();
    indexHolds([
      dueRow('2024-01-08', 1),
      dueRow('2024-01-09', 1),
      dueRow('2024-01-10', 3),
      dueRow('2024-01-11', 0, 'CURRENCY#XYZ'),
      projected(leaseRow('2024-01-15', '2024-01-19', 0)),
    ]);
    const handler = await loadHandler();

    // Act
    const plan = await handler({ mode: 'plan' });

    // Assess
    expect(plan).toEqual({
      mode: 'plan',
      due: 4,
      reenqueue: 2,
      quarantine: 1,
      retire: 1,
      messages: 1,
      leases: 1,
    });
    expect(dynamo.calls().map((call) => call.args[0].constructor.name)).toEqual(
      Array.from({ length: 8 }, () => 'QueryCommand'),
    );
    expect(sqs).not.toHaveReceivedAnyCommand();
  });

  it('refuses a mode it does not know, before reading anything', async () => {
    // Prepare
    stubEnvironment();
    const handler = await loadHandler();

    // Act
    const run = handler({ mode: 'audit' });

    // Assess
    await expect(run).rejects.toThrow('unknown mode "audit" in the event (expected "plan" or none)');
    expect(dynamo).not.toHaveReceivedAnyCommand();
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
});
