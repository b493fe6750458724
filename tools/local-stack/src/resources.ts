import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { S3Client } from '@aws-sdk/client-s3';
import { checkMaxMessageBytes, queueDefinition, tableDefinition } from '@gapless/aws-adapters';
import { LocalStackError, ResourceMismatchError } from './errors.js';
import { ensureBuckets, localBucketNames, type BucketNames } from './s3Buckets.js';
import { schemaDifferences, tableSchema } from './tableSchema.js';
import { emulatorCredentials, type ClientCredentials } from './toolCredentials.js';

export interface ResourceOptions {
  /**
   * The emulators' endpoints, signed with `endpointCredentials`. Absent: the SDK's own resolution, so a real
   * account with its usual credential chain.
   */
  readonly dynamoEndpoint?: string;
  readonly sqsEndpoint?: string;
  /**
   * An S3 emulator (path-style): the ingest and lake buckets are created there. Absent: no bucket is made,
   * as deployed buckets are the infrastructure's (encryption, TLS-only policy, lifecycle, notification).
   */
  readonly s3Endpoint?: string;
  /** Default {@link localBucketNames}. */
  readonly buckets?: Partial<BucketNames>;
  /**
   * What signs requests to the endpoints above. Default: the local stack's dummy keys, right for emulators
   * the caller started and runs the functions on; for an endpoint someone else runs, the keys the functions
   * resolve (see `defaultChainOrEmulatorKeys`).
   */
  readonly endpointCredentials?: ClientCredentials;
  /** Default `gapless`. */
  readonly tableName?: string;
  /** Defaults from `queueDefinition`. */
  readonly workQueueName?: string;
  readonly deadLetterQueueName?: string;
  /**
   * Both queues' MaximumMessageSize, in bytes: what the functions get as `MAX_MESSAGE_BYTES`. Always set
   * explicitly (the emulator's own default is 1 MiB). Default `queueDefinition.maximumMessageBytes`.
   */
  readonly maxMessageBytes?: number;
  /** Default `us-east-1`. */
  readonly region?: string;
}

export interface LocalResources {
  readonly tableName: string;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  /** dynalite has no UpdateTimeToLive: claims then simply never expire locally. */
  readonly timeToLive: 'enabled' | 'unsupported-by-endpoint';
  /** The buckets made on `s3Endpoint`; absent when none was given. */
  readonly buckets?: BucketNames;
}

/**
 * Creates the pipeline's table (with its sparse indexes and TTL) and its work and dead-letter queues on the
 * given endpoints, from the same definitions the infrastructure code uses, and the ingest and lake buckets
 * when an S3 endpoint is given. Safe to run again: what exists
 * and matches is kept, queue attributes are brought back to the definition, and a table whose keys or
 * indexes differ is refused with a {@link ResourceMismatchError} listing the differences (nothing is
 * changed: dropping the table would drop its data).
 */
export async function ensureResources(options: ResourceOptions): Promise<LocalResources> {
  const region = options.region ?? 'us-east-1';
  const tableName = options.tableName ?? 'gapless';
  const credentials = options.endpointCredentials ?? emulatorCredentials;
  const at = (endpoint: string | undefined) => (endpoint === undefined ? {} : { endpoint, credentials });
  const dynamo = new DynamoDBClient({ region, ...at(options.dynamoEndpoint) });
  const sqs = new SQSClient({ region, ...at(options.sqsEndpoint) });
  const s3 = options.s3Endpoint
    ? new S3Client({ region, forcePathStyle: true, ...at(options.s3Endpoint) })
    : undefined;
  try {
    await ensureTable(dynamo, tableName);
    const timeToLive = await ensureTimeToLive(dynamo, tableName);
    const queues = await ensureQueues(sqs, options);
    if (s3 === undefined) return { tableName, ...queues, timeToLive };
    const buckets = { ...localBucketNames, ...options.buckets };
    await ensureBuckets(s3, [buckets.ingest, buckets.lake]);
    return { tableName, ...queues, timeToLive, buckets };
  } finally {
    dynamo.destroy();
    sqs.destroy();
    s3?.destroy();
  }
}

