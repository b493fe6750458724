import {
  BucketAlreadyOwnedByYou,
  CreateBucketCommand,
  HeadBucketCommand,
  NotFound,
  type S3Client,
} from '@aws-sdk/client-s3';
import { LocalStackError } from './errors.js';

/**
 * The buckets' names on an emulator. Deployed buckets get account-unique names from the infrastructure (S3
 * names are global); locally any name does, so these are fixed and short.
 */
export const localBucketNames = { ingest: 'gapless-ingest', lake: 'gapless-lake' } as const;

/** The ingest bucket (uploads under `incoming/`, then `raw/` and `rejected/`) and the lake bucket. */
export interface BucketNames {
  readonly ingest: string;
  readonly lake: string;
}

// S3's naming rules for general purpose buckets: 3-63 characters, lowercase letters, digits, dots and
// hyphens, a letter or digit at both ends. fauxqs accepts any name, so the rule is checked here.
const bucketNamePattern = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Throws a {@link LocalStackError} naming the bucket and the rule when S3 would refuse the name. */
export function checkBucketName(name: string): string {
  if (!bucketNamePattern.test(name) || name.includes('..') || /^\d+\.\d+\.\d+\.\d+$/.test(name)) {
    throw new LocalStackError(
      `bucket name "${name}" is not valid on S3: 3 to 63 lowercase letters, digits, dots or hyphens, ` +
        'starting and ending with a letter or digit, no "..", not an IP address',
    );
  }
  return name;
}

/**
 * Makes sure each bucket exists: HeadBucket, and CreateBucket when it answers 404. Safe to run again; a bucket
 * already there is kept with its objects. Only for emulators: deployed buckets are the infrastructure's, with
 * encryption, a TLS-only policy and lifecycle rules that a bare CreateBucket would not give.
 */
export async function ensureBuckets(s3: S3Client, names: readonly string[]): Promise<void> {
  for (const name of names) {
    checkBucketName(name);
    if (await bucketExists(s3, name)) continue;
    try {
      await s3.send(new CreateBucketCommand({ Bucket: name }));
    } catch (error) {
      if (!(error instanceof BucketAlreadyOwnedByYou)) throw error;
    }
  }
}

async function bucketExists(s3: S3Client, name: string): Promise<boolean> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: name }));
    return true;
  } catch (error) {
    if (
      error instanceof NotFound ||
      (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404
    )
      return false;
    throw error;
  }
}
