import type { S3Client } from '@aws-sdk/client-s3';
import { basename } from 'node:path';
import { LocalStackError } from './errors.js';
import type { LambdaRunner } from './lambdaRunner.js';
import type { LocalStack } from './localStack.js';
import { objectCreatedEvent } from './s3Event.js';
import { uploadFile } from './uploadFile.js';

/** Where uploads go in the ingest bucket: csv_ingest's trigger fires for keys under it. */
export const incomingPrefix = 'incoming/';

/** Row counts csv_ingest reports for one file. */
export interface IngestCounts {
  rowsRead: number;
  rowsWritten: number;
  rowsSkippedOk: number;
  rowsRejected: number;
  rowsOverwritten: number;
}

/** What became of one file given with `--ingest`: csv_ingest's own report of it, and the local path. */
export interface IngestedFile extends IngestCounts {
  /** The local file uploaded. */
  file: string;
  bucket: string;
  key: string;
  /** `failed`: the invocation itself failed (the handler threw, crashed or timed out); see `error`. */
  status: 'ingested' | 'refused' | 'failed';
  /** Item writes csv_ingest made for the file, as it counted them. */
  itemWrites: number;
  /** The copy under `raw/`; absent when none was made. */
  rawKey?: string;
  /** The file of rejected rows under `rejected/`; absent when no row was rejected. */
  rejectedKey?: string;
  error?: string;
}

/** The files a run ingested, and their rows summed. Empty (zeros) for a run without `--ingest`. */
export interface IngestSummary extends IngestCounts {
  files: IngestedFile[];
  /** Every `rejected/` key written, in the ingest bucket. */
  rejectedKeys: string[];
}

/** What ingesting needs of a running stack. */
export interface IngestTarget {
  readonly s3: S3Client;
  readonly region: string;
  readonly ingestBucket: string;
  readonly csvIngest: Pick<LambdaRunner, 'invoke'>;
}

/**
 * Uploads each file to `incoming/<its name>` of the ingest bucket and invokes csv_ingest with the event S3
 * would send for it, one file after another (as S3 delivers one event per object). A failed invocation is
 * recorded against its file and the next file still goes; the function's logs hold the detail.
 */
export async function ingestFiles(target: IngestTarget, files: readonly string[]): Promise<IngestSummary> {
  const results: IngestedFile[] = [];
  for (const file of files) results.push(await ingestFile(target, file));
  return summarizeIngest(results);
}

/** {@link ingestFiles} on a running stack's ingest bucket and csv_ingest; zeros without files. */
export async function ingestIntoStack(
  stack: Pick<LocalStack, 's3' | 'region' | 'buckets' | 'functions'>,
  files: readonly string[],
): Promise<IngestSummary> {
  if (files.length === 0) return summarizeIngest([]);
  const csvIngest = stack.functions.csv_ingest;
  if (csvIngest === undefined) throw new LocalStackError('csv_ingest was not started: cannot ingest files');
  return ingestFiles(
    { s3: stack.s3, region: stack.region, ingestBucket: stack.buckets.ingest, csvIngest },
    files,
  );
}

async function ingestFile(target: IngestTarget, file: string): Promise<IngestedFile> {
  const key = `${incomingPrefix}${basename(file)}`;
  const object = await uploadFile(target.s3, file, target.ingestBucket, key);
  let reply: unknown;
  try {
    reply = await target.csvIngest.invoke(objectCreatedEvent(object, target.region));
  } catch (error) {
    return failed(file, target.ingestBucket, key, error instanceof Error ? error.message : String(error));
  }
  return readReply(reply, file, target.ingestBucket, key);
}

/** The entry of csv_ingest's `{ files: [...] }` for our object, checked field by field. */
function readReply(reply: unknown, file: string, bucket: string, key: string): IngestedFile {
  const entries = (reply as { files?: unknown } | null)?.files;
  const entry = Array.isArray(entries)
    ? (entries as Record<string, unknown>[]).find((candidate) => candidate?.key === key)
    : undefined;
  const unexpected = (what: string) =>
    failed(file, bucket, key, `csv_ingest answered ${what}: ${JSON.stringify(reply)?.slice(0, 300)}`);
  if (entry === undefined) return unexpected(`no entry for ${key}`);
  const status = entry.status;
  if (status !== 'ingested' && status !== 'refused') return unexpected(`status ${String(status)}`);
  const counts = [
    'rowsRead',
    'rowsWritten',
    'rowsSkippedOk',
    'rowsRejected',
    'rowsOverwritten',
    'itemWrites',
  ];
  const missing = counts.filter((name) => typeof entry[name] !== 'number');
  if (missing.length > 0) return unexpected(`no number for ${missing.join(', ')}`);
  const text = (name: string) => (typeof entry[name] === 'string' ? (entry[name] as string) : undefined);
  const rawKey = text('rawKey');
  const rejectedKey = text('rejectedKey');
  const error = text('error');
  return {
    file,
    bucket,
    key,
    status,
    rowsRead: entry.rowsRead as number,
    rowsWritten: entry.rowsWritten as number,
    rowsSkippedOk: entry.rowsSkippedOk as number,
    rowsRejected: entry.rowsRejected as number,
    rowsOverwritten: entry.rowsOverwritten as number,
    itemWrites: entry.itemWrites as number,
    ...(rawKey === undefined ? {} : { rawKey }),
    ...(rejectedKey === undefined ? {} : { rejectedKey }),
    ...(error === undefined ? {} : { error }),
  };
}

function failed(file: string, bucket: string, key: string, error: string): IngestedFile {
  return { file, bucket, key, status: 'failed', ...zeroCounts(), itemWrites: 0, error };
}

function zeroCounts(): IngestCounts {
  return { rowsRead: 0, rowsWritten: 0, rowsSkippedOk: 0, rowsRejected: 0, rowsOverwritten: 0 };
}

/** The per-file results summed; `summarizeIngest([])` is the summary of a run without `--ingest`. */
export function summarizeIngest(files: readonly IngestedFile[]): IngestSummary {
  const totals = zeroCounts();
  for (const file of files) {
    for (const name of Object.keys(totals) as (keyof IngestCounts)[]) totals[name] += file[name];
  }
  return {
    files: [...files],
    ...totals,
    rejectedKeys: files.flatMap((file) => (file.rejectedKey === undefined ? [] : [file.rejectedKey])),
  };
}