async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const expected = tableSchema(tableName);
  let actual = await describeTable(client, tableName);
  if (actual === undefined) {
    try {
      await client.send(new CreateTableCommand(expected));
    } catch (error) {
      // Someone else created it between our look and our create: compare theirs like any existing table.
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    await waitUntilTableExists({ client, maxWaitTime: 120 }, { TableName: tableName });
    actual = await describeTable(client, tableName);
  }
  const differences =
    actual === undefined ? ['it vanished while being created'] : schemaDifferences(expected, actual);
  if (differences.length > 0) throw new ResourceMismatchError(`table ${tableName}`, differences);
}

async function describeTable(
  client: DynamoDBClient,
  tableName: string,
): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

async function ensureTimeToLive(
  client: DynamoDBClient,
  tableName: string,
): Promise<LocalResources['timeToLive']> {
  const attribute = tableDefinition.timeToLiveAttribute;
  const { TimeToLiveDescription: current } = await client.send(
    new DescribeTimeToLiveCommand({ TableName: tableName }),
  );
  const status = current?.TimeToLiveStatus;
  if (status === 'ENABLED' || status === 'ENABLING') {
    if (current?.AttributeName === attribute) return 'enabled';
    throw new ResourceMismatchError(`table ${tableName}`, [
      `time to live is on ${current?.AttributeName ?? '(unknown)'}, expected ${attribute}`,
    ]);
  }
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: attribute, Enabled: true },
      }),
    );
    return 'enabled';
  } catch (error) {
    if (error instanceof Error && error.name === 'UnknownOperationException')
      return 'unsupported-by-endpoint';
    throw error;
  }
}

async function ensureQueues(sqs: SQSClient, options: ResourceOptions) {
  const maxMessageBytes = options.maxMessageBytes ?? queueDefinition.maximumMessageBytes;
  const maximumMessageSize = String(checkMaxMessageBytes(maxMessageBytes, 'maxMessageBytes'));
  const deadLetterQueueUrl = await ensureQueue(
    sqs,
    options.deadLetterQueueName ?? queueDefinition.deadLetterQueueName,
    {
      MessageRetentionPeriod: String(queueDefinition.deadLetterRetentionSeconds),
      MaximumMessageSize: maximumMessageSize,
    },
  );
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: deadLetterQueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const deadLetterTargetArn = Attributes?.QueueArn;
  if (deadLetterTargetArn === undefined) {
    throw new LocalStackError(`SQS gave no QueueArn for ${deadLetterQueueUrl}`);
  }
  const queueUrl = await ensureQueue(sqs, options.workQueueName ?? queueDefinition.workQueueName, {
    VisibilityTimeout: String(queueDefinition.visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(queueDefinition.messageRetentionSeconds),
    MaximumMessageSize: maximumMessageSize,
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn, maxReceiveCount: queueDefinition.maxReceiveCount }),
  });
  return { queueUrl, deadLetterQueueUrl };
}

/** Queue attributes can change in place, so an existing queue is brought to the definition, not refused. */
async function ensureQueue(
  sqs: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<string> {
  const existing = await queueUrlOf(sqs, name);
  if (existing !== undefined) {
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: existing, Attributes: attributes }));
    return existing;
  }
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (QueueUrl === undefined) throw new LocalStackError(`SQS created ${name} but returned no QueueUrl`);
  return QueueUrl;
}

async function queueUrlOf(sqs: SQSClient, name: string): Promise<string | undefined> {
  try {
    return (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
  } catch (error) {
    if (
      error instanceof QueueDoesNotExist ||
      (error instanceof Error && error.name === 'QueueDoesNotExist')
    ) {
      return undefined;
    }
    throw error;
  }
}
