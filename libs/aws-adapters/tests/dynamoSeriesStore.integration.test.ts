import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatIsoDate,
  parseIsoDate,
  type Day,
  type DueItem,
  type SeriesStore,
} from '@gapless/pipeline-core';
import { createDynamoSeriesStore } from '../src/dynamoSeriesStore.js';
import { shardOf } from '../src/shard.js';
import { tableDefinition } from '../src/tableDefinition.js';

// dynalite (the DynamoDB API in Node) in this process, on loopback, spoken to over HTTP by the real SDK.
const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as (options: { createTableMs: number }) => Server;
const server = dynalite({ createTableMs: 0 });
const tableName = 'gapless-integration';
const due = '2024-03-01T12:00:00.000Z';
const afterDue = '2024-03-01T13:00:00.000Z';
const beforeDue = '2024-03-01T11:00:00.000Z';
let client: DynamoDBClient;
let store: SeriesStore;

/** The table as `tableDefinition` describes it: string keys, both sparse indexes with their INCLUDE lists. */
async function createTable(): Promise<void> {
  const { partitionKey, sortKey, indexes } = tableDefinition;
  const indexList = Object.values(indexes);
  const keyNames = [
    partitionKey,
    sortKey,
    ...indexList.flatMap((index) => [index.partitionKey, index.sortKey]),
  ];
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: keyNames.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: partitionKey, KeyType: 'HASH' },
        { AttributeName: sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: indexList.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.nonKeyAttributes] },
      })),
    }),
  );
}

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  await createTable();
  store = createDynamoSeriesStore({ tableName, client, sleep: async () => {} });
});

afterAll(async () => {
  client.destroy();
  await new Promise((resolve) => server.close(resolve));
});

function makeDays(iso: string, count: number): Day[] {
  const first = parseIsoDate(iso);
  return Array.from({ length: count }, (_, index) => first + index);
}

async function readItem(infoType: string, day: Day): Promise<Record<string, AttributeValue> | undefined> {
  const key = { info_type: { S: infoType }, date: { S: formatIsoDate(day) } };
  const { Item } = await client.send(
    new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
  );
  return Item;
}

/** Due items of one series, from every shard of the retry-due index. */
async function dueOf(infoType: string, nowIso: string): Promise<DueItem[]> {
  const all = await store.dueItems(nowIso);
  return all.filter((item) => item.infoType === infoType).sort((a, b) => a.day - b.day);
}

