import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/** CloudWatch namespace of every metric the pipeline emits. */
export const metricsNamespace = 'Gapless';

export { MetricName } from './telemetry.js';

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
