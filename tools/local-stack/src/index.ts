export { startEmulators, loopbackHost } from './emulators.js';
export type { EmulatorOptions, Emulators } from './emulators.js';
export { ensureResources } from './resources.js';
export type { ResourceOptions, LocalResources } from './resources.js';
export { tableSchema, schemaDifferences } from './tableSchema.js';
export {
  LocalStackError,
  EmulatorStartError,
  ResourceMismatchError,
  InvocationError,
  UsageError,
} from './errors.js';
export { runLocalPipeline, selectCatalog } from './runLocalPipeline.js';
export type {
  LocalPipelineOptions,
  LocalPipelineResult,
  LocalStackHandle,
  ChaosOptions,
  FaultRates,
} from './runLocalPipeline.js';
export type { RunSummary, SeriesSummary, MonthSummary, DateCounts } from './runSummary.js';
export type { ChaosProxy, SeriesTraffic, ItemWriteRecord } from './chaosProxy.js';
export { startClusteringStack } from './clusteringStack.js';
export type { ClusteringStack, ClusteringStackOptions } from './clusteringStack.js';
export type { SourceRequestRecord } from './sourceRequestLog.js';
export type { DeliveryLog } from './sqsPoller.js';
export type { CycleProgress } from './runCycles.js';
export { localBucketNames, ensureBuckets, checkBucketName } from './s3Buckets.js';
export type { BucketNames } from './s3Buckets.js';
export { objectCreatedEvent, encodeEventKey } from './s3Event.js';
export type { CreatedObject } from './s3Event.js';
export type { IngestSummary, IngestedFile, IngestCounts } from './ingestFiles.js';
export type { LakeExportSummary, LakeSeriesExport } from './lakeExportStep.js';
export type { S3RequestKind } from './s3RequestKind.js';
export type { S3RequestCounts } from './emulators.js';
