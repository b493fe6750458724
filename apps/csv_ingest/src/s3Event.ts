import { PipelineError } from '@gapless/pipeline-core';
import type { S3Event } from 'aws-lambda';

/** Where uploads arrive, and where csv_ingest puts the copy of each and the lines it refused. */
export const IngestPrefix = { Incoming: 'incoming/', Raw: 'raw/', Rejected: 'rejected/' } as const;

/** One uploaded object an S3 notification names. */
export interface UploadedFile {
  readonly bucket: string;
  /** The object key, decoded from the event's URL form. */
  readonly key: string;
  /** Bytes, as the event says (absent from hand-made events: then the object is asked). */
  readonly size?: number;
  /** The entity tag of the version the event is about, so a later upload under the same key is not read for it. */
  readonly etag?: string;
}

/**
 * The created objects an S3 event notification names, in its order. Keys arrive URL-encoded with `+` for a
 * space (S3's event message structure); they are decoded here. Records of other events are left out.
 * Throws a PipelineError naming the record for one that has no bucket or key.
 */
export function uploadedFiles(event: S3Event): UploadedFile[] {
  const records = Array.isArray(event.Records) ? event.Records : [];
  return records.flatMap((record, index) => {
    if (typeof record.eventName === 'string' && !record.eventName.startsWith('ObjectCreated:')) return [];
    const bucket = record.s3?.bucket?.name;
    const rawKey = record.s3?.object?.key;
    if (typeof bucket !== 'string' || bucket === '' || typeof rawKey !== 'string' || rawKey === '') {
      throw new PipelineError(
        `event record #${index} names no bucket and key: not an S3 object-created record`,
      );
    }
    const { size, eTag } = record.s3.object;
    return [
      {
        bucket,
        key: decodeKey(rawKey),
        ...(typeof size === 'number' && Number.isSafeInteger(size) && size >= 0 ? { size } : {}),
        ...(typeof eTag === 'string' && eTag !== '' ? { etag: eTag } : {}),
      },
    ];
  });
}

function decodeKey(rawKey: string): string {
  try {
    return decodeURIComponent(rawKey.replace(/\+/g, ' '));
  } catch {
    throw new PipelineError(`event key ${JSON.stringify(rawKey)} is not URL-encoded as S3 encodes keys`);
  }
}

/** The key below `incoming/` (the whole key for one outside it). */
function relativeKey(key: string): string {
  return key.startsWith(IngestPrefix.Incoming) ? key.slice(IngestPrefix.Incoming.length) : key;
}

/** `raw/<key without incoming/>`: where the copy of the original goes. */
export function rawKeyOf(key: string): string {
  return `${IngestPrefix.Raw}${relativeKey(key)}`;
}

/** `rejected/<key without incoming/>.rejected.csv`: one line per refused row. */
export function rejectedKeyOf(key: string): string {
  return `${IngestPrefix.Rejected}${relativeKey(key)}.rejected.csv`;
}
