import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundle, invokeBundle, type BuiltBundle } from './bundle.js';
import {
  createBucket,
  createPipelineTable,
  credentials,
  itemsOf,
  readText,
  region,
  startTestEmulators,
  upload,
  type TestEmulators,
} from './emulators.js';
import { s3Event } from './s3Events.js';

// The zip exactly as `nx build csv_ingest` makes it, run in a fresh Node process that has never seen the
// sources, with only the variables Lambda would give it, against fauxqs (S3) and dynalite behind a proxy that
// counts item writes on the wire.
const bucket = 'gapless-ingest';
const tableName = 'gapless';
const scratch = mkdtempSync(join(tmpdir(), 'csv-ingest-zip-'));
let bundle: BuiltBundle;
let emulators: TestEmulators;

function lambdaEnv(): Record<string, string> {
  return {
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_ENDPOINT_URL_S3: emulators.s3Endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamoEndpoint,
    TABLE_NAME: tableName,
  };
}

describe('the csv_ingest zip in a fresh process', () => {
  beforeAll(async () => {
    bundle = await buildBundle(join(scratch, 'build'));
    emulators = await startTestEmulators('dynalite');
    await createBucket(emulators.s3, bucket);
    await createPipelineTable(emulators.dynamo, tableName);
  }, 120_000);

  afterAll(async () => {
    await emulators?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('stays a small bundle', () => {
    // Assess: the S3 client is its largest part; the budget keeps it from growing unseen
    expect(bundle.zipBytes).toBeLessThanOrEqual(200_000);
  });

  it('ingests an upload named by a real-shaped S3 event, and writes nothing when the event comes again', async () => {
    // Prepare
    const key = 'incoming/usd history (2024).csv';
    const text =
      'info_type,date,value,source\r\nCURRENCY#USD,2024-01-02,4.8916,BCB\r\nCURRENCY#USD,2024-01-03,4.9,BCB\r\nCURRENCY#USD,2024-01-06,4.9,BCB\r\n';
    await upload(emulators.s3, bucket, key, text);
    const { ETag } = await emulators.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    const event = s3Event(bucket, key, {
      size: Buffer.byteLength(text),
      eTag: ETag?.replace(/"/g, '') ?? '',
    });

    // Act
    const first = await invokeBundle(bundle.indexFile, event, lambdaEnv());
    const writesAfterFirst = { ...emulators.wire };
    const again = await invokeBundle(bundle.indexFile, event, lambdaEnv());

    // Assess
    expect(first.result).toEqual({
      files: [
        {
          bucket,
          key,
          status: 'ingested',
          rowsRead: 3,
          rowsWritten: 2,
          rowsSkippedOk: 0,
          rowsRejected: 1,
          rowsOverwritten: 0,
          itemWrites: 2,
          rawKey: 'raw/usd history (2024).csv',
          rejectedKey: 'rejected/usd history (2024).csv.rejected.csv',
        },
      ],
    });
    expect(writesAfterFirst).toEqual({ batchWriteCalls: 1, batchWriteItems: 2, putItems: 0 });
    expect(again.result).toMatchObject({
      files: [{ status: 'ingested', rowsWritten: 0, rowsSkippedOk: 2, itemWrites: 0 }],
    });
    expect(emulators.wire).toEqual(writesAfterFirst);
    const items = await itemsOf(emulators.dynamo, tableName, 'CURRENCY#USD');
    expect(
      items.map((item) => [item['date']?.S, item['value']?.N, item['status']?.S, item['source']?.S]),
    ).toEqual([
      ['2024-01-02', '4.8916', 'OK', `file:${key}|BCB`],
      ['2024-01-03', '4.9', 'OK', `file:${key}|BCB`],
    ]);
    expect(await readText(emulators.s3, bucket, 'rejected/usd history (2024).csv.rejected.csv')).toBe(
      "line,info_type,date,value,reason\n4,CURRENCY#USD,2024-01-06,4.9,date 2024-01-06 is not on CURRENCY#USD's BR-business calendar\n",
    );
    expect(first.logLines).toContainEqual(
      expect.objectContaining({ level: 'INFO', message: 'file ingested', key, rowsWritten: 2 }),
    );
  }, 60_000);

  it("answers the deploy's smoke event, as sync-lambdas sends it, with no file and no call", async () => {
    // Prepare
    const smokeEvent: unknown = JSON.parse(
      readFileSync(new URL('../smoke-event.json', import.meta.url), 'utf8'),
    );
    const before = { ...emulators.wire };

    // Act
    const run = await invokeBundle(bundle.indexFile, smokeEvent, lambdaEnv());

    // Assess
    expect(run.result).toEqual({ files: [] });
    expect(run.logLines).toEqual([]);
    expect(emulators.wire).toEqual(before);
  }, 60_000);
});
