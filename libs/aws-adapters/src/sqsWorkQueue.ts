import { SendMessageBatchCommand, SQSClient, type SendMessageBatchCommandOutput } from '@aws-sdk/client-sqs';
import {
  describeError,
  QueueError,
  writeWithRetry,
  type FailedSend,
  type SendReport,
  type WorkQueue,
} from '@gapless/pipeline-core';
import { checkMaxMessageBytes } from './maxMessageBytes.js';
import { queueDefinition } from './queueDefinition.js';

export interface SqsWorkQueueOptions {
  readonly queueUrl: string;
  /**
   * The queue's MaximumMessageSize in bytes (the functions' `MAX_MESSAGE_BYTES`): a larger body is refused
   * before anything is sent, and no call carries more bytes in all. Required: only the caller knows how the
   * queue was configured, and a guess either refuses what the queue accepts or sends what it refuses.
   */
  readonly maxMessageBytes: number;
  /** Defaults to `new SQSClient({})`, so the SDK's own variables (`AWS_ENDPOINT_URL_SQS`, region) apply. */
  readonly client?: SQSClient;
  /** Calls per entry, the first included, before a failure is given up (default 4). */
  readonly maxAttempts?: number;
  /** Waits between retries; tests pass a recorder. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** The back-off cap of the first retry; it doubles per retry up to 2 s (default 100 ms). */
  readonly baseDelayMs?: number;
  /** Jitter source in [0, 1); default Math.random. */
  readonly random?: () => number;
}

interface SendContext {
  readonly client: SQSClient;
  readonly queueUrl: string;
  readonly maxMessageBytes: number;
  readonly maxAttempts: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly baseDelayMs: number;
  readonly random?: () => number;
}

/** Per `sendBodies` call: what became of each body, by its index (which is also its entry `Id`). */
interface Outcome {
  sent: number;
  readonly failed: FailedSend[];
  /** The last failure of each body not sent yet; an exception is kept as such to become the cause. */
  readonly lastFailure: Map<number, string | Error>;
}

const operation = 'SendMessageBatch';
const maxDelayMs = 2_000;
/** Characters SQS accepts in a body (#x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF). */
const forbiddenCharacter = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/**
 * The SQS adapter of {@link WorkQueue}. Sends with SendMessageBatch, packing at most
 * `queueDefinition.sendBatchSize` entries and `maxMessageBytes` bytes per call (SQS limits a batch's total
 * payload as well as its entry count, to at least any queue's MaximumMessageSize). Entries SQS reports as
 * failed through no fault of the sender, and whole calls that throw (throttling outlasting the SDK's own
 * retries, a network error), are retried with jittered back-off by `writeWithRetry`. Sender faults, and
 * entries whose last failure was an entry failure, are returned in `failed`; if bodies are left unsent
 * because calls kept throwing, `sendBodies` rejects with a {@link QueueError} whose cause is the SDK's error.
 */
export function createSqsWorkQueue(options: SqsWorkQueueOptions): WorkQueue {
  if (options.queueUrl.trim() === '') throw new QueueError(operation, 'queueUrl must not be empty');
  const context: SendContext = {
    client: options.client ?? new SQSClient({}),
    queueUrl: options.queueUrl,
    maxMessageBytes: checkMaxMessageBytes(options.maxMessageBytes, 'maxMessageBytes'),
    maxAttempts: Math.max(1, options.maxAttempts ?? 4),
    baseDelayMs: options.baseDelayMs ?? 100,
    ...(options.sleep && { sleep: options.sleep }),
    ...(options.random && { random: options.random }),
  };
  return { sendBodies: (bodies) => sendAll(context, bodies) };
}

/**
 * Groups body indexes, in order, into batches of at most `maxEntries` entries whose sizes add up to at most
 * `maxBytes`. Greedy: a batch closes when the next body would not fit.
 */
