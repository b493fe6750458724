import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueDefinition } from '../src/queueDefinition.js';
import { createSqsWorkQueue } from '../src/sqsWorkQueue.js';

// fauxqs (an SQS emulator) in this process, on loopback, spoken to over HTTP by the real SDK client.
const app = buildApp({ logger: false });
let client: SQSClient;

beforeAll(async () => {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  client = new SQSClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  client.destroy();
  await app.close();
});

/** A queue whose MaximumMessageSize is set explicitly, as the deployment does (fauxqs defaults to 1 MiB). */
async function createQueue(
  name: string,
  maxMessageBytes: number = queueDefinition.maximumMessageBytes,
): Promise<string> {
  const attributes = { MaximumMessageSize: String(maxMessageBytes) };
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (QueueUrl === undefined) throw new Error('no queue URL');
  return QueueUrl;
}

/** Receives (and deletes) until `count` messages came back or a receive finds the queue empty. */
async function drain(queueUrl: string, count: number): Promise<Message[]> {
  const received: Message[] = [];
  while (received.length < count) {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) break;
    received.push(...Messages);
    const entries = Messages.map((message, index) => ({
      Id: String(index),
      ReceiptHandle: message.ReceiptHandle,
    }));
    await client.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
  }
  return received;
}

describe('createSqsWorkQueue against fauxqs', () => {
  it('delivers 25 bodies sent in three batches, each exactly once', async () => {
    // Prepare
    const queueUrl = await createQueue('work-25');
    const bodies = Array.from({ length: 25 }, (_, index) => JSON.stringify({ partition_key: 'X', index }));
    const queue = createSqsWorkQueue({
      queueUrl,
      client,
      maxMessageBytes: queueDefinition.maximumMessageBytes,
    });

    // Act
    const report = await queue.sendBodies(bodies);
    const received = await drain(queueUrl, 26);

    // Assess
    expect(report).toEqual({ sent: 25, calls: 3, failed: [] });
    expect(received.map((message) => message.Body).sort()).toEqual([...bodies].sort());
  });

  it('splits large bodies so that no batch passes the payload limit', async () => {
    // Prepare
    const queueUrl = await createQueue('work-large');
    const bodies = ['a', 'b', 'c', 'd'].map((letter) =>
      letter.repeat(queueDefinition.maximumMessageBytes / 2),
    );
    const queue = createSqsWorkQueue({
      queueUrl,
      client,
      maxMessageBytes: queueDefinition.maximumMessageBytes,
    });

    // Act
    const report = await queue.sendBodies(bodies);
    const received = await drain(queueUrl, 5);

    // Assess
    expect(report).toEqual({ sent: 4, calls: 2, failed: [] });
    expect(received.map((message) => message.Body?.length)).toEqual(bodies.map((body) => body.length));
  });

  it('reports a queue that does not exist as an error, not as sent', async () => {
    // Prepare
    const queueUrl = (await createQueue('work-exists')).replace('work-exists', 'work-missing');
    const queue = createSqsWorkQueue({
      queueUrl,
      client,
      maxMessageBytes: queueDefinition.maximumMessageBytes,
      maxAttempts: 2,
      sleep: async () => {},
    });

    // Act
    const sending = queue.sendBodies(['{}']);

    // Assess
    await expect(sending).rejects.toThrow(/SQS SendMessageBatch: .*\(0 of 1 bodies were sent, 1 were not\)/);
  });
});

describe('the message size limit against fauxqs', () => {
  const { max } = queueDefinition.messageBytesRange;

  it('round-trips the largest message SQS allows, through a queue and an adapter set to the same limit', async () => {
    // Prepare
    const queueUrl = await createQueue('work-largest', max);
    // Multi-byte characters: the limit counts UTF-8 bytes, not characters.
    const body = `${'é'.repeat(1_000)}${'x'.repeat(max - 2_000)}`;
    const queue = createSqsWorkQueue({ queueUrl, client, maxMessageBytes: max });

    // Act
    const report = await queue.sendBodies([body, '{}']);
    const received = await drain(queueUrl, 3);
    const { Attributes } = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['MaximumMessageSize'] }),
    );

    // Assess
    expect(Buffer.byteLength(body, 'utf8')).toBe(max);
    expect(Attributes?.MaximumMessageSize).toBe(String(max));
    expect(report).toEqual({ sent: 2, calls: 2, failed: [] });
    expect(received.map((message) => message.Body).sort()).toEqual([body, '{}'].sort());
  });

  it('refuses one byte more in the adapter, before the queue sees it', async () => {
    // Prepare
    const queueUrl = await createQueue('work-over', max);
    const queue = createSqsWorkQueue({ queueUrl, client, maxMessageBytes: max });

    // Act
    const sending = queue.sendBodies(['x'.repeat(max + 1)]);

    // Assess
    await expect(sending).rejects.toThrow(`body #0 is ${max + 1} bytes, over the queue's limit of ${max}`);
    expect(await drain(queueUrl, 1)).toEqual([]);
  });

  it("fails a send to a queue set below the senders' limit: why one value sets both", async () => {
    // Prepare
    const queueUrl = await createQueue('work-mismatch', queueDefinition.messageBytesRange.min);
    const queue = createSqsWorkQueue({ queueUrl, client, maxMessageBytes: 2_048, maxAttempts: 1 });

    // Act
    const report = await queue.sendBodies(['x'.repeat(2_048)]);

    // Assess
    expect(report.sent).toBe(0);
    expect(report.failed).toEqual([
      { body: 'x'.repeat(2_048), error: expect.stringMatching(/InvalidParameterValue/) },
    ]);
  });
});
