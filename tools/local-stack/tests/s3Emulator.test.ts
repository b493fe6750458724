import {
  CopyObjectCommand,
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulators, type Emulators } from '../src/emulators.js';
import { LocalStackError } from '../src/errors.js';
import { ensureBuckets } from '../src/s3Buckets.js';
import { uploadFile } from '../src/uploadFile.js';
import { temporaryDir } from './helpers.js';

// The S3 that csv_ingest and lake_export meet locally: fauxqs 1.9.2, spoken to with the real SDK, path-style,
// as `createS3Client()` builds it when AWS_ENDPOINT_URL_S3 is set.
let emulators: Emulators;
let s3: S3Client;
let dir: string;
let removeDir: () => Promise<void>;
const bucket = 'gapless-ingest';

function client(accessKeyId: string): S3Client {
  return new S3Client({
    endpoint: emulators.s3Endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

beforeAll(async () => {
  emulators = await startEmulators();
  s3 = client('local');
  await ensureBuckets(s3, [bucket]);
  ({ dir, remove: removeDir } = await temporaryDir('s3-emulator-'));
});

afterAll(async () => {
  s3.destroy();
  await emulators.stop();
  await removeDir();
});

async function text(key: string): Promise<string> {
  const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await Body?.transformToString()) ?? '';
}

async function status(act: () => Promise<unknown>): Promise<number | 'ok'> {
  try {
    await act();
    return 'ok';
  } catch (error) {
    return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? -1;
  }
}

describe('fauxqs S3 through the real SDK (path-style)', () => {
  it('stores, reads, heads and copies keys with #, +, spaces and accents', async () => {
    // Prepare
    const key = 'incoming/São Paulo #1+2.csv';
    const body = 'info_type,date,value\nCURRENCY#USD,2010-01-04,1.7412\n';

    // Act
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'text/csv' }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    // CopySource is bucket/key URL-encoded, as S3 requires and csv_ingest sends it.
    await s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: 'raw/São Paulo #1+2.csv',
        CopySource: `${bucket}/${encodeURIComponent(key)}`,
      }),
    );

    // Assess
    expect(await text(key)).toBe(body);
    expect(head).toMatchObject({ ContentLength: Buffer.byteLength(body), ContentType: 'text/csv' });
    expect(head.ETag).toBe(`"${createHash('md5').update(body).digest('hex')}"`);
    expect(await text('raw/São Paulo #1+2.csv')).toBe(body);
  });

  it('answers a missing key as S3 does: NoSuchKey on GET, 404 on HEAD', async () => {
    // Act
    const get = await status(() =>
      s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'incoming/none.csv' })),
    );
    const head = await status(() =>
      s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'incoming/none.csv' })),
    );

    // Assess
    expect(get).toBe(404);
    expect(head).toBe(404);
  });

  it('pages ListObjectsV2 with continuation tokens under a prefix', async () => {
    // Prepare
    const keys = Array.from({ length: 7 }, (_, index) => `page/part-${index}.txt`);
    for (const key of keys) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));

    // Act
    const listed: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: 'page/', MaxKeys: 3, ContinuationToken: token }),
      );
      listed.push(...(page.Contents ?? []).map((object) => object.Key ?? ''));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
      pages += 1;
    } while (token !== undefined);

    // Assess
    expect(pages).toBe(3);
    expect(listed).toEqual(keys);
  });

  it('takes a 100 MB file in parts and streams it back intact', async () => {
    // Prepare: 100 MiB of varied bytes, written in chunks (never whole in memory).
    const path = join(dir, '100mb.csv');
    const written = createHash('sha256');
    const out = createWriteStream(path);
    for (let chunk = 0; chunk < 100; chunk += 1) {
      const bytes = Buffer.alloc(1024 * 1024, `${chunk},2010-01-04,${chunk * 1.5}\n`);
      written.update(bytes);
      if (!out.write(bytes)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    await new Promise<void>((resolve) => out.end(() => resolve()));

    // Act
    const object = await uploadFile(s3, path, bucket, 'incoming/100mb.csv');
    const { Body, ContentLength } = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: 'incoming/100mb.csv' }),
    );
    const read = createHash('sha256');
    let bytes = 0;
    for await (const chunk of Body as Readable) {
      read.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }

    // Assess
    expect(object).toMatchObject({
      size: 100 * 1024 * 1024,
      eventName: 'ObjectCreated:CompleteMultipartUpload',
    });
    expect(object.eTag).toMatch(/^"[0-9a-f]{32}-13"$/);
    expect(ContentLength).toBe(100 * 1024 * 1024);
    expect(bytes).toBe(100 * 1024 * 1024);
    expect(read.digest('hex')).toBe(written.digest('hex'));
  }, 60_000);

  it('counts the S3 requests by the key that signed them and by operation', async () => {
    // Prepare
    const tool = client('local-stack-test-tool');
    const before = emulators.s3Requests().get('local-stack-test-tool') ?? {};

    // Act
    await tool.send(new PutObjectCommand({ Bucket: bucket, Key: 'count/a', Body: 'a' }));
    await tool.send(new GetObjectCommand({ Bucket: bucket, Key: 'count/a' }));
    await tool.send(new HeadObjectCommand({ Bucket: bucket, Key: 'count/a' }));
    await tool.send(
      new CopyObjectCommand({ Bucket: bucket, Key: 'count/b', CopySource: `${bucket}/count/a` }),
    );
    await tool.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'count/' }));
    tool.destroy();

    // Assess
    expect(before).toEqual({});
    expect(emulators.s3Requests().get('local-stack-test-tool')).toEqual({
      PutObject: 1,
      GetObject: 1,
      HeadObject: 1,
      CopyObject: 1,
      ListObjectsV2: 1,
    });
  });

  it('refuses a bucket name S3 would refuse, before asking the emulator', async () => {
    // Act
    const act = ensureBuckets(s3, ['Gapless_Ingest']);

    // Assess
    await expect(act).rejects.toThrow(LocalStackError);
    await expect(act).rejects.toThrow('bucket name "Gapless_Ingest" is not valid on S3');
  });
});

