import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { LocalStackError } from './errors.js';
import type { CreatedObject } from './s3Event.js';

/**
 * Files up to this size go up in one PutObject, larger ones in parts of this size. fauxqs refuses a request
 * body over 11 MiB (S3 takes 5 GiB in one PUT), and S3's parts must be at least 5 MiB but the last.
 */
export const partBytes = 8 * 1024 * 1024;

/**
 * Uploads a local file to `bucket/key` without holding more than one part in memory: one streamed
 * PutObject, or a multipart upload (aborted if a part fails) above {@link partBytes}, as the console and the
 * CLI do for large files. Returns what S3's event notification says about the new object.
 */
export async function uploadFile(
  s3: S3Client,
  path: string,
  bucket: string,
  key: string,
): Promise<CreatedObject> {
  const { size } = await stat(path);
  const contentType = key.toLowerCase().endsWith('.csv') ? 'text/csv' : 'application/octet-stream';
  if (size <= partBytes) {
    const { ETag } = await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: createReadStream(path),
        ContentLength: size,
        ContentType: contentType,
      }),
    );
    return { bucket, key, size, eTag: required(ETag, 'PutObject', key), eventName: 'ObjectCreated:Put' };
  }
  const { UploadId } = await s3.send(
    new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: contentType }),
  );
  const uploadId = required(UploadId, 'CreateMultipartUpload', key);
  try {
    const parts = await uploadParts(s3, path, size, { bucket, key, uploadId });
    const { ETag } = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
    return {
      bucket,
      key,
      size,
      eTag: required(ETag, 'CompleteMultipartUpload', key),
      eventName: 'ObjectCreated:CompleteMultipartUpload',
    };
  } catch (error) {
    await s3
      .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
      .catch(() => {});
    throw error;
  }
}

async function uploadParts(
  s3: S3Client,
  path: string,
  size: number,
  target: { readonly bucket: string; readonly key: string; readonly uploadId: string },
): Promise<CompletedPart[]> {
  const file = await open(path, 'r');
  const parts: CompletedPart[] = [];
  try {
    for (let offset = 0, partNumber = 1; offset < size; offset += partBytes, partNumber += 1) {
      const body = Buffer.alloc(Math.min(partBytes, size - offset));
      const { bytesRead } = await file.read(body, 0, body.length, offset);
      if (bytesRead !== body.length) {
        throw new LocalStackError(
          `${path} changed while it was being uploaded (short read at byte ${offset})`,
        );
      }
      const { ETag } = await s3.send(
        new UploadPartCommand({
          Bucket: target.bucket,
          Key: target.key,
          UploadId: target.uploadId,
          PartNumber: partNumber,
          Body: body,
        }),
      );
      parts.push({ PartNumber: partNumber, ETag: required(ETag, 'UploadPart', target.key) });
    }
  } finally {
    await file.close();
  }
  return parts;
}

function required(value: string | undefined, operation: string, key: string): string {
  if (value === undefined) throw new LocalStackError(`S3 answered ${operation} of ${key} without an ETag`);
  return value;
}
