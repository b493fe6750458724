import { BatchWriteItemCommand, DynamoDBClient, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { toAttributeMap } from '@gapless/aws-adapters';
import { createPipelineTable } from '@gapless/aws-adapters/testing/table';
import { ItemStatus, parseIsoDate, type SeriesItem } from '@gapless/pipeline-core';
import { startFauxqs, type FauxqsServer } from 'fauxqs';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';

export type Item = Record<string, AttributeValue>;

/** The lake's emulators: dynalite (DynamoDB) and fauxqs (S3) in this process, on loopback ports. */
export interface LakeEmulators {
  readonly dynamoEndpoint: string;
  readonly s3Endpoint: string;
  readonly fauxqs: FauxqsServer;
  readonly dynamo: DynamoDBClient;
  readonly s3: S3Client;
  readonly tableName: string;
  readonly bucket: string;
  stop(): Promise<void>;
}

export const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Starts both emulators, creates the table (from `tableDefinition`) and the lake bucket. */
export async function startLakeEmulators(): Promise<LakeEmulators> {
  const require = createRequire(import.meta.url);
  const dynalite = require('dynalite') as (options: { createTableMs: number }) => Server;
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dynamoEndpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const fauxqs = await startFauxqs({ port: 0, logger: false, messageSpies: true });
  const tableName = 'gapless-lake-test';
  const bucket = 'gapless-lake';
  fauxqs.createBucket(bucket);
  const dynamo = new DynamoDBClient({ endpoint: dynamoEndpoint, region: 'us-east-1', credentials });
  const s3 = new S3Client({
    endpoint: fauxqs.address,
    region: 'us-east-1',
    credentials,
    forcePathStyle: true,
  });
  await createPipelineTable(dynamo, tableName);
  return {
    dynamoEndpoint,
    s3Endpoint: fauxqs.address,
    fauxqs,
    dynamo,
    s3,
    tableName,
    bucket,
    async stop() {
      dynamo.destroy();
      s3.destroy();
      await fauxqs.stop();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Writes items with BatchWriteItem, 25 a call, until none is left unprocessed. */
export async function putItems(emulators: LakeEmulators, items: readonly Item[]): Promise<void> {
  for (let start = 0; start < items.length; start += 25) {
    let requests = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
    while (requests.length > 0) {
      const output = await emulators.dynamo.send(
        new BatchWriteItemCommand({ RequestItems: { [emulators.tableName]: requests } }),
      );
      requests = (output.UnprocessedItems?.[emulators.tableName] ?? []) as typeof requests;
    }
  }
}

/**
 * Two series over three years, as the pipeline leaves them: USD on weekdays from 2022-12-01 to 2024-02-29
 * (a seeded walk of four-decimal values, some dates ABSENT, QUARANTINED or still RETRY), and an annual
 * series whose values are whole numbers. Plus a lease and a watermark, which are not series.
 */
export function seededItems(): Item[] {
  const items: Item[] = [];
  let value = 5.2;
  let seed = 7;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  for (let day = parseIsoDate('2022-12-01'); day <= parseIsoDate('2024-02-29'); day += 1) {
    const weekday = (((day + 4) % 7) + 7) % 7;
    if (weekday === 0 || weekday === 6) continue;
    value = Math.round((value + (next() - 0.5) * 0.06) * 10_000) / 10_000;
    const roll = next();
    const status =
      roll < 0.02
        ? ItemStatus.Absent
        : roll < 0.04
          ? ItemStatus.Quarantined
          : roll < 0.06
            ? ItemStatus.Retry
            : ItemStatus.Ok;
    items.push(toAttributeMap(seriesItem('CURRENCY#USD', day, status, value)));
  }
  for (const [date, whole] of [
    ['2022-01-01', 5],
    ['2023-01-01', 6],
    ['2024-01-01', 7],
  ] as const) {
    items.push(toAttributeMap(seriesItem('FUEL#DIESEL', parseIsoDate(date), ItemStatus.Ok, whole)));
  }
  items.push(
    {
      info_type: { S: 'LEASE#CURRENCY#USD' },
      date: { S: '2024-03-01' },
      status: { S: 'LEASE' },
      lease_id: { S: 'lease-1' },
      last: { S: '2024-03-05' },
      updated_at: { S: '2024-03-01T00:00:00.000Z' },
    },
    { info_type: { S: 'META#WATERMARK' }, date: { S: 'CURRENCY#USD' }, through: { S: '2024-02-29' } },
  );
  return items;
}

/** A series item in `status`, as the scraper or retry path writes it. */
export function seriesItem(infoType: string, day: number, status: ItemStatus, value: number): SeriesItem {
  const updatedAt = new Date(Date.UTC(2024, 2, 1) + (day % 1000) * 1000).toISOString();
  if (status === ItemStatus.Ok)
    return { infoType, day, value, status, retryCount: 0, updatedAt, source: 'bcb-sgs' };
  return {
    infoType,
    day,
    value: null,
    status,
    retryCount: status === ItemStatus.Retry ? 1 : 5,
    updatedAt,
    lastError: 'bcb-sgs: HTTP 503',
    ...(status === ItemStatus.Retry ? { retryDue: updatedAt } : {}),
  };
}

/** Every object under `prefix`, saved under `dir` at its key; answers the keys. */
export async function downloadLake(emulators: LakeEmulators, prefix: string, dir: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await emulators.s3.send(
      new ListObjectsV2Command({ Bucket: emulators.bucket, Prefix: prefix, ContinuationToken: token }),
    );
    keys.push(...(page.Contents ?? []).map((object) => object.Key ?? ''));
    token = page.NextContinuationToken;
  } while (token);
  for (const key of keys) {
    const object = await emulators.s3.send(new GetObjectCommand({ Bucket: emulators.bucket, Key: key }));
    const path = join(dir, key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(
      path,
      await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
    );
  }
  return keys.sort();
}

/** The key of a partition's file as the layout names it, written out for the test. */
export const lakeKey = (series: string, year: number) =>
  `lake/series=${series.replace('#', '%23')}/year=${year}/part-0.parquet`;
