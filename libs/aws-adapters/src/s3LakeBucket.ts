import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { describeError, PipelineError, type LakeBucket } from '@gapless/pipeline-core';
import { createS3Client } from './s3Client.js';

/** The media type of a Parquet file (registered with IANA in 2024). */
export const parquetContentType = 'application/vnd.apache.parquet';

export interface S3LakeBucketOptions {
  readonly bucket: string;
  /** Defaults to {@link createS3Client}: the SDK's variables, path-style on an emulator. */
  readonly client?: S3Client;
}

/**
 * The lake bucket: one PutObject per file (a partition's file is a few kilobytes, far below the 5 GB of a
 * single PUT), which overwrites the object in place. Encryption is the bucket's default. A failed PUT
 * becomes a PipelineError naming the object, with the SDK's error as `cause`.
 */
export function createS3LakeBucket(options: S3LakeBucketOptions): LakeBucket {
  const client = options.client ?? createS3Client();
  const bucket = options.bucket;
  return {
    name: bucket,
    async putFile(key, body) {
      try {
        await client.send(
          new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: parquetContentType }),
        );
      } catch (error) {
        throw new PipelineError(`S3 PutObject s3://${bucket}/${key}: ${describeError(error)}`, {
          cause: error,
        });
      }
    },
  };
}