export function packSendBatches(sizes: readonly number[], maxEntries: number, maxBytes: number): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  sizes.forEach((size, index) => {
    if (current.length === maxEntries || (current.length > 0 && bytes + size > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(index);
    bytes += size;
  });
  if (current.length > 0) batches.push(current);
  return batches;
}

async function sendAll(context: SendContext, bodies: readonly string[]): Promise<SendReport> {
  const sizes = bodies.map((body, index) => checkedSize(body, index, context.maxMessageBytes));
  const outcome: Outcome = { sent: 0, failed: [], lastFailure: new Map() };
  const result = await writeWithRetry(
    bodies.map((_, index) => index),
    (indexes) => sendOnce(context, bodies, indexes, outcome),
    {
      chunk: (indexes) => packIndexes(indexes, sizes, context.maxMessageBytes),
      maxAttempts: context.maxAttempts,
      baseDelayMs: context.baseDelayMs,
      maxDelayMs,
      ...(context.sleep && { sleep: context.sleep }),
      ...(context.random && { random: context.random }),
    },
  );
  const unsent = result.unwritten.map((index) => ({ index, failure: outcome.lastFailure.get(index) }));
  const thrown = unsent.find((entry) => entry.failure instanceof Error)?.failure;
  if (thrown !== undefined) {
    const progress = `${outcome.sent} of ${bodies.length} bodies were sent, ${bodies.length - outcome.sent} were not`;
    throw new QueueError(operation, `${describeError(thrown)} (${progress})`, { cause: thrown });
  }
  for (const { index, failure } of unsent) {
    outcome.failed.push({ body: bodies[index] ?? '', error: describeError(failure) });
  }
  return { sent: outcome.sent, calls: result.calls, failed: outcome.failed };
}

/** {@link packSendBatches} over a subset of the bodies (a retry round resends only some of them). */
function packIndexes(indexes: number[], sizes: readonly number[], maxBytes: number): number[][] {
  const batchSizes = indexes.map((index) => sizes[index] ?? 0);
  const batches = packSendBatches(batchSizes, queueDefinition.sendBatchSize, maxBytes);
  return batches.map((batch) => batch.map((position) => indexes[position] ?? -1));
}

/** A body SQS would refuse is a bug of the caller (the codec sizes messages), so nothing is sent. */
function checkedSize(body: string, index: number, maxMessageBytes: number): number {
  const size = Buffer.byteLength(body, 'utf8');
  if (size === 0) throw new QueueError(operation, `body #${index} is empty`);
  if (size > maxMessageBytes) {
    throw new QueueError(
      operation,
      `body #${index} is ${size} bytes, over the queue's limit of ${maxMessageBytes}`,
    );
  }
  if (forbiddenCharacter.test(body)) {
    throw new QueueError(operation, `body #${index} holds a character SQS does not accept`);
  }
  return size;
}

/** One SendMessageBatch call. Returns the indexes worth another try; records the rest in `outcome`. */
async function sendOnce(
  context: SendContext,
  bodies: readonly string[],
  indexes: number[],
  outcome: Outcome,
): Promise<number[]> {
  const entries = indexes.map((index) => ({ Id: String(index), MessageBody: bodies[index] }));
  try {
    const output = await context.client.send(
      new SendMessageBatchCommand({ QueueUrl: context.queueUrl, Entries: entries }),
    );
    return sortResults(output, bodies, indexes, outcome);
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    for (const index of indexes) outcome.lastFailure.set(index, failure);
    throw error;
  }
}

function sortResults(
  output: SendMessageBatchCommandOutput,
  bodies: readonly string[],
  indexes: readonly number[],
  outcome: Outcome,
): number[] {
  const succeeded = new Set((output.Successful ?? []).map((entry) => entry.Id));
  const failures = new Map((output.Failed ?? []).map((entry) => [entry.Id, entry]));
  const retry: number[] = [];
  for (const index of indexes) {
    const id = String(index);
    const failure = failures.get(id);
    if (succeeded.has(id) && failure === undefined) {
      outcome.sent += 1;
      outcome.lastFailure.delete(index);
    } else if (failure === undefined) {
      // SQS answered for neither: resending risks a duplicate, which the scraper's claim absorbs; losing it does not.
      outcome.lastFailure.set(index, 'no result for this entry in the SendMessageBatch response');
      retry.push(index);
    } else {
      const error = `${failure.Code ?? 'Unknown'}: ${failure.Message ?? 'no message'}`;
      if (failure.SenderFault === true) {
        outcome.lastFailure.delete(index);
        outcome.failed.push({ body: bodies[index] ?? '', error });
      } else {
        outcome.lastFailure.set(index, error);
        retry.push(index);
      }
    }
  }
  return retry;
}
