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
  addMetric(name: string, unit: 'Count', value: number): void;
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
