/**
 * Every IAM action the stack grants, in one place: the stack builds its policies from these lists and the
 * tests compare the synthesized template against them, so a widened permission fails a test. Each
 * function's lists must equal what its handler's tests saw it send (`apps/<fn>/sent-actions.json`), and the
 * deploy role's what tools/sync-lambdas calls (`deployIamActions`): tests hold both equalities.
 */
import { type BucketName, bucketLayout } from './bucketLayout.js';
import { listFunctionApps } from './functionApps.js';

/** What one function may do on the objects of one of the stack's buckets, by key prefix. */
export interface BucketPermissions {
  /** Which bucket (`bucketLayout`'s names). */
  bucket: BucketName;
  /** Object actions by key prefix: each is granted on `<bucket arn>/<prefix>*` only, never the whole bucket. */
  objects: Readonly<Record<string, readonly string[]>>;
}

/** What one function may do, by resource. */
export interface FunctionPermissions {
  /** On the table itself. */
  table: readonly string[];
  /** On the table's secondary indexes (named, never `index/*`). */
  tableIndexes: readonly string[];
  /** On the work queue (producing only; consuming is granted by the event source mapping). */
  workQueue: readonly string[];
  /** On its bucket's objects; absent when it calls no S3 API. */
  bucket?: BucketPermissions;
}

export const functionPermissions = {
  // Reads every watermark (one Query), partitions and leases; opens one lease per stream (conditional put);
  // writes the watermarks that moved (BatchWriteItem).
  data_clustering: {
    table: ['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:BatchWriteItem'],
    tableIndexes: [],
    workQueue: ['sqs:SendMessage'],
  },
  // Claims a lease or dates (conditional updates, re-read when refused), writes OK values, records failures
  // (reading the dates around one the source never published), closes the lease.
  scraper: {
    table: [
      'dynamodb:Query',
      'dynamodb:GetItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
    ],
    tableIndexes: [],
    workQueue: [],
  },
  // Reads the sparse indexes, defers or quarantines dates with conditional updates, takes up due leases
  // (reads them and their dates, resends or records, deletes), re-enqueues.
  retry_recheck: {
    table: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
    tableIndexes: ['dynamodb:Query'],
    workQueue: ['sqs:SendMessage'],
  },
  // Reads an upload (HEAD, then GET twice) under incoming/; copies it to raw/ (a copy reads its source and
  // writes its target); streams the rejected report to rejected/ (a multipart upload once it is large,
  // aborted if the file fails); reads the series' items, writes the good rows in batches, and writes a row
  // that may replace a stored value with a conditional put (re-read when refused).
  csv_ingest: {
    table: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:BatchWriteItem'],
    tableIndexes: [],
    workQueue: [],
    bucket: {
      bucket: 'ingest',
      objects: {
        [bucketLayout.ingest.incoming]: ['s3:GetObject'],
        [bucketLayout.ingest.raw]: ['s3:PutObject'],
        [bucketLayout.ingest.rejected]: ['s3:PutObject', 's3:AbortMultipartUpload'],
      },
    },
  },
  // Reads each series' items and its export marker; writes one Parquet file per changed partition under
  // lake/, then the marker.
  lake_export: {
    table: ['dynamodb:Query', 'dynamodb:PutItem'],
    tableIndexes: [],
    workQueue: [],
    bucket: { bucket: 'lake', objects: { [bucketLayout.lake.export]: ['s3:PutObject'] } },
  },
} as const satisfies Record<string, FunctionPermissions>;

/** Every S3 action a function's permissions hold, sorted and once each: what its sent-actions.json lists. */
export function bucketActionsOf(permissions: FunctionPermissions): string[] {
  return [...new Set(Object.values(permissions.bucket?.objects ?? {}).flat())].sort();
}

/** A function of the pipeline: a directory under `apps/` whose permissions are listed above. */
export type FunctionName = keyof typeof functionPermissions;

/**
 * The functions, read from `apps/` (the directories with `src/index.ts`, as the Nx plugin finds them), not
 * written by hand: a new app directory without its permissions fails the synth, naming it.
 */
export const functionNames: readonly FunctionName[] = checkedFunctionNames(listFunctionApps());

function checkedFunctionNames(apps: readonly string[]): FunctionName[] {
  const listed = Object.keys(functionPermissions);
  const unlisted = apps.filter((name) => !listed.includes(name));
  if (unlisted.length > 0)
    throw new Error(`apps/${unlisted.join(', apps/')} has no entry in functionPermissions (tools/infra)`);
  const gone = listed.filter((name) => !apps.includes(name));
  if (gone.length > 0)
    throw new Error(`functionPermissions lists ${gone.join(', ')}, which is not a function under apps/`);
  return apps as FunctionName[];
}

/** What the SQS event source mapping grants the scraper on the work queue (CDK's own list). */
export const queueConsumerActions = [
  'sqs:ReceiveMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:GetQueueUrl',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
] as const;

/** What every function may do on its own log group. */
export const logActions = ['logs:CreateLogStream', 'logs:PutLogEvents'] as const;

/**
 * What the GitHub deploy role may do, by the resources each call names; together exactly tools/sync-lambdas'
 * `deployIamActions`. Lambda checks a call that names a version or an alias against the qualified ARN
 * (`function:name:4`, `function:name:live`), so `:*` is listed where calls qualify and only there.
 */
export const deployRolePermissions = {
  /** `$LATEST` only: the upload, and publishing it. */
  unqualified: ['lambda:UpdateFunctionCode', 'lambda:PublishVersion'],
  /** The function and its versions and aliases: reading configurations, reading and moving the alias. */
  functionAndQualified: ['lambda:GetFunctionConfiguration', 'lambda:GetAlias', 'lambda:UpdateAlias'],
  /** Versions only (`:*`): the smoke invocation of a published version. */
  qualified: ['lambda:InvokeFunction'],
  /**
   * The watch of the alias's `Errors`. CloudWatch's metric reads have no resource-level permissions: the
   * only resource IAM accepts for them is `*`. They read metrics, nothing else.
   */
  anyMetric: ['cloudwatch:GetMetricData'],
} as const;
