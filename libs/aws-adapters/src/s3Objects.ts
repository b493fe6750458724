import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  describeError,
  ObjectAbsence,
  ObjectStoreError,
  type ObjectStore,
  type OpenedObject,
  type TextObjectWriter,
} from '@gapless/pipeline-core';
import { createS3Client } from './s3Client.js';

export interface S3ObjectStoreOptions {
  /** Defaults to `createS3Client()`, so the SDK's own variables (`AWS_ENDPOINT_URL_S3`) apply. */
  readonly client?: S3Client;
  /**
   * Bytes of one part of a multipart upload (S3: at least 5 MiB but for the last). A text written is held in
   * memory up to this size; a shorter one is stored with one PutObject. Default 8 MiB.
   */
  readonly partBytes?: number;
}

const DEFAULT_PART_BYTES = 8 * 1024 * 1024;
const MIN_PART_BYTES = 5 * 1024 * 1024;

/** S3's answers that are outcomes, not failures: no such key (GET/copy, or a bodiless 404 on HEAD), a changed ETag. */
function absenceOf(error: unknown): ObjectAbsence | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error.name === 'NoSuchKey' || error.name === 'NotFound') return ObjectAbsence.Missing;
  if (error.name === 'PreconditionFailed') return ObjectAbsence.Changed;
  return undefined;
}

/** S3 compares entity tags with their quotes; an S3 event names them without. */
function quoted(etag: string): string {
  return etag.startsWith('"') ? etag : `"${etag}"`;
}

/**
 * The `ObjectStore` on S3. A missing key and an entity tag that no longer matches are answers
 * (`ObjectAbsence`); every other failure is an `ObjectStoreError` naming the call and the object, with the
 * SDK's error as its cause. Bodies are streamed, never buffered; texts are written in parts of bounded size.
 */
export function createS3ObjectStore(options: S3ObjectStoreOptions = {}): ObjectStore {
  const client = options.client ?? createS3Client();
  const partBytes = options.partBytes ?? DEFAULT_PART_BYTES;
  if (!Number.isInteger(partBytes) || partBytes < MIN_PART_BYTES) {
    throw new RangeError(
      `partBytes must be an integer of at least ${MIN_PART_BYTES} (S3's least part), got ${partBytes}`,
    );
  }
  const call = async <T>(operation: string, bucket: string, key: string, send: () => Promise<T>) => {
    try {
      return await send();
    } catch (error) {
      const absence = absenceOf(error);
      if (absence !== undefined) return absence;
      throw new ObjectStoreError(operation, bucket, key, describeError(error), { cause: error });
    }
  };

  return {
    async head(bucket, key) {
      const output = await call('HeadObject', bucket, key, () =>
        client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })),
      );
      if (typeof output === 'string') return output;
      return { size: output.ContentLength ?? 0, etag: output.ETag ?? '' };
    },

    async open(bucket, key, ifMatch): Promise<OpenedObject | ObjectAbsence> {
      const output = await call('GetObject', bucket, key, () =>
        client.send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: key,
            ...(ifMatch === undefined ? {} : { IfMatch: quoted(ifMatch) }),
          }),
        ),
      );
      if (typeof output === 'string') return output;
      const body = output.Body as AsyncIterable<Uint8Array> | undefined;
      if (body === undefined || typeof body[Symbol.asyncIterator] !== 'function') {
        throw new ObjectStoreError('GetObject', bucket, key, 'the answer has no streaming body');
      }
      return { body, etag: output.ETag ?? '', size: output.ContentLength ?? 0 };
    },

    async copy(bucket, from, to, ifMatch) {
      const output = await call('CopyObject', bucket, to, () =>
        client.send(
          new CopyObjectCommand({
            Bucket: bucket,
            Key: to,
            // The copy source is URL-encoded, its slashes kept (S3's CopyObject reference).
            CopySource: `${bucket}/${encodeURIComponent(from).replace(/%2F/g, '/')}`,
            ...(ifMatch === undefined ? {} : { CopySourceIfMatch: quoted(ifMatch) }),
          }),
        ),
      );
      return typeof output === 'string' ? output : 'copied';
    },

    textWriter: (bucket, key, contentType) =>
      createTextWriter({ client, bucket, key, contentType, partBytes, call }),
  };
}

interface WriterContext {
  readonly client: S3Client;
  readonly bucket: string;
  readonly key: string;
  readonly contentType: string;
  readonly partBytes: number;
  readonly call: <T>(
    operation: string,
    bucket: string,
    key: string,
    send: () => Promise<T>,
  ) => Promise<T | ObjectAbsence>;
}

/**
 * Holds text up to one part; a text that stays below it is one PutObject at the end, a longer one a
 * multipart upload whose parts go out as they fill (memory: one part).
 */
function createTextWriter(context: WriterContext): TextObjectWriter {
  const { client, bucket, key, contentType, partBytes } = context;
  let pending: string[] = [];
  let pendingBytes = 0;
  let uploadId: string | undefined;
  const parts: { ETag: string; PartNumber: number }[] = [];
  const checked = async <T>(operation: string, send: () => Promise<T>): Promise<T> => {
    const output = await context.call(operation, bucket, key, send);
    if (typeof output === 'string')
      throw new ObjectStoreError(operation, bucket, key, `S3 answered ${output}`);
    return output;
  };

  const sendPart = async (): Promise<void> => {
    const body = Buffer.from(pending.join(''), 'utf8');
    pending = [];
    pendingBytes = 0;
    if (uploadId === undefined) {
      const created = await checked('CreateMultipartUpload', () =>
        client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: contentType })),
      );
      uploadId = created.UploadId;
    }
    const PartNumber = parts.length + 1;
    const id = uploadId;
    const uploaded = await checked('UploadPart', () =>
      client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: id, PartNumber, Body: body })),
    );
    parts.push({ ETag: uploaded.ETag ?? '', PartNumber });
  };

  return {
    async write(text) {
      pending.push(text);
      pendingBytes += Buffer.byteLength(text, 'utf8');
      if (pendingBytes >= partBytes) await sendPart();
    },
    async finish() {
      if (uploadId === undefined) {
        const body = Buffer.from(pending.join(''), 'utf8');
        await checked('PutObject', () =>
          client.send(
            new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }),
          ),
        );
        return;
      }
      if (pendingBytes > 0) await sendPart();
      const id = uploadId;
      await checked('CompleteMultipartUpload', () =>
        client.send(
          new CompleteMultipartUploadCommand({
            Bucket: bucket,
            Key: key,
            UploadId: id,
            MultipartUpload: { Parts: parts },
          }),
        ),
      );
    },
    async abort() {
      pending = [];
      pendingBytes = 0;
      if (uploadId === undefined) return;
      const id = uploadId;
      uploadId = undefined;
      await checked('AbortMultipartUpload', () =>
        client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: id })),
      );
    },
  };
}
