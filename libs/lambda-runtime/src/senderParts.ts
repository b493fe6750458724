import { createSqsWorkQueue } from '@gapless/aws-adapters';
import {
  ConfigError,
  servingSource,
  sourceWindowDays,
  type SeriesDefinition,
  type WorkQueue,
} from '@gapless/pipeline-core';
import { buildFunctionParts, type FunctionParts, type FunctionPartsOptions } from './functionParts.js';

/** The parts of a function that finds work and sends it (data_clustering, retry_recheck). */
export interface SenderParts extends FunctionParts {
  readonly queue: WorkQueue;
  /** The widest window one request to a series' source may span: where streams are split. */
  readonly maxWindowDays: (series: SeriesDefinition) => number;
}

/**
 * Builds a sending function's parts once, at init: the common parts, the work queue (`QUEUE_URL` is
 * required; it refuses bodies over `MAX_MESSAGE_BYTES`, the size the services split at) and each series'
 * source window. The windows are pipeline-core's domain data for the source
 * that serves the series in this `SOURCE_MODE` (the rule the scraper builds its sources by), so these
 * functions never bundle the HTTP adapters.
 */
export function buildSenderParts(
  serviceName: string,
  options: Omit<FunctionPartsOptions, 'requireQueue'>,
): SenderParts {
  const parts = buildFunctionParts(serviceName, { ...options, requireQueue: true });
  const { queueUrl, sourceMode, maxMessageBytes } = parts.config;
  if (queueUrl === undefined) {
    // readPipelineConfig already refuses a missing QUEUE_URL when asked to; this keeps the type honest.
    throw new ConfigError('QUEUE_URL', 'is required');
  }
  const sqsClient = options.overrides?.sqsClient;
  const queue = createSqsWorkQueue({
    queueUrl,
    maxMessageBytes,
    ...(sqsClient ? { client: sqsClient } : {}),
  });
  const maxWindowDays = (series: SeriesDefinition): number =>
    sourceWindowDays(servingSource(series.source, sourceMode), series);
  return { ...parts, queue, maxWindowDays };
}
