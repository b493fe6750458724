import { PipelineError } from './errors.js';

/** An object being read: its bytes as they arrive, and the entity tag that names this version of it. */
export interface OpenedObject {
  readonly body: AsyncIterable<Uint8Array>;
  readonly etag: string;
  readonly size: number;
}

/** Why an object could not be read or copied, when that is an answer rather than a failure. */
export const ObjectAbsence = {
  /** No object has the key (deleted, or never there). */
  Missing: 'missing',
  /** The object was replaced: its entity tag is no longer the one asked for. */
  Changed: 'changed',
} as const;
export type ObjectAbsence = (typeof ObjectAbsence)[keyof typeof ObjectAbsence];

/** A text object written piece by piece, in bounded memory however long it grows. */
export interface TextObjectWriter {
  write(text: string): Promise<void>;
  /** Stores what was written. */
  finish(): Promise<void>;
  /** Drops what was written (parts already sent included). */
  abort(): Promise<void>;
}

/**
 * The object storage csv_ingest reads and writes (S3). `ifMatch` names the version (entity tag) the caller
 * expects, so two reads of one key read the same bytes or say that they cannot.
 */
export interface ObjectStore {
  /** The object's size and entity tag, without its body. */
  head(bucket: string, key: string): Promise<{ size: number; etag: string } | ObjectAbsence>;
  open(bucket: string, key: string, ifMatch?: string): Promise<OpenedObject | ObjectAbsence>;
  copy(bucket: string, from: string, to: string, ifMatch?: string): Promise<'copied' | ObjectAbsence>;
  textWriter(bucket: string, key: string, contentType: string): TextObjectWriter;
}

/** An object-storage call failed (after the SDK's own retries). */
export class ObjectStoreError extends PipelineError {
  readonly operation: string;
  readonly bucket: string;
  readonly key: string;
  constructor(operation: string, bucket: string, key: string, message: string, options?: ErrorOptions) {
    super(`S3 ${operation} s3://${bucket}/${key}: ${message}`, options);
    this.name = 'ObjectStoreError';
    this.operation = operation;
    this.bucket = bucket;
    this.key = key;
  }
}
