import { formatIsoDate, type SeriesDefinition } from '@gapless/pipeline-core';

export interface FunctionEnvInput {
  readonly tableName: string;
  readonly queueUrl: string;
  /** Where the functions reach DynamoDB (the chaos proxy) and SQS. */
  readonly dynamoEndpoint: string;
  readonly sqsEndpoint: string;
  /** Where the functions reach S3 (`AWS_ENDPOINT_URL_S3`; they address it path-style, see `createS3Client`). */
  readonly s3Endpoint?: string;
  /** `LAKE_BUCKET`: where lake_export writes its Parquet files. */
  readonly lakeBucket?: string;
  readonly region: string;
  readonly sourceMode: 'simulated' | 'live';
  /** `SIMULATED_FAULTS` as JSON (rates and seed). */
  readonly simulatedFaults: string;
  /**
   * `SIMULATED_SOURCE_LOG`: the absolute path of the file where the simulated source appends a line per
   * request it receives, the local stack's count of source requests.
   */
  readonly sourceRequestLog: string;
  /** The catalog to pass as `SERIES_CATALOG`; undefined keeps the built-in one. */
  readonly catalog?: readonly SeriesDefinition[];
  readonly maxRetries?: number;
  readonly logLevel: string;
  /** The retry path's clocks, in seconds (short locally). */
  readonly pendingTimeoutSeconds: number;
  readonly inflightTimeoutSeconds: number;
  /** Anything else (e.g. `BCB_SGS_BASE_URL` for a test server); wins over the rest. */
  readonly extra?: Readonly<Record<string, string>>;
}

/**
 * The environment every local function gets: the production variables pointed at the emulators, dummy
 * credentials (the emulators accept any signature) and the local stack's short clocks.
 */
export function functionEnv(input: FunctionEnvInput): Record<string, string> {
  return {
    TABLE_NAME: input.tableName,
    QUEUE_URL: input.queueUrl,
    AWS_ENDPOINT_URL_DYNAMODB: input.dynamoEndpoint,
    AWS_ENDPOINT_URL_SQS: input.sqsEndpoint,
    ...(input.s3Endpoint === undefined ? {} : { AWS_ENDPOINT_URL_S3: input.s3Endpoint }),
    ...(input.lakeBucket === undefined ? {} : { LAKE_BUCKET: input.lakeBucket }),
    AWS_REGION: input.region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    SOURCE_MODE: input.sourceMode,
    SIMULATED_FAULTS: input.simulatedFaults,
    SIMULATED_SOURCE_LOG: input.sourceRequestLog,
    ...(input.catalog ? { SERIES_CATALOG: JSON.stringify(input.catalog.map(catalogEntry)) } : {}),
    ...(input.maxRetries === undefined ? {} : { MAX_RETRIES: String(input.maxRetries) }),
    RETRY_BACKOFF_BASE_SECONDS: '0',
    RETRY_BACKOFF_CAP_SECONDS: '0',
    PENDING_TIMEOUT_SECONDS: String(input.pendingTimeoutSeconds),
    INFLIGHT_TIMEOUT_SECONDS: String(input.inflightTimeoutSeconds),
    POWERTOOLS_LOG_LEVEL: input.logLevel,
    POWERTOOLS_SERVICE_NAME: 'gapless',
    // The SDK's note that Node 20 support ends is true, and not news in every cold start of a local run.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...input.extra,
  };
}

/** A typed series back in the catalog's JSON form (`SERIES_CATALOG` entries are snake_case). */
export function catalogEntry(series: SeriesDefinition): Record<string, unknown> {
  return {
    info_type: series.infoType,
    source: series.source,
    ...(series.code === undefined ? {} : { code: series.code }),
    ...(series.currency === undefined ? {} : { currency: series.currency }),
    ...(series.side === undefined ? {} : { side: series.side }),
    calendar: series.calendar,
    start: formatIsoDate(series.start),
    publication_lag_days: series.publicationLagDays,
    ...(series.bounds === undefined ? {} : { bounds: { ...series.bounds } }),
    ...(series.sign === undefined ? {} : { sign: series.sign }),
  };
}
