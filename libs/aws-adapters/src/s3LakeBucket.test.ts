import { PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { PipelineError } from '@gapless/pipeline-core';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { createS3LakeBucket } from './s3LakeBucket.js';

const s3 = mockClient(S3Client);
const key = 'lake/series=CURRENCY%23USD/year=2024/part-0.parquet';

beforeEach(() => {
  s3.reset();
});

describe('createS3LakeBucket', () => {
  it('writes a file with one PutObject, typed as Parquet', async () => {
    // Prepare
    s3.on(PutObjectCommand).resolves({});
    const bucket = createS3LakeBucket({
      bucket: 'gapless-lake',
      client: new S3Client({ region: 'us-east-1' }),
    });
    const body = new Uint8Array([0x50, 0x41, 0x52, 0x31]);

    // Act
    await bucket.putFile(key, body);

    // Assess
    expect(bucket.name).toBe('gapless-lake');
    expect(s3).toHaveReceivedCommandExactlyOnceWith(PutObjectCommand, {
      Bucket: 'gapless-lake',
      Key: key,
      Body: body,
      ContentType: 'application/vnd.apache.parquet',
    });
  });

  it('names the object and keeps the SDK error as cause when the PUT fails', async () => {
    // Prepare
    const denied = new S3ServiceException({
      name: 'AccessDenied',
      $fault: 'client',
      $metadata: { httpStatusCode: 403 },
      message: 'Access Denied',
    });
    s3.on(PutObjectCommand).rejects(denied);
    const bucket = createS3LakeBucket({
      bucket: 'gapless-lake',
      client: new S3Client({ region: 'us-east-1' }),
    });

    // Act
    const put = bucket.putFile(key, new Uint8Array(1));

    // Assess
    await expect(put).rejects.toThrow(PipelineError);
    await expect(put).rejects.toThrow(`S3 PutObject s3://gapless-lake/${key}: AccessDenied: Access Denied`);
    await expect(put).rejects.toHaveProperty('cause', denied);
  });
});
