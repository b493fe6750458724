import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LocalStackError } from './errors.js';
import { uploadFile } from './uploadFile.js';

/**
 * fauxqs keeps objects in memory only, while `--data-dir` keeps the table on disk: without the objects, the
 * lake markers in the table would say "exported" for files that are gone. So with a data directory the
 * buckets are mirrored to `<dataDir>/s3/<bucket>/<key>` (a key is a path there, so DuckDB can read the lake
 * in place) when the stack stops, and put back when it starts.
 */
export function mirrorDir(dataDir: string): string {
  return join(dataDir, 's3');
}

/** Uploads every file under `<dir>/<bucket>/` back as the object its path names. Returns the count. */
export async function restoreBuckets(s3: S3Client, buckets: readonly string[], dir: string): Promise<number> {
  let restored = 0;
  for (const bucket of buckets) {
    const root = join(dir, bucket);
    for (const path of await filesUnder(root)) {
      await uploadFile(s3, path, bucket, relative(root, path).split(sep).join('/'));
      restored += 1;
    }
  }
  return restored;
}

/**
 * Replaces `<dir>/<bucket>/` with the bucket's objects, streamed one at a time. A key that cannot be a path
 * (an empty, `.` or `..` segment, or a key that is also another key's folder) fails with a
 * {@link LocalStackError} naming it; the local stack's own keys never are.
 */
export async function saveBuckets(s3: S3Client, buckets: readonly string[], dir: string): Promise<number> {
  let saved = 0;
  for (const bucket of buckets) {
    const root = join(dir, bucket);
    await rm(root, { recursive: true, force: true });
    for (const key of await listKeys(s3, bucket)) {
      if (key.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
        throw new LocalStackError(`cannot save s3://${bucket}/${key} under ${root}: not a file path`);
      }
      const target = join(root, ...key.split('/'));
      const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      try {
        await mkdir(dirname(target), { recursive: true });
        await pipeline(Body as Readable, createWriteStream(target));
      } catch (error) {
        throw new LocalStackError(`cannot save s3://${bucket}/${key} to ${target}`, { cause: error });
      }
      saved += 1;
    }
  }
  return saved;
}

async function listKeys(s3: S3Client, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).flatMap((object) => (object.Key === undefined ? [] : [object.Key])));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return keys;
}

async function filesUnder(root: string): Promise<string[]> {
  try {
    const entries = await readdir(root, { recursive: true, withFileTypes: true });
    return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
