import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/** CloudWatch namespace of every metric the pipeline emits. */
export const metricsNamespace = 'Gapless';

/**
 * The pipeline's metric names (all counts). Dashboards and alarms refer to these strings, so they are
 * contracts: rename one and the alarm watching it goes silent.
 */
export const MetricName = {
  /** Expected dates with no item, found by data_clustering. */
  GapsFound: 'GapsFound',
  /** Work-queue messages accepted by SQS. */
  MessagesSent: 'MessagesSent',
  /** Requests made to a data source. */
  SourceRequests: 'SourceRequests',
  /** Items written to the table. */
  ItemsWritten: 'ItemsWritten',
  /** BatchWriteItem calls, retries included. */
  BatchWriteCalls: 'BatchWriteCalls',
  /** BatchWriteItem retries caused by `UnprocessedItems`. */
  UnprocessedRetries: 'UnprocessedRetries',
  /** Dates re-enqueued by retry_recheck. */
  RetriesEnqueued: 'RetriesEnqueued',
  /** Dates that used their retry budget and became QUARANTINED. */
  Quarantined: 'Quarantined',
  /** Message bodies that can never be processed (they end in the dead-letter queue). */
  PoisonMessages: 'PoisonMessages',
} as const;
export type MetricName = (typeof MetricName)[keyof typeof MetricName];

/** The logger and metrics of one Lambda function. */
export interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * Builds the function's Powertools Logger (JSON lines) and Metrics (EMF, namespace {@link metricsNamespace}).
 * Call it once, at module scope: both keep per-process state such as the cold-start flag. The handler
 * flushes the metrics (`metrics.publishStoredMetrics()`) at the end of each invocation.
 */
export function createObservability(serviceName: string): Observability {
  return {
    logger: new Logger({ serviceName }),
    metrics: new Metrics({ namespace: metricsNamespace, serviceName }),
  };
}

/**
 * A logger whose every line carries `series`, for the work on one record. It is a child rather than
 * `appendKeys` on the shared logger, so records handled concurrently never borrow each other's series.
 */
export function loggerForSeries(logger: Logger, series: string): Logger {
  return logger.createChild({ persistentKeys: { series } });
}
