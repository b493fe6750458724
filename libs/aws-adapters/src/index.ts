// The AWS side of the pipeline's ports: the single table (DynamoDB) and the work queue (SQS), each built
// from an injected client or a default one, so the SDK's own variables (endpoints, region) apply. The
// table and queue definitions are data the local stack and the infrastructure code build the same
// resources from.
export { createDynamoSeriesStore } from './dynamoSeriesStore.js';
export type { DynamoSeriesStoreOptions } from './dynamoSeriesStore.js';
export { createSqsWorkQueue } from './sqsWorkQueue.js';
export type { SqsWorkQueueOptions } from './sqsWorkQueue.js';
export { toAttributeMap } from './itemAttributes.js';
export { tableDefinition } from './tableDefinition.js';
export type { TableDefinition } from './tableDefinition.js';
export { queueDefinition } from './queueDefinition.js';
export { checkMaxMessageBytes, maxMessageBytesVariable, readMaxMessageBytes } from './maxMessageBytes.js';
export { ShardPrefix, allShardKeys } from './shard.js';
export { createS3Client } from './s3Client.js';
// The lake export: the table's rows and export markers, and the lake bucket
export { createDynamoLakeTable, lakeRowOf } from './dynamoLakeTable.js';
export type { DynamoLakeTableOptions } from './dynamoLakeTable.js';
export { exportMarkerPartition, exportMarkerYearsAttribute } from './dynamoExportMarkers.js';
export { createS3LakeBucket, parquetContentType } from './s3LakeBucket.js';
export type { S3LakeBucketOptions } from './s3LakeBucket.js';
export { createS3ObjectStore } from './s3Objects.js';
export type { S3ObjectStoreOptions } from './s3Objects.js';
export { createDynamoFileRowStore } from './dynamoFileRows.js';
export type { DynamoFileRowStoreOptions } from './dynamoFileRows.js';
