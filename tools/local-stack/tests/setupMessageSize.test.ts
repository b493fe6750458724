import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { queueDefinition } from '@gapless/aws-adapters';
import { ConfigError } from '@gapless/pipeline-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulators, type Emulators } from '../src/emulators.js';
import { setupResources } from '../src/setupCommand.js';

let emulators: Emulators;
let sqs: SQSClient;

beforeAll(async () => {
  emulators = await startEmulators();
  sqs = new SQSClient({
    endpoint: emulators.sqsEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  sqs.destroy();
  await emulators.stop();
});

/** The environment `setup` runs with: the emulators' endpoints, plus what the functions would get. */
function setupEnv(extra: Record<string, string> = {}) {
  return {
    AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamoEndpoint,
    AWS_ENDPOINT_URL_SQS: emulators.sqsEndpoint,
    ...extra,
  };
}

async function maximumMessageSize(queueUrl: string): Promise<string | undefined> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['MaximumMessageSize'] }),
  );
  return Attributes?.MaximumMessageSize;
}

describe("setup: the queues take the functions' MAX_MESSAGE_BYTES", () => {
  it('sets the queue definition default when MAX_MESSAGE_BYTES is unset', async () => {
    // Act
    const resources = await setupResources('gapless-size-default', setupEnv());

    // Assess
    expect(await maximumMessageSize(resources.queueUrl)).toBe(String(queueDefinition.maximumMessageBytes));
    expect(await maximumMessageSize(resources.deadLetterQueueUrl)).toBe(
      String(queueDefinition.maximumMessageBytes),
    );
  });

  it('sets the MAX_MESSAGE_BYTES the functions read from the same environment', async () => {
    // Act
    const resources = await setupResources('gapless-size-set', setupEnv({ MAX_MESSAGE_BYTES: '1048576' }));

    // Assess
    expect(await maximumMessageSize(resources.queueUrl)).toBe('1048576');
    expect(await maximumMessageSize(resources.deadLetterQueueUrl)).toBe('1048576');
  });

  it('refuses a MAX_MESSAGE_BYTES above what SQS allows, naming it', async () => {
    // Act
    const error = await setupResources('gapless-size-bad', setupEnv({ MAX_MESSAGE_BYTES: '1048577' })).catch(
      (caught: unknown) => caught,
    );

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('MAX_MESSAGE_BYTES');
  });
});
