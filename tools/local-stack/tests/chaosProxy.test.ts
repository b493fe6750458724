import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  ScanCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startChaosProxy, type ChaosProxyOptions } from '../src/chaosProxy.js';
import { startEmulators } from '../src/emulators.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function localClient(endpoint: string, maxAttempts: number): DynamoDBClient {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts,
  });
  cleanups.push(async () => client.destroy());
  return client;
}

/**
 * A table behind a fresh proxy, created through it; `client` makes one attempt per call unless told, and
 * `direct` reaches the emulator itself.
 */
async function proxiedTable(
  chaos: Omit<ChaosProxyOptions, 'target' | 'seed'>,
  options: { readonly seed?: number; readonly maxAttempts?: number } = {},
) {
  const emulators = await startEmulators();
  cleanups.push(() => emulators.stop());
  const proxy = await startChaosProxy({
    target: emulators.dynamoEndpoint,
    seed: options.seed ?? 7,
    ...chaos,
  });
  cleanups.push(() => proxy.stop());
  const client = localClient(proxy.endpoint, options.maxAttempts ?? 1);
  const direct = localClient(emulators.dynamoEndpoint, 1);
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
  return { client, direct, proxy };
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
    const { client, proxy } = await proxiedTable({ unprocessedRate: 1 });

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
    const { client, proxy } = await proxiedTable({ unprocessedRate: 0 });
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
    expect(Object.fromEntries(proxy.calls())).toEqual({
      CreateTable: 1,
      BatchWriteItem: 1,
      PutItem: 1,
      UpdateItem: 4,
    });
    expect(proxy.throttled()).toBe(0);
  });

  it("answers item calls with DynamoDB's throttling error on the wire and forwards none of them; CreateTable passes", async () => {
    // Prepare: the table is created through the proxy.
    const { client, direct, proxy } = await proxiedTable({ throttleRate: 1 });

    // Act
    const put = client.send(
      new PutItemCommand({
        TableName: 'chaos',
        Item: { info_type: { S: 'CURRENCY#USD' }, date: { S: '2024-01-02' } },
      }),
    );
    const batch = client.send(new BatchWriteItemCommand({ RequestItems: { chaos: puts(3) } }));

    // Assess
    for (const call of [put, batch]) {
      await expect(call).rejects.toMatchObject({
        name: 'ProvisionedThroughputExceededException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: expect.stringMatching(/^The level of configured provisioned throughput/),
      });
    }
    expect((await direct.send(new ScanCommand({ TableName: 'chaos' }))).Items).toEqual([]);
    expect(proxy.throttled()).toBe(2);
    expect(proxy.itemWriteRequests()).toBe(0);
    expect(Object.fromEntries(proxy.calls())).toEqual({ CreateTable: 1, PutItem: 1, BatchWriteItem: 1 });
  });

  it("throttles a seeded share of calls, the same ones for the same seed, and the SDK's retry gets every call through", async () => {
    // Prepare: no back-off (the SDK waits `random() x` its cap), the same attempts.
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const runs = [];

    // Act
    for (const seed of [7, 7]) {
      const { client, direct, proxy } = await proxiedTable({ throttleRate: 0.1 }, { seed, maxAttempts: 6 });
      for (const request of puts(31)) {
        await client.send(new PutItemCommand({ TableName: 'chaos', Item: request.PutRequest?.Item ?? {} }));
      }
      const read = await client.send(
        new QueryCommand({
          TableName: 'chaos',
          KeyConditionExpression: 'info_type = :pk',
          ExpressionAttributeValues: { ':pk': { S: 'CURRENCY#USD' } },
        }),
      );
      const stored = await direct.send(new ScanCommand({ TableName: 'chaos' }));
      runs.push({
        throttled: proxy.throttled(),
        calls: Object.fromEntries(proxy.calls()),
        read: read.Count,
        stored: stored.Count,
      });
    }

    // Assess
    const [first, second] = runs;
    expect(first).toEqual(second);
    expect(first?.throttled).toBeGreaterThan(0);
    expect(first?.throttled).toBeLessThan(10);
    // Every attempt reached the proxy: the 32 calls, plus one more for each throttled answer.
    const { CreateTable, PutItem = 0, Query = 0 } = first?.calls ?? {};
    expect(CreateTable).toBe(1);
    expect(PutItem + Query).toBe(32 + (first?.throttled ?? 0));
    expect(first).toMatchObject({ read: 31, stored: 31 });
  });
});

describe('the proxy counts request units as DynamoDB bills them', () => {
  it("reads the emulator's units for every item call, bills refused conditions, and answers only what was asked", async () => {
    // Prepare: 25 puts of small items (a unit each), then a Query over them with no units asked for.
    const { client, proxy } = await proxiedTable({});
    await client.send(new BatchWriteItemCommand({ RequestItems: { chaos: puts(25) } }));

    // Act
    const query = await client.send(
      new QueryCommand({
        TableName: 'chaos',
        KeyConditionExpression: 'info_type = :p',
        ExpressionAttributeValues: { ':p': { S: 'CURRENCY#USD' } },
      }),
    );
    const refused = client.send(
      new PutItemCommand({
        TableName: 'chaos',
        Item: puts(1)[0]!.PutRequest!.Item!,
        ConditionExpression: 'attribute_not_exists(info_type)',
      }),
    );
    await expect(refused).rejects.toThrow(/conditional/i);

    // Assess: the Query read 25 small items (under 4 KB together), eventually consistent: half a unit.
    expect(query.Count).toBe(25);
    expect(query.ConsumedCapacity).toBeUndefined();
    expect(proxy.capacity()).toEqual({
      readUnits: 0.5,
      writeUnits: 26,
      computedUnits: 1,
      indexWriteUnits: 0,
    });
  });
});
