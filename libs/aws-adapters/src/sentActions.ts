/**
 * The IAM actions a function needs, read off the SDK commands it sent: each function's handler tests record
 * what they saw it send (`apps/<fn>/sent-actions.json`), and tools/infra grants its role exactly that.
 */
export interface SentActions {
  /** On the table itself. */
  readonly table: readonly string[];
  /** On the table's secondary indexes (a Query or Scan naming an `IndexName`). */
  readonly tableIndexes: readonly string[];
  /** On the work queue. */
  readonly workQueue: readonly string[];
  /**
   * On the function's S3 bucket (its objects, or the bucket for a listing); absent when it sends no S3 call.
   * The infrastructure scopes each action to the keys the function uses.
   */
  readonly bucket?: readonly string[];
}

/** What a sent command looks like to the recorder: an SDK command object (`new QueryCommand(...)`). */
export interface SentCommand {
  readonly constructor: { readonly name: string };
  readonly input: object;
}

// The batch calls have no IAM action of their own: each entry is authorized as the single call.
const sqsBatchActions: Readonly<Record<string, string>> = {
  SendMessageBatch: 'SendMessage',
  DeleteMessageBatch: 'DeleteMessage',
  ChangeMessageVisibilityBatch: 'ChangeMessageVisibility',
};

// S3 calls authorized as other actions (IAM's "actions, resources and condition keys" for Amazon S3): a copy
// reads its source and writes its target, a HEAD is a read, a multipart upload is written with s3:PutObject,
// and a listing is s3:ListBucket on the bucket.
const s3ActionsByOperation: Readonly<Record<string, readonly string[]>> = {
  CopyObject: ['GetObject', 'PutObject'],
  HeadObject: ['GetObject'],
  CreateMultipartUpload: ['PutObject'],
  UploadPart: ['PutObject'],
  CompleteMultipartUpload: ['PutObject'],
  AbortMultipartUpload: ['AbortMultipartUpload'],
  ListObjectsV2: ['ListBucket'],
  ListObjects: ['ListBucket'],
  HeadBucket: ['ListBucket'],
  DeleteObjects: ['DeleteObject'],
};

const operationOf = (command: SentCommand) => command.constructor.name.replace(/Command$/, '');

/** `table dynamodb:Query`, `tableIndexes dynamodb:Query`, `workQueue sqs:SendMessage`, ... */
export function dynamoDbActionOf(command: SentCommand): string {
  const operation = operationOf(command);
  const onIndex = 'IndexName' in command.input && command.input.IndexName !== undefined;
  return `${onIndex ? 'tableIndexes' : 'table'} dynamodb:${operation}`;
}

export function sqsActionOf(command: SentCommand): string {
  const operation = operationOf(command);
  return `workQueue sqs:${sqsBatchActions[operation] ?? operation}`;
}

/** `bucket s3:GetObject`, ...: one command can need two actions (a copy reads and writes). */
export function s3ActionsOf(command: SentCommand): string[] {
  const operation = operationOf(command);
  return (s3ActionsByOperation[operation] ?? [operation]).map((action) => `bucket s3:${action}`);
}

/** Collects the actions of every command a test sent; {@link SentActionsRecorder.toJSON} gives the record. */
export class SentActionsRecorder {
  private readonly seen = new Set<string>();

  /** Adds one test's commands and answers the actions among them, as `resource action` entries. */
  add(sent: {
    dynamodb?: readonly SentCommand[];
    sqs?: readonly SentCommand[];
    s3?: readonly SentCommand[];
  }): string[] {
    const actions = [
      ...(sent.dynamodb ?? []).map(dynamoDbActionOf),
      ...(sent.sqs ?? []).map(sqsActionOf),
      ...(sent.s3 ?? []).flatMap(s3ActionsOf),
    ];
    for (const action of actions) this.seen.add(action);
    return [...new Set(actions)].sort();
  }

  /** Every action seen so far, per resource, sorted: the shape of `sent-actions.json`. */
  toJSON(): SentActions {
    const of = (resource: string) =>
      [...this.seen]
        .filter((entry) => entry.startsWith(`${resource} `))
        .map((entry) => entry.slice(resource.length + 1))
        .sort();
    const bucket = of('bucket');
    return {
      table: of('table'),
      tableIndexes: of('tableIndexes'),
      workQueue: of('workQueue'),
      ...(bucket.length > 0 ? { bucket } : {}),
    };
  }
}

/** The entries (`resource action`) of a record, to compare what a test sent against it. */
export function entriesOf(record: SentActions): string[] {
  return (['table', 'tableIndexes', 'workQueue', 'bucket'] as const).flatMap((resource) =>
    (record[resource] ?? []).map((action) => `${resource} ${action}`),
  );
}
