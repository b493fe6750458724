/**
 * Every IAM action the stack grants, in one place: the stack builds its policies from these lists and the
 * tests compare the synthesized template against them, so a widened permission fails a test.
 */

/** The three functions; each is the directory of the same name under `apps/`. */
export const functionNames = ['data_clustering', 'scraper', 'retry_recheck'] as const;
export type FunctionName = (typeof functionNames)[number];

/** What one function may do, by resource. */
export interface FunctionPermissions {
  /** On the table itself. */
  table: readonly string[];
  /** On the table's secondary indexes (named, never `index/*`). */
  tableIndexes: readonly string[];
  /** On the work queue (producing only; consuming is granted by the event source mapping). */
  workQueue: readonly string[];
}

export const functionPermissions: Record<FunctionName, FunctionPermissions> = {
  // Reads partitions, leases and watermarks; opens one lease per stream (conditional put), writes watermarks.
  data_clustering: {
    table: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem'],
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
};

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
 * What the GitHub deploy role may do, on the three functions only: exactly what tools/sync-lambdas calls
 * (its waiter polls GetFunctionConfiguration, so GetFunction, which can download code, is not needed).
 */
export const deployRoleActions = [
  'lambda:GetFunctionConfiguration',
  'lambda:UpdateFunctionCode',
  'lambda:PublishVersion',
  'lambda:GetAlias',
  'lambda:CreateAlias',
  'lambda:UpdateAlias',
] as const;
