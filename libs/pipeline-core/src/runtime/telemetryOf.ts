import type { LogAttributes } from '@aws-lambda-powertools/logger/types';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Observability } from '../observability.js';
import type { PipelineLogger, Telemetry } from '../telemetry.js';

/** Adapts Powertools' Logger and Metrics to the services' Telemetry port. */
export function telemetryOf({ logger, metrics }: Observability): Telemetry {
  const level =
    (write: (message: string, ...extra: LogAttributes[]) => void): PipelineLogger['info'] =>
    (message, attributes) =>
      attributes === undefined ? write(message) : write(message, attributes as LogAttributes);
  return {
    logger: {
      debug: level(logger.debug.bind(logger)),
      info: level(logger.info.bind(logger)),
      warn: level(logger.warn.bind(logger)),
      error: level(logger.error.bind(logger)),
    },
    metrics: { addMetric: (name, _unit, value) => metrics.addMetric(name, MetricUnit.Count, value) },
  };
}
