// The public surface of pipeline-core, the pipeline's domain: pure logic and the ports the adapters
// implement. It imports no AWS SDK, no Powertools, no aws-lambda and no HTTP (the lint rules refuse them).

// Errors
export {
  PipelineError,
  InvalidDateError,
  ConfigError,
  CatalogError,
  UnknownSourceError,
  InvalidMessageError,
  MessageProblem,
  InvalidItemError,
  SourceError,
  StoreError,
  QueueError,
  describeError,
} from './errors.js';

// Dates, calendars, catalog
export type { Day } from './dates.js';
export { dayFromCivil, parseIsoDate, formatIsoDate, todayUtc, todayIn } from './dates.js';
export { CalendarId } from './calendar.js';
export type { Calendar } from './calendar.js';
export { calendarFor, calendarCoverage } from './calendars.js';
export {
  SourceId,
  SOURCE_IDS,
  SourceMode,
  servingSource,
  SignRule,
  SIGN_RULES,
  seriesTimeZone,
  lastExpectedDay,
} from './series.js';
export type { SeriesDefinition } from './series.js';
export { parseCatalog, parseCatalogText, refuseSimulatedSeries, catalogIndex } from './catalog.js';

// Gaps, streams, messages, batches, retry policy, item model
export { expectedDates, findGaps } from './gaps.js';
export { toStreams } from './streams.js';
export { encodeMessage, decodeMessage, maxDatesPerMessage } from './codec.js';
export type { WorkMessage, LeaseRef } from './codec.js';
export { chunkForBatchWrite } from './batches.js';
export { writeWithRetry } from './writeWithRetry.js';
export { decideDueItem, retryBackoffMs } from './retryPolicy.js';
export { ItemStatus, okItem } from './item.js';
export type { SeriesItem } from './item.js';
export { valueProblem } from './dataQuality.js';
export { mapConcurrently } from './concurrency.js';
export { seededRandom } from './seededRandom.js';
export type { Random } from './seededRandom.js';

// Configuration readers and telemetry
export {
  requireString,
  requireUrl,
  optionalString,
  optionalInt,
  optionalFloat,
  optionalUrl,
  oneOf,
} from './env.js';
export type { Env } from './env.js';
export { metricsNamespace, MetricName, silentTelemetry } from './telemetry.js';
export type { Telemetry, PipelineLogger, LogAttributes } from './telemetry.js';

// Ports and the sources' windows
export type {
  SeriesStore,
  DueItem,
  DueLease,
  DueWork,
  Lease,
  LeaseClaim,
  DateClaim,
  DateClaimRequest,
  QuarantinedItem,
  GoodValue,
  BatchWriteOutcome,
  FailureRecord,
} from './seriesStore.js';
export { NEIGHBOURS_CHECKED } from './seriesStore.js';
export type { WorkQueue, SendReport, FailedSend } from './workQueue.js';
export type { Observation, FetchOptions, SeriesSource } from './source.js';
export { sourceWindowDays, sgsDailyWindowDays } from './sourceWindows.js';

// The lake export: rows, partitions and their layout, fingerprints and markers, and its ports
export {
  EXPORTED_STATUSES,
  isExportedRow,
  LAKE_COLUMNS,
  LAKE_PARTITION_KEYS,
  LAKE_FILE_NAME,
  DEFAULT_LAKE_PREFIX,
  hivePathEscape,
  partitionPath,
  partitionKey,
  yearOf,
  exportedRowsByYear,
} from './lakePartitions.js';
export type { LakeRow } from './lakePartitions.js';
export {
  LAKE_LAYOUT_VERSION,
  fnv1a64,
  fingerprintRows,
  planPartitions,
  nextMarker,
} from './lakeFingerprint.js';
export type { PartitionFingerprint, ExportMarker, PartitionPlan } from './lakeFingerprint.js';
export type { LakeTable, LakeBucket } from './lakePorts.js';

// History files (csv_ingest): the rows' rules, the decision against what is stored, and the ports
export {
  FileColumn,
  MAX_SOURCE_TEXT,
  FILE_SOURCE_PREFIX,
  detectDelimiter,
  readFileHeader,
  parseFileValue,
  checkFileRow,
  fileItemSource,
} from './fileRows.js';
export type {
  FileDelimiter,
  FileLayout,
  FileProblem,
  FileRowContext,
  GoodFileRow,
  BadFileRow,
  CheckedFileRow,
} from './fileRows.js';
export type {
  StoredDay,
  StoredDays,
  FileRowItem,
  FileRowWriteOutcome,
  DayRange,
  FileRowStore,
} from './fileRowStore.js';
export { ObjectAbsence, ObjectStoreError } from './objectStore.js';
export type { ObjectStore, OpenedObject, TextObjectWriter } from './objectStore.js';
