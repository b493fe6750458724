import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { createDynamoFileRowStore, createS3ObjectStore } from '@gapless/aws-adapters';
import { loadCatalog } from '@gapless/catalog';
import { createPowertoolsTelemetry, DYNAMO_MAX_ATTEMPTS } from '@gapless/lambda-runtime';
import { catalogIndex, describeError, refuseSimulatedSeries, type Env } from '@gapless/pipeline-core';
import type { S3Event } from 'aws-lambda';
import { readIngestConfig } from './config.js';
import { FileStatus, type FileReport } from './fileReport.js';
import { ingestFile, type IngestDeps } from './ingestFile.js';
import { uploadedFiles } from './s3Event.js';

/** What tests (and the local stack) may replace; production passes nothing. */
export interface CsvIngestOverrides {
  readonly dynamoClient?: DynamoDBClient;
  readonly s3Client?: S3Client;
  readonly now?: () => Date;
}

/** csv_ingest's metrics (counts), one set per file; dashboards and alarms name these. */
export const IngestMetric = {
  FilesIngested: 'FilesIngested',
  FilesRefused: 'FilesRefused',
  /** A file whose ingest failed on S3 or DynamoDB (the invocation fails and is retried): worth an alarm. */
  FilesFailed: 'FilesFailed',
  RowsRead: 'RowsRead',
  RowsWritten: 'RowsWritten',
  RowsSkipped: 'RowsSkipped',
  RowsRejected: 'RowsRejected',
  RowsOverwritten: 'RowsOverwritten',
  ItemWrites: 'ItemWrites',
} as const;

/** What one invocation returns: a report per file the event named, in its order. */
export interface IngestResult {
  readonly files: FileReport[];
}

/**
 * Builds csv_ingest's handler once, at init: configuration (`TABLE_NAME`, `INGEST_MAX_BYTES`), the catalog,
 * the S3 and DynamoDB adapters, logger and metrics. Each invocation ingests the event's files one after the
 * other, logs a summary line and emits the counts of each. A refused file is a report, not an error; a
 * failure of S3 or DynamoDB fails the invocation (Lambda retries an asynchronous event; a file ingested
 * again writes only what is missing).
 */
export function createCsvIngestHandler(env: Env = process.env, overrides: CsvIngestOverrides = {}) {
  const config = readIngestConfig(env);
  const catalog = loadCatalog(env);
  refuseSimulatedSeries(catalog, config.sourceMode);
  const { logger, metrics, telemetry } = createPowertoolsTelemetry('csv_ingest');
  const now = overrides.now ?? (() => new Date());
  const deps: IngestDeps = {
    objects: createS3ObjectStore(overrides.s3Client ? { client: overrides.s3Client } : {}),
    rows: createDynamoFileRowStore({
      tableName: config.tableName,
      now,
      ...(overrides.dynamoClient ? { client: overrides.dynamoClient } : { maxAttempts: DYNAMO_MAX_ATTEMPTS }),
    }),
    catalog: catalogIndex(catalog),
    maxBytes: config.maxBytes,
    now,
    logger: telemetry.logger,
  };

  return async (event: S3Event): Promise<IngestResult> => {
    const uploads = uploadedFiles(event);
    // The deploy's smoke event names no file: answered with no call and no metric.
    if (uploads.length === 0) return { files: [] };
    const files: FileReport[] = [];
    try {
      for (const upload of uploads) {
        let report: FileReport;
        try {
          report = await ingestFile(deps, upload);
        } catch (error) {
          metrics.addMetric(IngestMetric.FilesFailed, MetricUnit.Count, 1);
          logger.error('file failed; the invocation fails and is retried', {
            bucket: upload.bucket,
            key: upload.key,
            error: describeError(error),
          });
          throw error;
        }
        files.push(report);
        if (report.status === FileStatus.Ingested) logger.info('file ingested', { ...report });
        else logger.warn('file refused', { ...report });
        emitMetrics(metrics, report);
      }
      return { files };
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}

function emitMetrics(
  metrics: ReturnType<typeof createPowertoolsTelemetry>['metrics'],
  report: FileReport,
): void {
  const ingested = report.status === FileStatus.Ingested;
  const counts: Record<Exclude<keyof typeof IngestMetric, 'FilesFailed'>, number> = {
    FilesIngested: ingested ? 1 : 0,
    FilesRefused: ingested ? 0 : 1,
    RowsRead: report.rowsRead,
    RowsWritten: report.rowsWritten,
    RowsSkipped: report.rowsSkippedOk,
    RowsRejected: report.rowsRejected,
    RowsOverwritten: report.rowsOverwritten,
    ItemWrites: report.itemWrites,
  };
  for (const [name, value] of Object.entries(counts)) metrics.addMetric(name, MetricUnit.Count, value);
}
