import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { restoreBuckets, saveBuckets } from '../src/bucketMirror.js';
import { startEmulators } from '../src/emulators.js';
import { LocalStackError } from '../src/errors.js';
import { ensureBuckets } from '../src/s3Buckets.js';
import { temporaryDir } from './helpers.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A fresh S3 emulator with the two buckets, as each local run starts one. */
async function freshS3(): Promise<S3Client> {
  const emulators = await startEmulators();
  cleanups.push(() => emulators.stop());
  const s3 = new S3Client({
    endpoint: emulators.s3Endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'local-stack', secretAccessKey: 'local' },
  });
  cleanups.push(async () => s3.destroy());
  await ensureBuckets(s3, ['gapless-ingest', 'gapless-lake']);
  return s3;
}

async function keysAndBodies(s3: S3Client, bucket: string): Promise<Record<string, string>> {
  const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  const objects: Record<string, string> = {};
  for (const { Key = '' } of Contents) {
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
    objects[Key] = (await Body?.transformToString('latin1')) ?? '';
  }
  return objects;
}

describe('the buckets kept in a data directory', () => {
  it('are saved as files named by their keys and come back in the next run', async () => {
    // Prepare
    const { dir, remove } = await temporaryDir('bucket-mirror-');
    cleanups.push(remove);
    const first = await freshS3();
    const objects = {
      'incoming/my file #1.csv': 'info_type,date,value\n',
      'lake/series=CURRENCY%23USD/year=2024/part-0.parquet': 'PAR1\u0000\u00ff binary PAR1',
    };
    await first.send(
      new PutObjectCommand({
        Bucket: 'gapless-ingest',
        Key: 'incoming/my file #1.csv',
        Body: objects['incoming/my file #1.csv'],
      }),
    );
    const lakeKey = 'lake/series=CURRENCY%23USD/year=2024/part-0.parquet';
    await first.send(
      new PutObjectCommand({
        Bucket: 'gapless-lake',
        Key: lakeKey,
        Body: Buffer.from(objects[lakeKey], 'latin1'),
      }),
    );

    // Act
    const saved = await saveBuckets(first, ['gapless-ingest', 'gapless-lake'], dir);
    const second = await freshS3();
    const restored = await restoreBuckets(second, ['gapless-ingest', 'gapless-lake'], dir);

    // Assess
    expect([saved, restored]).toEqual([2, 2]);
    expect(await readFile(join(dir, 'gapless-ingest', 'incoming', 'my file #1.csv'), 'utf8')).toBe(
      'info_type,date,value\n',
    );
    expect(await keysAndBodies(second, 'gapless-ingest')).toEqual({
      'incoming/my file #1.csv': objects['incoming/my file #1.csv'],
    });
    expect(await keysAndBodies(second, 'gapless-lake')).toEqual({ [lakeKey]: objects[lakeKey] });
  });

  it('refuses a key that cannot be a file path, naming it', async () => {
    // Prepare
    const { dir, remove } = await temporaryDir('bucket-mirror-');
    cleanups.push(remove);
    const s3 = await freshS3();
    await s3.send(new PutObjectCommand({ Bucket: 'gapless-lake', Key: 'lake/../escape', Body: 'x' }));

    // Act
    const act = saveBuckets(s3, ['gapless-lake'], dir);

    // Assess
    await expect(act).rejects.toThrow(LocalStackError);
    await expect(act).rejects.toThrow('cannot save s3://gapless-lake/lake/../escape');
  });

  it('restores nothing from a data directory that has no buckets yet', async () => {
    // Prepare
    const { dir, remove } = await temporaryDir('bucket-mirror-');
    cleanups.push(remove);
    const s3 = await freshS3();

    // Act
    const restored = await restoreBuckets(s3, ['gapless-ingest'], join(dir, 's3'));

    // Assess
    expect(restored).toBe(0);
  });
});
