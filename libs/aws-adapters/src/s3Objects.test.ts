import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
  type GetObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { ObjectAbsence, ObjectStoreError } from '@gapless/pipeline-core';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { createS3ObjectStore } from './s3Objects.js';

const s3 = mockClient(S3Client);
const store = () => createS3ObjectStore({ client: new S3Client({}) });
const MiB = 1024 * 1024;

const preconditionFailed = () =>
  new S3ServiceException({
    name: 'PreconditionFailed',
    $fault: 'client',
    $metadata: { httpStatusCode: 412 },
    message: 'At least one of the pre-conditions you specified did not hold',
  });

beforeEach(() => {
  s3.reset();
});

describe('createS3ObjectStore', () => {
  it("streams an object's body and names its version, asking for the one the caller expects", async () => {
    // Prepare
    s3.on(GetObjectCommand).resolves({
      Body: Readable.from([
        Buffer.from('a,b\n'),
        Buffer.from('1,2\n'),
      ]) as unknown as GetObjectCommandOutput['Body'],
      ETag: '"v1"',
      ContentLength: 8,
    });

    // Act
    const opened = await store().open('bucket', 'incoming/x.csv', 'v1');
    const chunks: string[] = [];
    if (typeof opened !== 'string')
      for await (const chunk of opened.body) chunks.push(Buffer.from(chunk).toString());

    // Assess
    expect(s3).toHaveReceivedCommandExactlyOnceWith(GetObjectCommand, {
      Bucket: 'bucket',
      Key: 'incoming/x.csv',
      IfMatch: '"v1"',
    });
    expect(opened).toMatchObject({ etag: '"v1"', size: 8 });
    expect(chunks).toEqual(['a,b\n', '1,2\n']);
  });

  it('answers a missing key and a replaced version as outcomes, not errors', async () => {
    // Prepare
    s3.on(GetObjectCommand, { Key: 'gone' }).rejects(
      new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }),
    );
    s3.on(GetObjectCommand, { Key: 'replaced' }).rejects(preconditionFailed());
    s3.on(HeadObjectCommand).rejects(new NotFound({ message: 'Not Found', $metadata: {} }));
    s3.on(CopyObjectCommand).rejects(preconditionFailed());
    const objects = store();

    // Act
    const answers = [
      await objects.open('bucket', 'gone'),
      await objects.open('bucket', 'replaced', '"v1"'),
      await objects.head('bucket', 'gone'),
      await objects.copy('bucket', 'incoming/a b.csv', 'raw/a b.csv', 'v1'),
    ];

    // Assess
    expect(answers).toEqual([
      ObjectAbsence.Missing,
      ObjectAbsence.Changed,
      ObjectAbsence.Missing,
      ObjectAbsence.Changed,
    ]);
    expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, {
      Bucket: 'bucket',
      Key: 'raw/a b.csv',
      CopySource: 'bucket/incoming/a%20b.csv',
      CopySourceIfMatch: '"v1"',
    });
  });

  it('turns any other failure into an ObjectStoreError naming the call and the object', async () => {
    // Prepare
    s3.on(HeadObjectCommand).rejects(
      new S3ServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: {},
        message: 'Access Denied',
      }),
    );

    // Act
    const failure = await store()
      .head('bucket', 'incoming/x.csv')
      .catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(ObjectStoreError);
    expect((failure as Error).message).toBe(
      'S3 HeadObject s3://bucket/incoming/x.csv: AccessDenied: Access Denied',
    );
  });

  it('stores a short text with one PutObject', async () => {
    // Prepare
    s3.on(PutObjectCommand).resolves({});
    const writer = store().textWriter('bucket', 'rejected/x.csv', 'text/csv');

    // Act
    await writer.write('line,reason\n');
    await writer.write('2,bad\n');
    await writer.finish();

    // Assess
    expect(s3).toHaveReceivedCommandExactlyOnceWith(PutObjectCommand, {
      Bucket: 'bucket',
      Key: 'rejected/x.csv',
      ContentType: 'text/csv',
      Body: Buffer.from('line,reason\n2,bad\n'),
    });
    expect(s3).not.toHaveReceivedCommand(CreateMultipartUploadCommand);
  });

  it('streams a long text in parts of the set size, holding at most one part', async () => {
    // Prepare
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u1' });
    s3.on(UploadPartCommand).callsFake((input: { PartNumber: number }) => ({
      ETag: `"p${input.PartNumber}"`,
    }));
    s3.on(CompleteMultipartUploadCommand).resolves({});
    const writer = createS3ObjectStore({ client: new S3Client({}), partBytes: 5 * MiB }).textWriter(
      'bucket',
      'rejected/x.csv',
      'text/csv',
    );
    const line = `${'x'.repeat(MiB - 1)}\n`;

    // Act: 11 MiB of text
    for (let count = 0; count < 11; count += 1) await writer.write(line);
    await writer.finish();

    // Assess
    const parts = s3
      .commandCalls(UploadPartCommand)
      .map((call) => [call.args[0].input.PartNumber, (call.args[0].input.Body as Buffer).length]);
    expect(parts).toEqual([
      [1, 5 * MiB],
      [2, 5 * MiB],
      [3, MiB],
    ]);
    expect(s3).toHaveReceivedCommandExactlyOnceWith(CompleteMultipartUploadCommand, {
      Bucket: 'bucket',
      Key: 'rejected/x.csv',
      UploadId: 'u1',
      MultipartUpload: {
        Parts: [
          { ETag: '"p1"', PartNumber: 1 },
          { ETag: '"p2"', PartNumber: 2 },
          { ETag: '"p3"', PartNumber: 3 },
        ],
      },
    });
  });

  it('aborts a multipart upload it started, and does nothing for a text never sent', async () => {
    // Prepare
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u1' });
    s3.on(UploadPartCommand).resolves({ ETag: '"p1"' });
    s3.on(AbortMultipartUploadCommand).resolves({});
    const objects = createS3ObjectStore({ client: new S3Client({}), partBytes: 5 * MiB });
    const started = objects.textWriter('bucket', 'rejected/a.csv', 'text/csv');
    const short = objects.textWriter('bucket', 'rejected/b.csv', 'text/csv');

    // Act
    await started.write('x'.repeat(5 * MiB));
    await started.abort();
    await short.write('x');
    await short.abort();

    // Assess
    expect(s3).toHaveReceivedCommandExactlyOnceWith(AbortMultipartUploadCommand, {
      Bucket: 'bucket',
      Key: 'rejected/a.csv',
      UploadId: 'u1',
    });
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  it('refuses a part size below what S3 takes', () => {
    // Act
    const act = () => createS3ObjectStore({ client: new S3Client({}), partBytes: MiB });

    // Assess
    expect(act).toThrow("partBytes must be an integer of at least 5242880 (S3's least part), got 1048576");
  });
});
