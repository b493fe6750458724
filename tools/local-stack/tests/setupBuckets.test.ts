import { HeadBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../src/cli.js';
import { startEmulators } from '../src/emulators.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(env: Record<string, string>) {
  const output = { out: '', err: '' };
  const io: CliIo = {
    out: (text) => (output.out += text),
    err: (text) => (output.err += text),
    env: { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', ...env },
    cwd: process.cwd(),
  };
  return { code: await main(['setup'], io), ...output };
}

async function emulatorsWithS3() {
  const emulators = await startEmulators();
  cleanups.push(() => emulators.stop());
  const s3 = new S3Client({
    endpoint: emulators.s3Endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  cleanups.push(async () => s3.destroy());
  return { emulators, s3 };
}

describe('npm run setup and the buckets', () => {
  it('creates the ingest and lake buckets on an S3 endpoint, named by INGEST_BUCKET and LAKE_BUCKET', async () => {
    // Prepare
    const { emulators, s3 } = await emulatorsWithS3();
    const env = {
      AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamoEndpoint,
      AWS_ENDPOINT_URL_SQS: emulators.sqsEndpoint,
      AWS_ENDPOINT_URL_S3: emulators.s3Endpoint,
      INGEST_BUCKET: 'my-ingest',
      LAKE_BUCKET: 'my-lake',
    };

    // Act
    const first = await setup(env);
    const again = await setup(env);

    // Assess
    expect(first.code, first.err).toBe(0);
    expect(first.out).toContain('ingest bucket my-ingest\nlake bucket my-lake\n');
    expect(again.code, again.err).toBe(0);
    await expect(s3.send(new HeadBucketCommand({ Bucket: 'my-ingest' }))).resolves.toBeDefined();
    await expect(s3.send(new HeadBucketCommand({ Bucket: 'my-lake' }))).resolves.toBeDefined();
  });

  it('makes no bucket without an S3 endpoint, and says so', async () => {
    // Prepare
    const { emulators, s3 } = await emulatorsWithS3();

    // Act
    const result = await setup({
      AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamoEndpoint,
      AWS_ENDPOINT_URL_SQS: emulators.sqsEndpoint,
    });

    // Assess
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain('no buckets: no S3 endpoint is set');
    expect((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
  });

  it('refuses a bucket name S3 would refuse, naming it', async () => {
    // Prepare
    const { emulators } = await emulatorsWithS3();

    // Act
    const result = await setup({
      AWS_ENDPOINT_URL: emulators.sqsEndpoint,
      AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamoEndpoint,
      LAKE_BUCKET: 'My_Lake',
    });

    // Assess
    expect(result.code).toBe(1);
    expect(result.err).toContain('bucket name "My_Lake" is not valid on S3');
  });
});
