import {
  ObjectAbsence,
  seriesTimeZone,
  todayIn,
  type FileRowContext,
  type FileRowStore,
  type ObjectStore,
  type OpenedObject,
  type PipelineLogger,
  type SeriesDefinition,
} from '@gapless/pipeline-core';
import { FileRefusedError } from './errors.js';
import { FileStatus, refusedReport, type FileReport } from './fileReport.js';
import { RejectedRows } from './rejectedRows.js';
import { IngestPrefix, rawKeyOf, rejectedKeyOf, type UploadedFile } from './s3Event.js';
import { validateFile } from './validateFile.js';
import { writeRows, type SeriesState } from './writeRows.js';

export interface IngestDeps {
  readonly objects: ObjectStore;
  readonly rows: FileRowStore;
  readonly catalog: ReadonlyMap<string, SeriesDefinition>;
  /** `INGEST_MAX_BYTES`. */
  readonly maxBytes: number;
  readonly now: () => Date;
  readonly logger: PipelineLogger;
}

/**
 * Ingests one uploaded file: checks its size, copies it to `raw/`, validates every row in a first streaming
 * pass (a file refused as a whole writes nothing to the table), reads what the table holds over the file's
 * dates (one Query per series, and its leases), then streams the file again and writes its good rows (see
 * `writeRows`), the refused ones to `rejected/`. Both passes read the same version of the object (its entity
 * tag). A refusal is a report; a failure of S3 or DynamoDB is thrown, so the invocation fails and is retried,
 * which writes nothing twice.
 */
export async function ingestFile(deps: IngestDeps, file: UploadedFile): Promise<FileReport> {
  const rawKey = rawKeyOf(file.key);
  try {
    return await ingest(deps, file, rawKey);
  } catch (error) {
    if (error instanceof FileRefusedError)
      return refusedReport(file, rawKey, `s3://${file.bucket}/${file.key} ${error.message}`);
    throw error;
  }
}

async function ingest(deps: IngestDeps, file: UploadedFile, rawKey: string): Promise<FileReport> {
  const { bucket, key } = file;
  if (!key.startsWith(IngestPrefix.Incoming) || key.endsWith('/')) {
    throw new FileRefusedError(`is not a file under ${IngestPrefix.Incoming}: not read, not copied`);
  }
  const size = file.size ?? checked(await deps.objects.head(bucket, key)).size;
  if (size > deps.maxBytes) {
    throw new FileRefusedError(
      `is ${size} bytes, over INGEST_MAX_BYTES (${deps.maxBytes}): not read, not copied`,
    );
  }
  checked(await deps.objects.copy(bucket, key, rawKey, file.etag));
  if (size === 0) throw new FileRefusedError('is empty (0 bytes)');

  const context: FileRowContext = { catalog: deps.catalog, todayOf: todayPerSeries(deps.now()) };
  const first = checked(await deps.objects.open(bucket, key, file.etag));
  const validation = await validateFile(first.body, context);
  const states = new Map<string, SeriesState>();
  for (const [infoType, range] of validation.ranges) {
    const [stored, leases] = await Promise.all([
      deps.rows.readStored(infoType, range.first, range.last),
      deps.rows.leaseRanges(infoType),
    ]);
    states.set(infoType, { stored, leases });
  }

  const second = checked(await deps.objects.open(bucket, key, first.etag), 'between the two passes');
  const rejectedKey = rejectedKeyOf(key);
  const rejected = new RejectedRows(validation.layout, () =>
    deps.objects.textWriter(bucket, rejectedKey, 'text/csv; charset=utf-8'),
  );
  try {
    const counts = await writeRows(deps.rows, deps.logger, {
      body: second.body,
      objectKey: key,
      context,
      validation,
      states,
      rejected,
    });
    const hasRejected = await rejected.finish();
    return {
      bucket,
      key,
      status: FileStatus.Ingested,
      ...counts,
      rawKey,
      ...(hasRejected ? { rejectedKey } : {}),
    };
  } catch (error) {
    await rejected.abort().catch(() => {});
    throw error;
  }
}

/** The object, or the refusal its absence means: gone since the upload, or replaced by a newer one. */
function checked<T extends OpenedObject | { size: number; etag: string } | 'copied'>(
  answer: T | ObjectAbsence,
  when = 'since this upload',
): T {
  if (answer === ObjectAbsence.Missing)
    throw new FileRefusedError(`does not exist (deleted ${when}): nothing written`);
  if (answer === ObjectAbsence.Changed) {
    throw new FileRefusedError(
      `was replaced by a newer upload ${when} (whose own event ingests it): nothing written`,
    );
  }
  return answer as T;
}

/** Each series' today at `now`, worked out once per series (the time-zone arithmetic is not per row). */
function todayPerSeries(now: Date): (series: SeriesDefinition) => number {
  const today = new Map<string, number>();
  return (series) => {
    let day = today.get(series.infoType);
    if (day === undefined) {
      day = todayIn(seriesTimeZone(series), now);
      today.set(series.infoType, day);
    }
    return day;
  };
}
