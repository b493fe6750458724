import { DEFAULT_LAKE_PREFIX } from '@gapless/pipeline-core';

/**
 * Where things live in the two buckets: the key prefixes the functions read and write, the lifecycle rules
 * clean up and the roles are scoped to. One declaration, so a role, a lifecycle rule, a function's
 * environment and the Glue table cannot name different prefixes.
 */
export const bucketLayout = {
  ingest: {
    /** Uploads: a new object here triggers csv_ingest (S3 event notification, ObjectCreated). */
    incoming: 'incoming/',
    /** csv_ingest's copy of every file it read: where each `source: "file:<key>"` value came from. */
    raw: 'raw/',
    /** One report per file with bad rows: each rejected line and its reason. */
    rejected: 'rejected/',
  },
  lake: {
    /**
     * lake_export's Parquet files, `series=<info_type>/year=<yyyy>/part-0.parquet` below it: its own default,
     * and passed to it as `LAKE_PREFIX` all the same, since its role is scoped to it.
     */
    export: DEFAULT_LAKE_PREFIX,
  },
} as const;

/** The stack's buckets, by the name a function's permissions use for its bucket. */
export type BucketName = keyof typeof bucketLayout;

/**
 * Days after which the lifecycle rules act (storage classes and their minimum durations from the S3 user
 * guide, "Using Amazon S3 storage classes").
 */
export const bucketLifecycle = {
  // csv_ingest copies every upload to raw/ in the same invocation; what stays in incoming/ is a file a person
  // may want to look at after a failed run (its error alarm), so a month, then it goes.
  incomingExpirationDays: 30,
  // raw/ is the provenance of file-loaded values (their `source` names the key), read only in an audit: Glacier
  // Instant Retrieval keeps millisecond reads at about a sixth of Standard's storage price (it bills at least
  // 90 days and 128 KB per object, and S3 does not move objects under 128 KB). Never expired.
  rawToGlacierInstantRetrievalDays: 90,
  // A rejected report is read to fix the file and upload it again; after a quarter it is of no use.
  rejectedExpirationDays: 90,
  // A multipart upload that never completes (a client that died mid-upload) is billed until aborted.
  abortIncompleteMultipartUploadDays: 7,
} as const;
