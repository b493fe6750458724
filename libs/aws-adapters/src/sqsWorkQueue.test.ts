import {
  QueueDoesNotExist,
  RequestThrottled,
  SendMessageBatchCommand,
  SQSClient,
  type SendMessageBatchCommandInput,
  type SendMessageBatchCommandOutput,
} from '@aws-sdk/client-sqs';
import { fc, test } from '@fast-check/vitest';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { QueueError } from '@gapless/pipeline-core';
import { createSqsWorkQueue, packSendBatches } from './sqsWorkQueue.js';
import { queueDefinition } from './queueDefinition.js';

const queueUrl = 'http://127.0.0.1:1/000000000000/gapless-work';
const sqs = mockClient(SQSClient);

function makeBodies(count: number, prefix = 'body'): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix}-${index}`);
}

function makeQueue(options: { maxAttempts?: number; maxMessageBytes?: number } = {}) {
  const sleeps: number[] = [];
  const queue = createSqsWorkQueue({
    queueUrl,
    maxMessageBytes: queueDefinition.maximumMessageBytes,
    client: new SQSClient({ region: 'us-east-1' }),
    sleep: async (ms) => void sleeps.push(ms),
    // Mid-range jitter: each back-off is half its cap (cap = 100 ms doubling per retry).
    random: () => 0.5,
    ...options,
  });
  return { queue, sleeps };
}

/** SQS's answer when every entry of the call was accepted. */
function acceptAll(input: SendMessageBatchCommandInput): SendMessageBatchCommandOutput {
  const entries = input.Entries ?? [];
  return {
    Successful: entries.map((entry) => ({ Id: entry.Id, MessageId: `m-${entry.Id}`, MD5OfMessageBody: 'x' })),
    Failed: [],
    $metadata: {},
  };
}

function answer(successfulIds: string[], failed: SendMessageBatchCommandOutput['Failed']) {
  const Successful = successfulIds.map((Id) => ({ Id, MessageId: `m-${Id}`, MD5OfMessageBody: 'x' }));
  return { Successful, Failed: failed, $metadata: {} };
}

function entriesFor(bodies: string[], indexes: number[]) {
  return indexes.map((index) => ({ Id: String(index), MessageBody: bodies[index] }));
}

beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageBatchCommand).callsFake(acceptAll);
});

describe('createSqsWorkQueue', () => {
  it('makes no call for no bodies', async () => {
    // Prepare
    const { queue } = makeQueue();

    // Act
    const report = await queue.sendBodies([]);

    // Assess
    expect(report).toEqual({ sent: 0, calls: 0, failed: [] });
    expect(sqs).toHaveReceivedCommandTimes(SendMessageBatchCommand, 0);
  });

  it('sends 25 bodies in three calls of 10, 10 and 5 entries, ids being the input positions', async () => {
    // Prepare
    const bodies = makeBodies(25);
    const { queue } = makeQueue();

    // Act
    const report = await queue.sendBodies(bodies);

    // Assess
    expect(report).toEqual({ sent: 25, calls: 3, failed: [] });
    expect(sqs).toHaveReceivedCommandTimes(SendMessageBatchCommand, 3);
    const ranges = [
      [0, 10],
      [10, 20],
      [20, 25],
    ] as const;
    ranges.forEach(([from, to], call) => {
      const indexes = Array.from({ length: to - from }, (_, offset) => from + offset);
      expect(sqs).toHaveReceivedNthCommandWith(SendMessageBatchCommand, call + 1, {
        QueueUrl: queueUrl,
        Entries: entriesFor(bodies, indexes),
      });
    });
  });

  it('splits a batch whose total size would pass the byte limit', async () => {
    // Prepare
    const big = 'x'.repeat(100 * 1024);
    const bodies = [big, big, big];
    const { queue } = makeQueue({ maxMessageBytes: 256 * 1024 });

    // Act
    const report = await queue.sendBodies(bodies);

    // Assess
    expect(report).toEqual({ sent: 3, calls: 2, failed: [] });
    expect(sqs).toHaveReceivedNthCommandWith(SendMessageBatchCommand, 1, {
      Entries: entriesFor(bodies, [0, 1]),
    });
    expect(sqs).toHaveReceivedNthCommandWith(SendMessageBatchCommand, 2, {
      Entries: entriesFor(bodies, [2]),
    });
  });

  it('refuses a body over the queue limit, counted in UTF-8 bytes, before sending anything', async () => {
    // Prepare
    const bodies = ['small', 'é'.repeat(1_025)];
    const { queue } = makeQueue({ maxMessageBytes: 2_048 });

    // Act
    const sending = queue.sendBodies(bodies);

    // Assess
    await expect(sending).rejects.toThrow(QueueError);
    await expect(sending).rejects.toThrow(/body #1 is 2050 bytes, over the queue's limit of 2048/);
    expect(sqs).toHaveReceivedCommandTimes(SendMessageBatchCommand, 0);
  });

  it.each([1_024, 1_048_576])(
    'sends a body of exactly its limit of %i bytes, alone in its call',
    async (limit) => {
      // Prepare
      const bodies = ['x'.repeat(limit), 'y'];
      const { queue } = makeQueue({ maxMessageBytes: limit });

      // Act
      const report = await queue.sendBodies(bodies);

      // Assess
      expect(report).toEqual({ sent: 2, calls: 2, failed: [] });
      expect(sqs).toHaveReceivedNthCommandWith(SendMessageBatchCommand, 1, {
        Entries: entriesFor(bodies, [0]),
      });
    },
  );

  it('packs calls by its own limit, not a fixed one', async () => {
    // Prepare
    const bodies = makeBodies(4).map((body) => body.padEnd(600, '.'));
    const { queue } = makeQueue({ maxMessageBytes: 1_200 });

    // Act
    const report = await queue.sendBodies(bodies);

    // Assess
    expect(report).toEqual({ sent: 4, calls: 2, failed: [] });
    expect(sqs).toHaveReceivedNthCommandWith(SendMessageBatchCommand, 2, {
      Entries: entriesFor(bodies, [2, 3]),
    });
  });

  it.each([0, 1_023, 1_048_577, 262_144.5, Number.NaN])(
    'refuses a limit of %d, outside what SQS allows, naming the option',
    (maxMessageBytes) => {
      // Act / Assess
      expect(() => createSqsWorkQueue({ queueUrl, maxMessageBytes })).toThrow(
        /maxMessageBytes must be an integer between 1024 and 1048576 bytes/,
      );
    },
  );

  it('refuses an empty body and a character SQS does not accept', async () => {
    // Prepare
    const { queue } = makeQueue();

    // Act / Assess
    await expect(queue.sendBodies(['ok', ''])).rejects.toThrow(/body #1 is empty/);
    await expect(queue.sendBodies(['a\u0000b'])).rejects.toThrow(/body #0 holds a character/);
    expect(sqs).toHaveReceivedCommandTimes(SendMessageBatchCommand, 0);
  });

  it('retries only the entries that failed through no fault of the sender, after a back-off', async () => {
    // Prepare
    const bodies = makeBodies(3);
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce(
        answer(['0', '2'], [{ Id: '1', SenderFault: false, Code: 'InternalError', Message: 'oops' }]),
      )
      .callsFake(acceptAll);
    const { queue, sleeps } = makeQueue();

    // Act
    const report = await queue.sendBodies(bodies);

    // Assess
    expect(report).toEqual({ sent: 3, calls: 2, failed: [] });
    expect(sqs).toHaveReceivedNthCommandWith(SendMessageBatchCommand, 2, {
      QueueUrl: queueUrl,
      Entries: entriesFor(bodies, [1]),
    });
    expect(sleeps).toEqual([50]);
  });

  it('returns sender faults in failed without retrying them', async () => {
    // Prepare
    const bodies = makeBodies(2);
    const refused = { Id: '0', SenderFault: true, Code: 'InvalidParameterValue', Message: 'bad body' };
    sqs.on(SendMessageBatchCommand).resolvesOnce(answer(['1'], [refused]));
    const { queue, sleeps } = makeQueue();

    // Act
    const report = await queue.sendBodies(bodies);

    // Assess
    expect(report).toEqual({
      sent: 1,
      calls: 1,
      failed: [{ body: 'body-0', error: 'InvalidParameterValue: bad body' }],
    });
    expect(sleeps).toEqual([]);
  });

  it('returns the entries that still fail after maxAttempts, with their last error', async () => {
    // Prepare
    const bodies = makeBodies(2);
    const busy = { Id: '1', SenderFault: false, Code: 'ServiceUnavailable', Message: 'busy' };
    sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => {
      const ids = (input.Entries ?? []).map((entry) => entry.Id ?? '');
      return answer(
        ids.filter((id) => id !== '1'),
        ids.includes('1') ? [busy] : [],
      );
    });
    const { queue, sleeps } = makeQueue({ maxAttempts: 4 });

    // Act
    const report = await queue.sendBodies(bodies);

    // Assess
    expect(report).toEqual({
      sent: 1,
      calls: 4,
      failed: [{ body: 'body-1', error: 'ServiceUnavailable: busy' }],
    });
    expect(sleeps).toEqual([50, 100, 200]);
  });

  it('resends an entry the response does not mention', async () => {
    // Prepare
    const bodies = makeBodies(2);
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce(answer(['0'], []))
      .callsFake(acceptAll);
    const { queue } = makeQueue();

    // Act
    const report = await queue.sendBodies(bodies);

    // Assess
    expect(report).toEqual({ sent: 2, calls: 2, failed: [] });
    expect(sqs).toHaveReceivedNthCommandWith(SendMessageBatchCommand, 2, {
      Entries: entriesFor(bodies, [1]),
    });
  });

  it('retries the whole batch after a throttling exception', async () => {
    // Prepare
    const bodies = makeBodies(2);
    const throttled = new RequestThrottled({ message: 'slow down', $metadata: {} });
    sqs.on(SendMessageBatchCommand).rejectsOnce(throttled).callsFake(acceptAll);
    const { queue, sleeps } = makeQueue();

    // Act
    const report = await queue.sendBodies(bodies);

    // Assess
    expect(report).toEqual({ sent: 2, calls: 2, failed: [] });
    expect(sqs).toHaveReceivedNthCommandWith(SendMessageBatchCommand, 2, {
      Entries: entriesFor(bodies, [0, 1]),
    });
    expect(sleeps).toEqual([50]);
  });

  it('throws a QueueError carrying the cause when throttling outlasts maxAttempts', async () => {
    // Prepare
    const throttled = new RequestThrottled({ message: 'slow down', $metadata: {} });
    sqs.on(SendMessageBatchCommand).rejects(throttled);
    const { queue } = makeQueue({ maxAttempts: 3 });

    // Act
    const error = await queue.sendBodies(makeBodies(12)).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(QueueError);
    expect((error as QueueError).cause).toBe(throttled);
    expect((error as QueueError).message).toMatch(
      /RequestThrottled: slow down \(0 of 12 bodies were sent, 12 were not\)/,
    );
    expect(sqs).toHaveReceivedCommandTimes(SendMessageBatchCommand, 6); // two batches, three tries each
  });

  it('throws a QueueError telling how far it got when calls keep failing, keeping what was sent', async () => {
    // Prepare
    const missing = new QueueDoesNotExist({ message: 'no such queue', $metadata: {} });
    sqs.on(SendMessageBatchCommand).callsFakeOnce(acceptAll).rejects(missing);
    const { queue, sleeps } = makeQueue({ maxAttempts: 3 });

    // Act
    const error = await queue.sendBodies(makeBodies(15)).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(QueueError);
    expect((error as QueueError).cause).toBe(missing);
    expect((error as QueueError).message).toMatch(
      /QueueDoesNotExist: no such queue \(10 of 15 bodies were sent, 5 were not\)/,
    );
    expect(sqs).toHaveReceivedCommandTimes(SendMessageBatchCommand, 4);
    expect(sqs).toHaveReceivedNthCommandWith(SendMessageBatchCommand, 4, {
      Entries: entriesFor(makeBodies(15), [10, 11, 12, 13, 14]),
    });
    expect(sleeps).toEqual([50, 100]);
  });

  it('reports an entry failure and throws nothing when the last failure was not an exception', async () => {
    // Prepare
    const throttled = new RequestThrottled({ message: 'slow down', $metadata: {} });
    const busy = { Id: '0', SenderFault: false, Code: 'InternalError', Message: 'try later' };
    sqs
      .on(SendMessageBatchCommand)
      .rejectsOnce(throttled)
      .resolves(answer([], [busy]));
    const { queue } = makeQueue({ maxAttempts: 2 });

    // Act
    const report = await queue.sendBodies(['only']);

    // Assess
    expect(report).toEqual({
      sent: 0,
      calls: 2,
      failed: [{ body: 'only', error: 'InternalError: try later' }],
    });
  });

  it('refuses an empty queue URL', () => {
    // Act / Assess
    expect(() => createSqsWorkQueue({ queueUrl: ' ', maxMessageBytes: 1_024 })).toThrow(QueueError);
  });
});

describe('packSendBatches', () => {
  const limits = fc.record({
    maxEntries: fc.integer({ min: 1, max: 10 }),
    maxBytes: fc.integer({ min: 1, max: 500 }),
  });

  test.prop([fc.array(fc.integer({ min: 1, max: 500 }), { maxLength: 60 }), limits])(
    'keeps every index once, in order, each batch within both limits unless a body alone fills it',
    (sizes, { maxEntries, maxBytes }) => {
      // Act
      const batches = packSendBatches(sizes, maxEntries, maxBytes);

      // Assess
      expect(batches.flat()).toEqual(sizes.map((_, index) => index));
      for (const batch of batches) {
        const bytes = batch.reduce((sum, index) => sum + (sizes[index] ?? 0), 0);
        expect(batch.length).toBeGreaterThan(0);
        expect(batch.length).toBeLessThanOrEqual(maxEntries);
        expect(bytes <= maxBytes || batch.length === 1).toBe(true);
      }
    },
  );

  test.prop([fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 2, maxLength: 60 }), limits])(
    'closes a batch only when the next body would not fit',
    (sizes, { maxEntries, maxBytes }) => {
      // Act
      const batches = packSendBatches(sizes, maxEntries, maxBytes);

      // Assess
      batches.slice(0, -1).forEach((batch, position) => {
        const next = batches[position + 1]?.[0] ?? 0;
        const bytes = batch.reduce((sum, index) => sum + (sizes[index] ?? 0), 0);
        expect(batch.length === maxEntries || bytes + (sizes[next] ?? 0) > maxBytes).toBe(true);
      });
    },
  );
});