describe('createDynamoSeriesStore against dynalite', () => {
  it('makes placeholder dates present and due, and good values take them off the retry path', async () => {
    // Prepare
    const series = 'TEST#PRESENT';
    const days = makeDays('2024-01-01', 60);

    // Act
    const placed = await store.writePlaceholders(series, days, due);
    const written = await store.writeValues(series, 'simulated', [{ day: days[0] as Day, value: 4.25 }]);

    // Assess
    expect(placed).toEqual({ unwritten: [], calls: 3, unprocessedRetries: 0 });
    expect(written.unwritten).toEqual([]);
    expect(Array.from(await store.presentDays(series))).toEqual(days);
    expect(Array.from(await store.presentDays(series, days[50]))).toEqual(days.slice(50));
    expect(await dueOf(series, beforeDue)).toEqual([]);
    const dueNow = await dueOf(series, afterDue);
    expect(dueNow.map((item) => item.day)).toEqual(days.slice(1));
    expect(dueNow.every((item) => item.status === 'PENDING' && item.retryCount === 0)).toBe(true);
    const ok = await readItem(series, days[0] as Day);
    expect(ok).toMatchObject({ status: { S: 'OK' }, value: { N: '4.25' }, source: { S: 'simulated' } });
    expect(ok).not.toHaveProperty('retry_shard');
  });

  it('walks PENDING -> RETRY -> QUARANTINED -> RETRY with conditional updates, never touching OK', async () => {
    // Prepare
    const series = 'TEST#MACHINE';
    const [good, pending, missing] = makeDays('2024-01-01', 3) as [Day, Day, Day];
    await store.writeValues(series, 'simulated', [{ day: good, value: 1.5 }]);
    await store.writePlaceholders(series, [pending], due);
    const okBefore = await readItem(series, good);
    const failure = (retryCount: number) => ({ error: 'HTTP 504', retryCount, retryDue: due });

    // Act / Assess
    expect(await store.recordFailure(series, { day: good, ...failure(0) })).toBe('left-alone');
    expect(await store.recordFailure(series, { day: pending, ...failure(0) })).toBe('recorded');
    expect(await store.recordFailure(series, { day: missing, ...failure(0) })).toBe('recorded');
    expect((await dueOf(series, afterDue)).map((item) => [item.day, item.status, item.lastError])).toEqual([
      [pending, 'RETRY', 'HTTP 504'],
      [missing, 'RETRY', 'HTTP 504'],
    ]);

    expect(await store.spendRetry(series, pending, 0, due)).toBe(true);
    expect(await store.spendRetry(series, pending, 0, due)).toBe(false);
    expect(await store.recordFailure(series, { day: pending, ...failure(0) })).toBe('left-alone');
    expect(await store.recordFailure(series, { day: pending, ...failure(1) })).toBe('recorded');

    expect(await store.quarantine(series, pending, 'HTTP 500', 1)).toBe(true);
    expect(await store.quarantine(series, good, 'HTTP 500', 1)).toBe(false);
    expect(await store.recordFailure(series, { day: pending, ...failure(1) })).toBe('left-alone');
    expect((await dueOf(series, afterDue)).map((item) => item.day)).toEqual([missing]);
    expect(await readItem(series, pending)).toMatchObject({
      status: { S: 'QUARANTINED' },
      retry_count: { N: '1' },
      last_error: { S: 'HTTP 500' },
      quarantine_shard: { S: `QUARANTINE#${shardOf(series, formatIsoDate(pending))}` },
      quarantine_key: { S: `${series}#${formatIsoDate(pending)}` },
    });
    expect(await readItem(series, pending)).not.toHaveProperty('retry_due');
    expect(await readItem(series, good)).toEqual(okBefore);

    expect(await store.release(series, pending, due)).toBe(true);
    expect(await store.release(series, pending, due)).toBe(false);
    expect(await store.release(series, good, due)).toBe(false);
    expect(await store.listQuarantined(series)).toEqual([]);
    expect((await dueOf(series, afterDue)).map((item) => [item.day, item.retryCount])).toEqual([
      [pending, 0],
      [missing, 0],
    ]);
    expect(await readItem(series, pending)).not.toHaveProperty('quarantine_key');
    expect(await readItem(series, good)).toEqual(okBefore);
  });

  it('lists quarantined dates per series (prefix on the index sort key) and across series', async () => {
    // Prepare
    const days = makeDays('2024-02-01', 12);
    for (const series of ['TEST#Q', 'TEST#QX']) {
      await store.writePlaceholders(series, days, due);
      for (const day of days)
        expect(await store.quarantine(series, day, `gave up on ${series}`, 5)).toBe(true);
    }

    // Act
    const one = await store.listQuarantined('TEST#Q');
    const all = await store.listQuarantined();

    // Assess
    expect(one.map((item) => item.day)).toEqual(days);
    expect(one.every((item) => item.infoType === 'TEST#Q' && item.retryCount === 5)).toBe(true);
    expect(one[0]).toMatchObject({ lastError: 'gave up on TEST#Q', updatedAt: expect.any(String) });
    const mine = all.filter((item) => item.infoType.startsWith('TEST#Q'));
    expect(mine.map((item) => `${item.infoType} ${formatIsoDate(item.day)}`)).toEqual([
      ...days.map((day) => `TEST#Q ${formatIsoDate(day)}`),
      ...days.map((day) => `TEST#QX ${formatIsoDate(day)}`),
    ]);
  });

  it('round-trips the watermark', async () => {
    // Prepare
    const series = 'TEST#WATERMARK';

    // Act
    const before = await store.readWatermark(series);
    await store.writeWatermark(series, parseIsoDate('2024-02-29'));
    await store.writeWatermark(series, parseIsoDate('2024-03-01'));

    // Assess
    expect(before).toBeUndefined();
    expect(await store.readWatermark(series)).toBe(parseIsoDate('2024-03-01'));
    expect(Array.from(await store.presentDays(series))).toEqual([]);
  });

  it('claims an attempt once; another attempt of the same stream is a new claim', async () => {
    // Prepare
    const [first, last] = [parseIsoDate('2024-01-02'), parseIsoDate('2024-01-31')];

    // Act
    const claims = [
      await store.claimAttempt('TEST#CLAIM', first, last, 0),
      await store.claimAttempt('TEST#CLAIM', first, last, 0),
      await store.claimAttempt('TEST#CLAIM', first, last, 1),
    ];

    // Assess
    expect(claims).toEqual([true, false, true]);
    expect(Array.from(await store.presentDays('TEST#CLAIM'))).toEqual([]);
  });
});
