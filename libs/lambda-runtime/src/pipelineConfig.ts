import {
  oneOf,
  optionalFloat,
  optionalInt,
  optionalUrl,
  requireString,
  requireUrl,
  SourceMode,
  type Env,
} from '@gapless/pipeline-core';
import { readMaxMessageBytes } from '@gapless/aws-adapters';

/** The configuration every function reads at init (the scraper reads its sources' settings apart). */
export interface PipelineConfig {
  readonly tableName: string;
  readonly queueUrl?: string;
  readonly maxRetries: number;
  /** `live` uses each series' own source; `simulated` serves every series from the simulated source. */
  readonly sourceMode: SourceMode;
  /**
   * `MAX_MESSAGE_BYTES`, the work queue's MaximumMessageSize, read by every function: the senders split
   * messages so that none is larger and their queue adapter refuses one that is; the scraper refuses a
   * larger message as poison. The deployment sets it from the same value as the queue's attribute.
   */
  readonly maxMessageBytes: number;
  readonly timing: PipelineTiming;
}

/** The retry path's clocks. Production defaults; the local stack shortens them to seconds. */
export interface PipelineTiming {
  /** Wait after a date's first failure before it is re-enqueued; doubles per retry. */
  readonly retryBackoffBaseMs: number;
  readonly retryBackoffCapMs: number;
  /** How long a stream's lease may wait for its message's first delivery before retry_recheck sends it again. */
  readonly pendingTimeoutMs: number;
  /** How long a re-enqueued date may take, all deliveries included, before it comes due again. */
  readonly inflightTimeoutMs: number;
}

export interface PipelineConfigOptions {
  /** Whether this function sends to the work queue, so `QUEUE_URL` must be set. */
  readonly requireQueue: boolean;
}

/**
 * Reads and validates the pipeline's environment once. `TABLE_NAME` is always required, `QUEUE_URL` only
 * when `options.requireQueue` (a set `QUEUE_URL` is validated either way). Throws a ConfigError
 * naming the first bad variable.
 */
export function readPipelineConfig(
  env: Env = process.env,
  options: PipelineConfigOptions = { requireQueue: false },
): PipelineConfig {
  const tableName = requireString(env, 'TABLE_NAME');
  const queueUrl = options.requireQueue
    ? requireUrl(env, 'QUEUE_URL')
    : optionalUrl(env, 'QUEUE_URL', undefined);
  return {
    tableName,
    ...(queueUrl === undefined ? {} : { queueUrl }),
    maxRetries: optionalInt(env, 'MAX_RETRIES', 5, { min: 0, max: 20 }),
    sourceMode: oneOf(env, 'SOURCE_MODE', Object.values(SourceMode), SourceMode.Live),
    maxMessageBytes: readMaxMessageBytes(env),
    timing: {
      retryBackoffBaseMs: seconds(env, 'RETRY_BACKOFF_BASE_SECONDS', 300),
      retryBackoffCapMs: seconds(env, 'RETRY_BACKOFF_CAP_SECONDS', 6 * 3600),
      pendingTimeoutMs: seconds(env, 'PENDING_TIMEOUT_SECONDS', 3600),
      inflightTimeoutMs: seconds(env, 'INFLIGHT_TIMEOUT_SECONDS', 3600),
    },
  };
}

function seconds(env: Env, name: string, defaultSeconds: number): number {
  return optionalFloat(env, name, defaultSeconds, { min: 0, max: 7 * 24 * 3600 }) * 1000;
}
