import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { createDynamoLakeTable, createS3Client, createS3LakeBucket } from '@gapless/aws-adapters';
import { createPowertoolsTelemetry, DYNAMO_MAX_ATTEMPTS } from '@gapless/lambda-runtime';
import { PipelineError, type Env } from '@gapless/pipeline-core';
import { exportLake, type LakeExportReport, type SeriesExportResult } from './exportLake.js';
import { parseExportRequest } from './exportRequest.js';
import { readLakeConfig } from './lakeConfig.js';
import { encodePartition } from './parquetPartition.js';

/**
 * Builds lake_export's handler once, at init: configuration, catalog, table, bucket, logger and metrics. The
 * clients follow the SDK's own variables (region, credentials, `AWS_ENDPOINT_URL_DYNAMODB`/`_S3`).
 * Each invocation exports what its event asks (see {@link parseExportRequest}), emits `PartitionsWritten`
 * and `BytesWritten`, and throws at the end, naming them, if any series failed, so the failure shows
 * (Lambda's error metric, an alarm) without keeping the other series from being exported.
 */
export function createHandler(env: Env = process.env) {
  const config = readLakeConfig(env);
  const { metrics, telemetry } = createPowertoolsTelemetry('lake_export');
  const deps = {
    table: createDynamoLakeTable({ tableName: config.tableName, maxAttempts: DYNAMO_MAX_ATTEMPTS }),
    bucket: createS3LakeBucket({ bucket: config.bucket, client: createS3Client(env) }),
    prefix: config.prefix,
    encode: encodePartition,
    logger: telemetry.logger,
  };

  return async (event: unknown): Promise<LakeExportReport> => {
    const request = parseExportRequest(event, config.catalog);
    let report: LakeExportReport;
    try {
      report = await exportLake(deps, request);
      if (!request.plan) {
        metrics.addMetric('PartitionsWritten', MetricUnit.Count, report.partitionsWritten);
        metrics.addMetric('BytesWritten', MetricUnit.Bytes, report.bytesWritten);
      }
    } finally {
      metrics.publishStoredMetrics();
    }
    const failed = report.series.filter((result) => result.error !== undefined);
    if (failed.length > 0) {
      throw new PipelineError(
        `${failed.length} of ${report.series.length} series failed: ${describe(failed)}`,
      );
    }
    return report;
  };
}

/** Failures named in the error (each series' own line is in the log). */
const FAILURES_NAMED = 10;

function describe(failed: readonly SeriesExportResult[]): string {
  const named = failed.slice(0, FAILURES_NAMED).map((result) => `${result.infoType} (${result.error})`);
  const more = failed.length - named.length;
  return named.join('; ') + (more > 0 ? `; and ${more} more` : '');
}
