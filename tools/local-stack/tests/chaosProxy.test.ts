import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
  ScanCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { startChaosProxy } from '../src/chaosProxy.js';
import { startEmulators } from '../src/emulators.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function proxiedTable(unprocessedRate: number) {
  const emulators = await startEmulators();
  cleanups.push(() => emulators.stop());
  const proxy = await startChaosProxy({ target: emulators.dynamoEndpoint, unprocessedRate, seed: 7 });
  cleanups.push(() => proxy.stop());
  const client = new DynamoDBClient({
    endpoint: proxy.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  cleanups.push(async () => client.destroy());
  await client.send(
    new CreateTableCommand({
      TableName: 'chaos',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'info_type', AttributeType: 'S' },
        { AttributeName: 'date', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'info_type', KeyType: 'HASH' },
        { AttributeName: 'date', KeyType: 'RANGE' },
      ],
    }),
  );
  return { client, proxy };
}

function puts(count: number): WriteRequest[] {
  return Array.from({ length: count }, (_, index) => ({
    PutRequest: {
      Item: {
        info_type: { S: 'CURRENCY#USD' },
        date: { S: `2024-01-${String(index + 1).padStart(2, '0')}` },
      },
    },
  }));
}

describe('the DynamoDB chaos proxy', () => {
  it('answers part of a batch as UnprocessedItems in the real wire format and stores only the rest', async () => {
    // Prepare
    const { client, proxy } = await proxiedTable(1);

    // Act
    const answer = await client.send(new BatchWriteItemCommand({ RequestItems: { chaos: puts(20) } }));
    const stored = await client.send(new ScanCommand({ TableName: 'chaos' }));

    // Assess
    const unprocessed = answer.UnprocessedItems?.chaos ?? [];
    expect(unprocessed.length).toBeGreaterThan(0);
    expect((stored.Items ?? []).length + unprocessed.length).toBe(20);
    const storedDates = new Set((stored.Items ?? []).map((item) => item.date?.S));
    for (const request of unprocessed) expect(storedDates.has(request.PutRequest?.Item?.date?.S)).toBe(false);
    expect(proxy.injected()).toEqual({ batchWrites: 1, items: unprocessed.length });
  });

  it('passes everything through at rate 0 and counts series writes and write requests, ledger ones apart', async () => {
    // Prepare
    const { client, proxy } = await proxiedTable(0);
    const lease = { info_type: { S: 'LEASE#CURRENCY#USD' }, date: { S: '2024-01-01' } };
    const claimOfDate = (date: string, attempts: number) =>
      new UpdateItemCommand({
        TableName: 'chaos',
        Key: { info_type: { S: 'CURRENCY#USD' }, date: { S: date } },
        UpdateExpression: 'SET #attempts = :attempts, #claimToken = :token',
        ExpressionAttributeNames: { '#attempts': 'attempts', '#claimToken': 'claim_token' },
        ExpressionAttributeValues: { ':attempts': { N: String(attempts) }, ':token': { S: 'delivery-2' } },
      });

    // Act
    const answer = await client.send(new BatchWriteItemCommand({ RequestItems: { chaos: puts(5) } }));
    await client.send(
      new PutItemCommand({ TableName: 'chaos', Item: { ...lease, last: { S: '2024-01-05' } } }),
    );
    await client.send(
      new UpdateItemCommand({
        TableName: 'chaos',
        Key: lease,
        UpdateExpression: 'SET #asks = :one, #askToken = :token',
        ExpressionAttributeNames: { '#asks': 'asks', '#askToken': 'ask_token' },
        ExpressionAttributeValues: { ':one': { N: '1' }, ':token': { S: 'delivery-1' } },
      }),
    );
    await client.send(claimOfDate('2024-01-03', 2));
    await client.send(claimOfDate('2024-01-04', 2));
    await client.send(
      new UpdateItemCommand({
        TableName: 'chaos',
        Key: { info_type: { S: 'CURRENCY#USD' }, date: { S: '2024-01-05' } },
        UpdateExpression: 'SET #lastError = :error, #claimToken = :token, #attempts = :attempts',
        ExpressionAttributeNames: {
          '#lastError': 'last_error',
          '#claimToken': 'claim_token',
          '#attempts': 'attempts',
        },
        ExpressionAttributeValues: {
          ':error': { S: 'HTTP 503' },
          ':token': { S: 'delivery-1' },
          ':attempts': { N: '1' },
        },
      }),
    );

    // Assess: the series' own items written (5 batch puts, 3 updates); the lease partition is bookkeeping,
    // kept out of the series traffic but billed like any write. Source requests are not the proxy's to count.
    expect(answer.UnprocessedItems ?? {}).toEqual({});
    expect(Object.fromEntries(proxy.traffic())).toEqual({
      'CURRENCY#USD': { batchWriteCalls: 1, itemWrites: 8, okWrites: 0 },
    });
    expect(proxy.itemWriteRequests()).toBe(5 + 1 + 1 + 2 + 1);
  });
});
