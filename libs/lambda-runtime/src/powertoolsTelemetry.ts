import { Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes } from '@aws-lambda-powertools/logger/types';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { metricsNamespace, type PipelineLogger, type Telemetry } from '@gapless/pipeline-core';

/** A function's Powertools Logger and Metrics, and the services' view of them. */
export interface PowertoolsTelemetry {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** The same logger and metrics behind the domain's Telemetry port. */
  readonly telemetry: Telemetry;
}

/**
 * Builds the function's Powertools Logger (JSON lines) and Metrics (EMF, namespace `Gapless`), and adapts
 * them to the services' Telemetry port. Call it once, at module scope: both keep per-process state such as
 * the cold-start flag. The handler flushes the metrics (`metrics.publishStoredMetrics()`) after each
 * invocation.
 */
export function createPowertoolsTelemetry(serviceName: string): PowertoolsTelemetry {
  const logger = new Logger({ serviceName });
  const metrics = new Metrics({ namespace: metricsNamespace, serviceName });
  const level =
    (write: (message: string, ...extra: LogAttributes[]) => void): PipelineLogger['info'] =>
    (message, attributes) =>
      attributes === undefined ? write(message) : write(message, attributes as LogAttributes);
  const telemetry: Telemetry = {
    logger: {
      debug: level(logger.debug.bind(logger)),
      info: level(logger.info.bind(logger)),
      warn: level(logger.warn.bind(logger)),
      error: level(logger.error.bind(logger)),
    },
    metrics: { addMetric: (name, _unit, value) => metrics.addMetric(name, MetricUnit.Count, value) },
  };
  return { logger, metrics, telemetry };
}
