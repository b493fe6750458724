import { GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulators, type Emulators } from '../src/emulators.js';
import { ensureResources } from '../src/resources.js';
import { createSqsPoller } from '../src/sqsPoller.js';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
let emulators: Emulators;
let sqs: SQSClient;

beforeAll(async () => {
  emulators = await startEmulators();
  sqs = new SQSClient({
    endpoint: emulators.sqsEndpoint,
    region: 'us-east-1',
    credentials,
    useQueueUrlAsEndpoint: false,
  });
});

afterAll(async () => {
  sqs.destroy();
  await emulators.stop();
});

/** A work queue of its own with `bodies` sent to it. */
async function queueWith(suffix: string, bodies: readonly string[]): Promise<string> {
  const { queueUrl } = await ensureResources({
    dynamoEndpoint: emulators.dynamoEndpoint,
    sqsEndpoint: emulators.sqsEndpoint,
    tableName: `gapless-${suffix}`,
    workQueueName: `work-${suffix}`,
    deadLetterQueueName: `dlq-${suffix}`,
  });
  await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: bodies.map((body, index) => ({ Id: String(index), MessageBody: body })),
    }),
  );
  return queueUrl;
}

function pollerFor(queueUrl: string, invoke: (event: SQSEvent) => Promise<unknown>) {
  return createSqsPoller({
    sqs,
    queueUrl,
    queueArn: 'arn:aws:sqs:us-east-1:000000000000:work',
    region: 'us-east-1',
    invoke,
    batchSize: 1,
    visibilityTimeoutSeconds: 1,
    concurrency: 2,
  });
}

async function messagesLeft(queueUrl: string): Promise<number> {
  const { Attributes: a = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(a.ApproximateNumberOfMessages) + Number(a.ApproximateNumberOfMessagesNotVisible);
}

describe('createSqsPoller().drain', () => {
  it('delivers every message and ends as soon as the last delivery settles, not a poll later', async () => {
    // Prepare
    const queueUrl = await queueWith('drain-ends', ['a', 'b', 'c', 'd', 'e']);
    const delivered: string[] = [];
    let lastSettled = 0;
    const poller = pollerFor(queueUrl, async (event) => {
      await new Promise((resolve) => setTimeout(resolve, 150));
      delivered.push(...event.Records.map((record) => record.body));
      lastSettled = performance.now();
      return { batchItemFailures: [] };
    });

    // Act
    await poller.drain();
    const tail = performance.now() - lastSettled;

    // Assess
    expect(delivered.sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(await messagesLeft(queueUrl)).toBe(0);
    // A worker that long-polled while the other delivered ended the drain only when its wait at SQS ran
    // out (a second); the idle worker now waits in process and is woken when a delivery settles.
    expect(tail).toBeLessThan(500);
    expect(poller.stats()).toMatchObject({ received: 5, invocations: 5, deleted: 5 });
  });

  it('waits for a failed record to come back after its visibility timeout and delivers it again', async () => {
    // Prepare
    const queueUrl = await queueWith('drain-retries', ['ok', 'flaky']);
    const deliveries: string[] = [];
    const poller = pollerFor(queueUrl, async (event) => {
      const failures = event.Records.filter(
        (record) => record.body === 'flaky' && record.attributes.ApproximateReceiveCount === '1',
      );
      deliveries.push(...event.Records.map((record) => record.body));
      return { batchItemFailures: failures.map((record) => ({ itemIdentifier: record.messageId })) };
    });

    // Act
    await poller.drain();

    // Assess
    expect(deliveries.sort()).toEqual(['flaky', 'flaky', 'ok']);
    expect(await messagesLeft(queueUrl)).toBe(0);
    expect(poller.stats()).toMatchObject({ failedRecords: 1, deleted: 2 });
  });
});
