import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { toAttributeMap } from '@gapless/aws-adapters';
import { ItemStatus, parseIsoDate } from '@gapless/pipeline-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHandler } from '../src/handler.js';
import type { LakeExportReport } from '../src/exportLake.js';
import {
  credentials,
  downloadLake,
  lakeKey,
  putItems,
  seededItems,
  seriesItem,
  startLakeEmulators,
  type LakeEmulators,
} from './lakeFixture.js';
import { readLakeWithDuckDb, tableDigests } from './lakeDigests.js';

// The handler in this process, with the real SDK clients, against dynalite and fauxqs's S3; the files read
// back by DuckDB (a Parquet reader that is not the writer, standing in for Athena).
const series = ['CURRENCY#USD', 'FUEL#DIESEL'];
const catalog = [
  { info_type: 'CURRENCY#USD', source: 'bcb-sgs', code: 1, calendar: 'BR-business', start: '2022-12-01' },
  { info_type: 'FUEL#DIESEL', source: 'ipea', code: 'ANP_PROLDIE', calendar: 'annual', start: '2022-01-01' },
];
const fileColumns = [
  ['date', 'DATE'],
  ['value', 'DOUBLE'],
  ['status', 'VARCHAR'],
  ['source', 'VARCHAR'],
  ['updated_at', 'TIMESTAMP WITH TIME ZONE'],
];
const scheduledEvent = {
  version: '0',
  id: 'run-1',
  'detail-type': 'Scheduled Event',
  source: 'aws.scheduler',
  account: '000000000000',
  time: '2024-03-01T04:00:00Z',
  region: 'us-east-1',
  resources: ['arn:aws:scheduler:us-east-1:000000000000:schedule/default/lake_export'],
  detail: {},
};

let emulators: LakeEmulators;
let handler: (event: unknown) => Promise<LakeExportReport>;
const scratch = mkdtempSync(join(tmpdir(), 'lake-export-'));

/** The keys fauxqs saw uploaded since the last call. */
function uploadedKeys(): string[] {
  const keys = emulators.fauxqs.spy
    .getAllMessages()
    .flatMap((message) => (message.service === 's3' && message.status === 'uploaded' ? [message.key] : []));
  emulators.fauxqs.spy.clear();
  return keys.sort();
}

beforeAll(async () => {
  emulators = await startLakeEmulators();
  await putItems(emulators, seededItems());
  const env = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamoEndpoint,
    AWS_ENDPOINT_URL_S3: emulators.s3Endpoint,
    TABLE_NAME: emulators.tableName,
    LAKE_BUCKET: emulators.bucket,
    SERIES_CATALOG: JSON.stringify(catalog),
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
  // The clients read the SDK's own variables from the process, as on Lambda.
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  handler = createHandler(process.env);
}, 60_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  await emulators?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('lake_export against the emulators', () => {
  it('writes one file per series and year, which DuckDB reads back as the table holds it', async () => {
    // Act
    const report = await handler(scheduledEvent);
    const dir = join(scratch, 'first');
    const keys = await downloadLake(emulators, 'lake/', dir);
    const lake = await readLakeWithDuckDb(dir, keys);
    const table = await tableDigests(emulators, series);

    // Assess: the files, one per partition of the table
    const partitions = [...table.keys()].sort();
    expect(partitions).toEqual([
      'CURRENCY#USD/2022',
      'CURRENCY#USD/2023',
      'CURRENCY#USD/2024',
      'FUEL#DIESEL/2022',
      'FUEL#DIESEL/2023',
      'FUEL#DIESEL/2024',
    ]);
    expect(keys).toEqual(
      partitions.map((partition) => {
        const [name, year] = partition.split('/');
        return lakeKey(name ?? '', Number(year));
      }),
    );
    expect(uploadedKeys()).toEqual(keys);
    expect(report.partitionsWritten).toBe(6);
    expect(report.series.map((one) => [one.infoType, one.partitionsWritten, one.keys.length])).toEqual([
      ['CURRENCY#USD', 3, 3],
      ['FUEL#DIESEL', 3, 3],
    ]);
    // Every file has the same five typed columns, whole numbers included (FUEL#DIESEL holds 5, 6, 7)
    for (const key of keys) expect(lake.schemas.get(key)).toEqual(fileColumns);
    // The partition columns come from the keys: `series` decoded back to the info_type
    expect(lake.partitionTypes).toEqual([
      ['series', 'VARCHAR'],
      ['year', 'BIGINT'],
    ]);
    // Per partition, the row count and the hash of the (date, value) pairs are the table's
    expect(lake.digests).toEqual(table);
    const rows = [...table.values()].reduce((sum, digest) => sum + digest.rows, 0);
    expect(report.series.reduce((sum, one) => sum + one.rows, 0)).toBe(rows);
  }, 60_000);

  it('rewrites only the partition whose value changed, then nothing when nothing changed', async () => {
    // Prepare
    uploadedKeys();
    const changed = seriesItem('CURRENCY#USD', parseIsoDate('2023-06-01'), ItemStatus.Ok, 9.8765);
    await emulators.dynamo.send(
      new PutItemCommand({ TableName: emulators.tableName, Item: toAttributeMap(changed) }),
    );

    // Act
    const second = await handler(scheduledEvent);
    const secondUploads = uploadedKeys();
    const third = await handler(scheduledEvent);
    const thirdUploads = uploadedKeys();
    const dir = join(scratch, 'second');
    const keys = await downloadLake(emulators, 'lake/', dir);
    const lake = await readLakeWithDuckDb(dir, keys);

    // Assess
    expect(secondUploads).toEqual([lakeKey('CURRENCY#USD', 2023)]);
    expect(
      second.series.map((one) => [one.infoType, one.partitionsWritten, one.partitionsUnchanged]),
    ).toEqual([
      ['CURRENCY#USD', 1, 2],
      ['FUEL#DIESEL', 0, 3],
    ]);
    expect(thirdUploads).toEqual([]);
    expect(third.partitionsWritten).toBe(0);
    expect(lake.digests).toEqual(await tableDigests(emulators, series));
  }, 60_000);

  it('rewrites every partition of one series when asked for a full export of it', async () => {
    // Prepare
    uploadedKeys();

    // Act
    const report = await handler({ series: ['FUEL#DIESEL'], full: true });

    // Assess
    expect(uploadedKeys()).toEqual([2022, 2023, 2024].map((year) => lakeKey('FUEL#DIESEL', year)));
    expect(report.series.map((one) => one.infoType)).toEqual(['FUEL#DIESEL']);
  }, 60_000);
});
