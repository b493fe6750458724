/** CloudWatch namespace of every metric the pipeline emits (alarms and dashboards name it). */
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
  /** Dates the source never published while publishing the dates around them; they became ABSENT (not alarmed). */
  DatesAbsent: 'DatesAbsent',
  /** Message bodies that can never be processed (they end in the dead-letter queue). */
  PoisonMessages: 'PoisonMessages',
} as const;
export type MetricName = (typeof MetricName)[keyof typeof MetricName];

/**
 * What the pipeline's services need from logging and metrics. Powertools' Logger and Metrics satisfy these
 * structurally; tests pass small recorders. Keeping the services on this port keeps them free of SDK types.
 */
export interface PipelineLogger {
  debug(message: string, attributes?: LogAttributes): void;
  info(message: string, attributes?: LogAttributes): void;
  warn(message: string, attributes?: LogAttributes): void;
  error(message: string, attributes?: LogAttributes): void;
}

/** The keys a log line carries besides its message (`series`, `from`, `error`, ...). */
export type LogAttributes = Record<string, unknown>;

export interface PipelineMetrics {
  addMetric(name: MetricName, unit: 'Count', value: number): void;
}

export interface Telemetry {
  readonly logger: PipelineLogger;
  readonly metrics: PipelineMetrics;
}

/** A Telemetry that drops everything (for callers that do not care, such as benchmarks). */
export const silentTelemetry: Telemetry = {
  logger: { debug() {}, info() {}, warn() {}, error() {} },
  metrics: { addMetric() {} },
};
