import { describe, expect, it } from 'vitest';
import { s3RequestKind, signingKeyOf, type S3RequestShape } from './s3RequestKind.js';

const request = (method: string, url: string, headers: S3RequestShape['headers'] = {}): S3RequestShape => ({
  method,
  url,
  headers,
});

describe('s3RequestKind', () => {
  it.each([
    ['GET', '/', {}, 'ListBuckets'],
    ['PUT', '/gapless-lake', {}, 'CreateBucket'],
    ['PUT', '/gapless-lake/', {}, 'CreateBucket'],
    ['HEAD', '/gapless-lake', {}, 'HeadBucket'],
    ['GET', '/gapless-lake?list-type=2&prefix=lake%2F', {}, 'ListObjectsV2'],
    ['GET', '/gapless-lake/?prefix=lake%2F', {}, 'ListObjects'],
    ['DELETE', '/gapless-lake', {}, 'DeleteBucket'],
    ['POST', '/gapless-lake?delete', {}, 'DeleteObjects'],
    ['PUT', '/gapless-ingest/incoming/a%20b.csv', {}, 'PutObject'],
    [
      'PUT',
      '/gapless-ingest/raw/a.csv',
      { 'x-amz-copy-source': 'gapless-ingest/incoming/a.csv' },
      'CopyObject',
    ],
    ['PUT', '/b/big.csv?partNumber=2&uploadId=u1', {}, 'UploadPart'],
    ['GET', '/b/lake/series%3DCURRENCY%23USD/year%3D2024/part-0.parquet', {}, 'GetObject'],
    ['HEAD', '/b/incoming/a.csv', {}, 'HeadObject'],
    ['DELETE', '/b/incoming/a.csv', {}, 'DeleteObject'],
    ['DELETE', '/b/big.csv?uploadId=u1', {}, 'AbortMultipartUpload'],
    ['POST', '/b/big.csv?uploads', {}, 'CreateMultipartUpload'],
    ['POST', '/b/big.csv?uploadId=u1', {}, 'CompleteMultipartUpload'],
  ] as const)('%s %s is %s', (method, url, headers, kind) => {
    // Act
    const found = s3RequestKind(request(method, url, headers));

    // Assess
    expect(found).toBe(kind);
  });

  it.each([
    ['POST', '/'],
    ['GET', '/health'],
    ['GET', '/_fauxqs/queues'],
  ])('%s %s is not S3 (SQS, SNS, STS or fauxqs itself)', (method, url) => {
    // Act
    const found = s3RequestKind(request(method, url, { 'content-type': 'application/x-amz-json-1.0' }));

    // Assess
    expect(found).toBeUndefined();
  });
});

describe('signingKeyOf', () => {
  it('reads the access key of a SigV4 authorization header', () => {
    // Prepare
    const authorization =
      'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=ab12';

    // Act
    const key = signingKeyOf({ authorization });

    // Assess
    expect(key).toBe('local');
  });

  it('calls a request without a signature unsigned', () => {
    // Act
    const key = signingKeyOf({});

    // Assess
    expect(key).toBe('unsigned');
  });
});
