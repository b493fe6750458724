import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { catalogIndex, loadCatalog } from '../catalog.js';
import { readPipelineConfig, SourceMode, type Env, type PipelineConfig } from '../config.js';
import { createDynamoSeriesStore } from '../dynamoSeriesStore.js';
import type { LogAttributes } from '@aws-lambda-powertools/logger/types';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { createObservability, type Observability } from '../observability.js';
import type { PipelineLogger, Telemetry } from '../telemetry.js';
import type { SeriesDefinition } from '../series.js';
import type { SeriesStore } from '../seriesStore.js';
import { createSources, type SourceOverrides, type SourceRegistry } from '../sources/sourceFor.js';
import { createSqsWorkQueue, type WorkQueue } from '../workQueue.js';

/** What tests (and the local stack) may replace when building a function; production passes nothing. */
export interface RuntimeOverrides {
  readonly dynamoClient?: DynamoDBClient;
  readonly sqsClient?: SQSClient;
  readonly sources?: SourceOverrides;
  readonly now?: () => Date;
}

/** Everything a function needs, built once at init from the environment. */
export interface RuntimeParts {
  readonly config: PipelineConfig;
  readonly catalog: readonly SeriesDefinition[];
  readonly catalogIndex: ReadonlyMap<string, SeriesDefinition>;
  readonly store: SeriesStore;
  readonly sources: SourceRegistry;
  readonly observability: Observability;
  /** The services' view of `observability`. */
  readonly telemetry: Telemetry;
  readonly now: () => Date;
  /** Present when the function sends work (`QUEUE_URL` required). */
  readonly queue?: WorkQueue;
}

/**
 * Reads and validates the configuration and the catalog, and builds the adapters, once per cold start. A bad
 * variable or catalog entry fails here, at init, with an error that names it.
 */
export function buildRuntimeParts(
  serviceName: string,
  options: { readonly requireQueue: boolean; readonly env?: Env; readonly overrides?: RuntimeOverrides },
): RuntimeParts {
  const env = options.env ?? process.env;
  const overrides = options.overrides ?? {};
  const config = readPipelineConfig(env, { requireQueue: options.requireQueue });
  const catalog = loadCatalog(env);
  const now = overrides.now ?? (() => new Date());
  const store = createDynamoSeriesStore({
    tableName: config.tableName,
    now,
    ...(overrides.dynamoClient ? { client: overrides.dynamoClient } : {}),
  });
  const sources = createSources(config, {
    ...overrides.sources,
    simulateAll: config.sourceMode === SourceMode.Simulated || overrides.sources?.simulateAll === true,
  });
  const queue =
    config.queueUrl === undefined
      ? undefined
      : createSqsWorkQueue({
          queueUrl: config.queueUrl,
          ...(overrides.sqsClient ? { client: overrides.sqsClient } : {}),
        });
  const observability = createObservability(serviceName);
  return {
    config,
    catalog,
    catalogIndex: catalogIndex(catalog),
    store,
    sources,
    observability,
    telemetry: telemetryOf(observability),
    now,
    ...(queue ? { queue } : {}),
  };
}

/** The widest window one request to a series' source may span. */
export function windowOf(sources: SourceRegistry): (series: SeriesDefinition) => number {
  return (series) => sources(series.source).maxWindowDays(series);
}

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
