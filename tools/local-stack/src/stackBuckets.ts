import { S3Client } from '@aws-sdk/client-s3';
import { mirrorDir, restoreBuckets, saveBuckets } from './bucketMirror.js';
import { ensureBuckets, localBucketNames, type BucketNames } from './s3Buckets.js';

/**
 * The stack's own S3 requests (uploads, reading the lake) sign with another key than the functions', so the
 * emulator's counts tell them apart (`LocalStack.s3Requests`).
 */
export const toolS3Credentials = { accessKeyId: 'local-stack', secretAccessKey: 'local' } as const;

/** The stack's S3 side: its client, the two buckets, and what to do at the end. */
export interface StackBuckets {
  /** Path-style, signed with {@link toolS3Credentials}. */
  readonly s3: S3Client;
  readonly buckets: BucketNames;
  /** Saves the buckets to the data directory (when there is one) and closes the client. */
  close(): Promise<void>;
}

/**
 * Creates the ingest and lake buckets on the emulator and, with a data directory, puts back the objects the
 * last run saved there: the objects live beside the table, so the lake export's markers (in the table) and
 * its files stay together.
 */
export async function openStackBuckets(
  endpoint: string,
  region: string,
  dataDir?: string,
): Promise<StackBuckets> {
  const s3 = new S3Client({ endpoint, region, credentials: toolS3Credentials, forcePathStyle: true });
  const buckets: BucketNames = localBucketNames;
  const names = [buckets.ingest, buckets.lake];
  try {
    await ensureBuckets(s3, names);
    if (dataDir) await restoreBuckets(s3, names, mirrorDir(dataDir));
  } catch (error) {
    s3.destroy();
    throw error;
  }
  return {
    s3,
    buckets,
    close: async () => {
      try {
        if (dataDir) await saveBuckets(s3, names, mirrorDir(dataDir));
      } finally {
        s3.destroy();
      }
    },
  };
}
