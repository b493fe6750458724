import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { queueDefinition } from '@gapless/aws-adapters';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulators, type Emulators } from '../src/emulators.js';
import { ResourceMismatchError } from '../src/errors.js';
import { ensureResources, type ResourceOptions } from '../src/resources.js';
import { tableSchema } from '../src/tableSchema.js';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
let emulators: Emulators;
let dynamo: DynamoDBClient;
let sqs: SQSClient;

beforeAll(async () => {
  emulators = await startEmulators();
  dynamo = new DynamoDBClient({ endpoint: emulators.dynamoEndpoint, region: 'us-east-1', credentials });
  sqs = new SQSClient({ endpoint: emulators.sqsEndpoint, region: 'us-east-1', credentials });
});

afterAll(async () => {
  dynamo.destroy();
  sqs.destroy();
  await emulators.stop();
});

/** Options for one test, with names of its own so tests sharing the emulators do not meet. */
function optionsFor(suffix: string): ResourceOptions {
  return {
    dynamoEndpoint: emulators.dynamoEndpoint,
    sqsEndpoint: emulators.sqsEndpoint,
    tableName: `gapless-${suffix}`,
    workQueueName: `work-${suffix}`,
    deadLetterQueueName: `dlq-${suffix}`,
  };
}

async function queueAttributes(queueUrl: string): Promise<Record<string, string>> {
  const output = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }),
  );
  return output.Attributes ?? {};
}

async function receiveOnce(queueUrl: string) {
  const output = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
  );
  return output.Messages ?? [];
}

describe('ensureResources', () => {
  it('creates the table, its sparse indexes and both queues, and finds them again on a second run', async () => {
    // Prepare
    const options = optionsFor('twice');

    // Act
    const first = await ensureResources(options);
    const second = await ensureResources(options);

    // Assess
    expect(second).toEqual(first);
    expect(first).toMatchObject({ tableName: 'gapless-twice', timeToLive: 'unsupported-by-endpoint' });
    expect(first.queueUrl).toMatch(/\/work-twice$/);
    expect(first.deadLetterQueueUrl).toMatch(/\/dlq-twice$/);
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: 'gapless-twice' }));
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'info_type', KeyType: 'HASH' },
      { AttributeName: 'date', KeyType: 'RANGE' },
    ]);
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual([
      'quarantined',
      'retry-due',
    ]);
  });

  it('gives the work queue the attributes and redrive policy of queueDefinition', async () => {
    // Act
    const { queueUrl, deadLetterQueueUrl } = await ensureResources(optionsFor('attributes'));

    // Assess
    const work = await queueAttributes(queueUrl);
    const deadLetter = await queueAttributes(deadLetterQueueUrl);
    expect(work).toMatchObject({
      VisibilityTimeout: String(queueDefinition.visibilityTimeoutSeconds),
      MessageRetentionPeriod: String(queueDefinition.messageRetentionSeconds),
      MaximumMessageSize: String(queueDefinition.maximumMessageBytes),
    });
    expect(JSON.parse(work.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: deadLetter.QueueArn,
      maxReceiveCount: queueDefinition.maxReceiveCount,
    });
    expect(deadLetter.MessageRetentionPeriod).toBe(String(queueDefinition.deadLetterRetentionSeconds));
    expect(deadLetter.MaximumMessageSize).toBe(String(queueDefinition.maximumMessageBytes));
  });

  it.each([queueDefinition.messageBytesRange.min, queueDefinition.messageBytesRange.max])(
    'sets both queues to a configured message size of %i bytes, not the emulator default',
    async (bytes) => {
      // Act
      const { queueUrl, deadLetterQueueUrl } = await ensureResources({
        ...optionsFor(`size-${bytes}`),
        maxMessageBytes: bytes,
      });

      // Assess
      expect((await queueAttributes(queueUrl)).MaximumMessageSize).toBe(String(bytes));
      expect((await queueAttributes(deadLetterQueueUrl)).MaximumMessageSize).toBe(String(bytes));
    },
  );

  it('brings an existing queue to a changed message size', async () => {
    // Prepare
    const options = optionsFor('resize');
    const { queueUrl } = await ensureResources(options);

    // Act
    await ensureResources({ ...options, maxMessageBytes: 4_096 });

    // Assess
    expect((await queueAttributes(queueUrl)).MaximumMessageSize).toBe('4096');
  });

  it('refuses a message size SQS would not allow before creating anything', async () => {
    // Act
    const error = await ensureResources({ ...optionsFor('too-large'), maxMessageBytes: 2 * 1_048_576 }).catch(
      (caught: unknown) => caught,
    );

    // Assess
    expect((error as Error).message).toMatch(/^maxMessageBytes must be an integer between 1024 and 1048576/);
  });

  it('brings a changed queue attribute back to the definition', async () => {
    // Prepare
    const options = optionsFor('drift');
    const { queueUrl } = await ensureResources(options);
    await sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { VisibilityTimeout: '5' } }),
    );

    // Act
    await ensureResources(options);

    // Assess
    expect((await queueAttributes(queueUrl)).VisibilityTimeout).toBe(
      String(queueDefinition.visibilityTimeoutSeconds),
    );
  });

  it('refuses a table whose keys and indexes differ, listing each difference, and changes nothing', async () => {
    // Prepare
    const options = optionsFor('mismatch');
    const expected = tableSchema('gapless-mismatch');
    const other: CreateTableCommandInput = {
      ...expected,
      AttributeDefinitions: [
        { AttributeName: 'info_type', AttributeType: 'S' },
        { AttributeName: 'day', AttributeType: 'N' },
        { AttributeName: 'retry_shard', AttributeType: 'S' },
        { AttributeName: 'retry_due', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'info_type', KeyType: 'HASH' },
        { AttributeName: 'day', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: expected.GlobalSecondaryIndexes?.filter(
        (index) => index.IndexName === 'retry-due',
      ),
    };
    await dynamo.send(new CreateTableCommand(other));

    // Act
    const error = await ensureResources(options).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(ResourceMismatchError);
    expect((error as ResourceMismatchError).differences).toEqual([
      'key schema is info_type HASH, day RANGE, expected info_type HASH, date RANGE',
      'index quarantined is missing',
    ]);
    expect((error as Error).message).toMatch(
      /^table gapless-mismatch exists but differs from its definition: /,
    );
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: 'gapless-mismatch' }));
    expect(Table?.KeySchema?.[1]?.AttributeName).toBe('day');
  });

  it('moves a message received more than maxReceiveCount times to the dead-letter queue', async () => {
    // Prepare
    const { queueUrl, deadLetterQueueUrl } = await ensureResources(optionsFor('redrive'));
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'poison' }));

    // Act
    const deliveries: number[] = [];
    for (let receive = 0; receive <= queueDefinition.maxReceiveCount; receive += 1) {
      deliveries.push((await receiveOnce(queueUrl)).length);
    }
    const deadLetters = await receiveOnce(deadLetterQueueUrl);

    // Assess
    expect(deliveries).toEqual([...Array.from({ length: queueDefinition.maxReceiveCount }, () => 1), 0]);
    expect(deadLetters.map((message) => message.Body)).toEqual(['poison']);
  });
});
