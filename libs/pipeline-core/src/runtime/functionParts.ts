import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { catalogIndex, loadCatalog } from '../catalog.js';
import { readPipelineConfig, SourceMode, type Env, type PipelineConfig } from '../config.js';
import { createDynamoSeriesStore } from '../dynamoSeriesStore.js';
import { createObservability, type Observability } from '../observability.js';
import type { SeriesDefinition } from '../series.js';
import type { SeriesStore } from '../seriesStore.js';
import type { SourceOverrides } from '../sources/sourceFor.js';
import type { Telemetry } from '../telemetry.js';
import { telemetryOf } from './telemetryOf.js';

/** What tests (and the local stack) may replace when building a function; production passes nothing. */
export interface RuntimeOverrides {
  readonly dynamoClient?: DynamoDBClient;
  readonly sqsClient?: SQSClient;
  readonly sources?: SourceOverrides;
  readonly now?: () => Date;
}

/** How a function asks for its parts: whether it sends work, and what replaces the process' defaults. */
export interface FunctionPartsOptions {
  /** The function sends work, so `QUEUE_URL` is required. */
  readonly requireQueue: boolean;
  /** Defaults to `process.env`. */
  readonly env?: Env;
  readonly overrides?: RuntimeOverrides;
}

/** The parts every function has: configuration, catalog, table, logs and metrics, clock. */
export interface FunctionParts {
  readonly config: PipelineConfig;
  readonly catalog: readonly SeriesDefinition[];
  readonly catalogIndex: ReadonlyMap<string, SeriesDefinition>;
  readonly store: SeriesStore;
  readonly observability: Observability;
  /** The services' view of `observability`. */
  readonly telemetry: Telemetry;
  readonly now: () => Date;
}

/**
 * Reads and validates the configuration and the catalog, and builds the table adapter and the telemetry,
 * once per cold start. A bad variable or catalog entry fails here, at init, with an error that names it.
 * Sources and the work queue are left to the functions that use them, so a function's bundle carries
 * only the clients it calls (the scraper never sends to SQS; the schedulers never call a source).
 */
export function buildFunctionParts(serviceName: string, options: FunctionPartsOptions): FunctionParts {
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
  const observability = createObservability(serviceName);
  return {
    config,
    catalog,
    catalogIndex: catalogIndex(catalog),
    store,
    observability,
    telemetry: telemetryOf(observability),
    now,
  };
}

/** Whether every series is served by the simulated source: `SOURCE_MODE=simulated`, or a test asked. */
export function simulatesAllSources(config: PipelineConfig, overrides: RuntimeOverrides = {}): boolean {
  return config.sourceMode === SourceMode.Simulated || overrides.sources?.simulateAll === true;
}