// Where fauxqs 1.9.2 is not S3. Each is pinned so an upgrade that fixes it fails here and the README's list
// of differences gets updated.
describe('fauxqs S3 differs from S3', () => {
  it('refuses a single PutObject over 11 MiB (S3 takes 5 GiB): larger uploads go in parts', async () => {
    // Act
    const code = await status(() =>
      s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: 'big/12mib', Body: Buffer.alloc(12 * 1024 * 1024) }),
      ),
    );

    // Assess
    expect(code).toBe(413);
  });

  it('lists keys in locale order, not in the UTF-8 byte order S3 uses', async () => {
    // Prepare
    const keys = ['order/B', 'order/a', 'order/_'];
    for (const key of keys) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));

    // Act
    const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'order/' }));

    // Assess
    expect(Contents.map((object) => object.Key)).toEqual(['order/_', 'order/a', 'order/B']);
    expect([...keys].sort()).toEqual(['order/B', 'order/_', 'order/a']);
  });

  it('creates a bucket with a name S3 refuses', async () => {
    // Act
    const code = await status(() => s3.send(new CreateBucketCommand({ Bucket: 'Not_Valid' })));

    // Assess
    expect(code).toBe('ok');
  });

  it('ignores conditions and digests: If-None-Match: * on PutObject, CopySourceIfMatch, Content-MD5, CRC32', async () => {
    // Prepare
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'cond/a', Body: 'first' }));

    // Act
    const conditional = await status(() =>
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'cond/a', Body: 'second', IfNoneMatch: '*' })),
    );
    const wrongDigest = await status(() =>
      s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: 'cond/b',
          Body: 'abc',
          ContentMD5: createHash('md5').update('xyz').digest('base64'),
        }),
      ),
    );

    const wrongChecksum = await status(() =>
      s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: 'cond/c', Body: 'abc', ChecksumCRC32: 'AAAAAA==' }),
      ),
    );
    const copyIfMatch = await status(() =>
      s3.send(
        new CopyObjectCommand({
          Bucket: bucket,
          Key: 'cond/d',
          CopySource: `${bucket}/cond/a`,
          CopySourceIfMatch: '"00000000000000000000000000000000"',
        }),
      ),
    );

    // Assess: S3 answers 412 PreconditionFailed, 400 BadDigest, 400 BadDigest and 412.
    expect(conditional).toBe('ok');
    expect(await text('cond/a')).toBe('second');
    expect(wrongDigest).toBe('ok');
    expect(wrongChecksum).toBe('ok');
    expect(copyIfMatch).toBe('ok');
  });

  it('honours If-Match on GetObject, as S3 does', async () => {
    // Prepare
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'cond/e', Body: 'e' }));

    // Act
    const code = await status(() =>
      s3.send(
        new GetObjectCommand({
          Bucket: bucket,
          Key: 'cond/e',
          IfMatch: '"00000000000000000000000000000000"',
        }),
      ),
    );

    // Assess
    expect(code).toBe(412);
  });
});
