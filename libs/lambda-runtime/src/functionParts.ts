import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { createDynamoSeriesStore } from '@gapless/aws-adapters';
import { loadCatalog } from '@gapless/catalog';
import {
  catalogIndex,
  refuseSimulatedSeries,
  type Env,
  type SeriesDefinition,
  type SeriesStore,
  type Telemetry,
} from '@gapless/pipeline-core';
import { DYNAMO_MAX_ATTEMPTS } from './dynamoMaxAttempts.js';
import { readPipelineConfig, type PipelineConfig } from './pipelineConfig.js';
import { createPowertoolsTelemetry, type PowertoolsTelemetry } from './powertoolsTelemetry.js';

/** What tests (and the local stack) may replace when building a function; production passes nothing. */
export interface RuntimeOverrides {
  readonly dynamoClient?: DynamoDBClient;
  readonly sqsClient?: SQSClient;
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
  /** The Powertools Logger and Metrics the handler flushes. */
  readonly powertools: PowertoolsTelemetry;
  /** The services' view of `powertools`. */
  readonly telemetry: Telemetry;
  readonly now: () => Date;
}

/**
 * Reads and validates the configuration and the catalog, and builds the table adapter and the telemetry,
 * once per cold start. A bad variable or catalog entry fails here, at init, with an error that names it, and
 * so does a series on the simulated source unless `SOURCE_MODE=simulated`.
 * Sources and the work queue are left to the functions that use them, so a function's bundle carries
 * only the clients it calls (the scraper never sends to SQS; the schedulers never call a source).
 */
export function buildFunctionParts(serviceName: string, options: FunctionPartsOptions): FunctionParts {
  const env = options.env ?? process.env;
  const overrides = options.overrides ?? {};
  const config = readPipelineConfig(env, { requireQueue: options.requireQueue });
  const catalog = loadCatalog(env);
  refuseSimulatedSeries(catalog, config.sourceMode);
  const now = overrides.now ?? (() => new Date());
  const store = createDynamoSeriesStore({
    tableName: config.tableName,
    now,
    ...(overrides.dynamoClient ? { client: overrides.dynamoClient } : { maxAttempts: DYNAMO_MAX_ATTEMPTS }),
  });
  const powertools = createPowertoolsTelemetry(serviceName);
  return {
    config,
    catalog,
    catalogIndex: catalogIndex(catalog),
    store,
    powertools,
    telemetry: powertools.telemetry,
    now,
  };
}
