// The public surface of pipeline-core: what apps and tools may use. Internal pieces (the DynamoDB adapter's
// halves, the HTTP retry loop) stay private to the library.

// Errors
export {
  PipelineError,
  InvalidDateError,
  ConfigError,
  CatalogError,
  UnknownSourceError,
  UnknownCalendarError,
  InvalidStartDateError,
  DuplicateSeriesError,
  MessageProblem,
  InvalidMessageError,
  IllegalTransitionError,
  InvalidItemError,
  ItemTooLargeError,
  SourceError,
  StoreError,
  QueueError,
} from './errors.js';

// Dates, calendars, catalog
export type { Day } from './dates.js';
export {
  dayFromCivil,
  civilFromDay,
  daysInMonth,
  parseIsoDate,
  formatIsoDate,
  dayOfWeek,
  todayUtc,
} from './dates.js';
export { CalendarId } from './calendar.js';
export type { Calendar } from './calendar.js';
export { CALENDAR_IDS, calendarFor } from './calendars.js';
export { SourceId } from './series.js';
export type { SeriesDefinition } from './series.js';
export { parseCatalog, DEFAULT_CATALOG, loadCatalog, catalogIndex } from './catalog.js';

// Gaps, streams, messages, batches, retry policy, item model
export { expectedDates, findGaps } from './gaps.js';
export { toStreams } from './streams.js';
export type { StreamLimits } from './streams.js';
export { MessageReason, encodeMessage, decodeMessage, maxDatesPerMessage } from './codec.js';
export type { WorkMessage, MessageSeries } from './codec.js';
export { chunkForBatchWrite, attributeMapSize, attributeValueSize, batchWriteLimits } from './batches.js';
export type { BatchLimits } from './batches.js';
export { writeWithRetry } from './writeLoop.js';
export type { WriteLoopOptions, WriteLoopResult, RetryInfo } from './writeLoop.js';
export {
  DEFAULT_MAX_RETRIES,
  DueItemDecision,
  effectiveAttempt,
  mayAttempt,
  decideDueItem,
  retryCountAfterFailure,
  retryBackoffMs,
} from './retryPolicy.js';
export type { RetryBackoffOptions } from './retryPolicy.js';
export {
  ItemStatus,
  toAttributeMap,
  fromAttributeMap,
  canTransition,
  transition,
  okItem,
  pendingItem,
} from './item.js';
export type { SeriesItem } from './item.js';
export { shardOf, fnv1a32, itemKey, shardKey, allShardKeys, ShardPrefix } from './shard.js';
export { valueProblem } from './dataQuality.js';
export { mapConcurrently } from './concurrency.js';
export { seededRandom } from './seededRandom.js';
export type { Random } from './seededRandom.js';

// Table and queue definitions (shared with the local stack and the infrastructure code)
export { tableDefinition } from './tableDefinition.js';
export type { TableDefinition } from './tableDefinition.js';
export { queueDefinition } from './queueDefinition.js';
export type { QueueDefinition } from './queueDefinition.js';

// Configuration and observability
export {
  SourceMode,
  readPipelineConfig,
  requireString,
  optionalInt,
  optionalFloat,
  optionalUrl,
  oneOf,
  parseSimulatedFaults,
  noSimulatedFaults,
  defaultSgsBaseUrl,
  defaultPtaxBaseUrl,
} from './config.js';
export type {
  Env,
  PipelineConfig,
  PipelineConfigOptions,
  PipelineTiming,
  SimulatedFaults,
} from './config.js';
export { metricsNamespace, MetricName, createObservability, loggerForSeries } from './observability.js';
export type { Observability } from './observability.js';
export { silentTelemetry } from './telemetry.js';
export type { Telemetry, PipelineLogger, PipelineMetrics, LogAttributes } from './telemetry.js';

// Ports and adapters
export type {
  SeriesStore,
  DueItem,
  QuarantinedItem,
  GoodValue,
  BatchWriteOutcome,
  FailureRecord,
} from './seriesStore.js';
export { createDynamoSeriesStore } from './dynamoSeriesStore.js';
export type { DynamoSeriesStoreOptions } from './dynamoSeriesStore.js';
export { createSqsWorkQueue } from './workQueue.js';
export type { WorkQueue, SendReport, FailedSend, SqsWorkQueueOptions } from './workQueue.js';
export type { Observation, FetchOptions, SeriesSource } from './source.js';
export { createBcbSgsSource, sgsDailyWindowDays } from './sources/bcbSgs.js';
export { createBcbPtaxSource } from './sources/bcbPtax.js';
export { SimulatedFault, createSimulatedSource, simulatedValue } from './sources/simulated.js';
export type { SimulatedSource, SimulatedSourceOptions, SimulatedSourceStats } from './sources/simulated.js';
export { createSources } from './sources/sourceFor.js';
export type { SourceOverrides, SourceRegistry } from './sources/sourceFor.js';

// Services and the functions' entry points
export { runClustering } from './clustering.js';
export type { ClusteringDeps, ClusteringMode, SeriesClusteringResult } from './clustering.js';
export { scrapeRecord } from './scrape.js';
export type { ScrapeDeps, ScrapeOutcome, WorkRecord } from './scrape.js';
export { runRecheck } from './recheck.js';
export type { RecheckDeps, RecheckReport } from './recheck.js';
export { telemetryOf } from './runtime/telemetryOf.js';
export { buildFunctionParts } from './runtime/functionParts.js';
export type { RuntimeOverrides, FunctionParts } from './runtime/functionParts.js';
export { createClusteringHandler } from './runtime/clusteringHandler.js';
export type { ClusteringEvent } from './runtime/clusteringHandler.js';
export { createScraperHandler } from './runtime/scraperHandler.js';
export { createRecheckHandler } from './runtime/recheckHandler.js';
