import { SendMessageBatchCommand, SQSClient, type SendMessageBatchCommandOutput } from '@aws-sdk/client-sqs';
import { setTimeout as delay } from 'node:timers/promises';
import { QueueError } from './errors.js';
import { queueDefinition } from './queueDefinition.js';

/** A body SQS did not take, and why (`Code: Message` of the failed entry, or the last error seen). */
export interface FailedSend {
  readonly body: string;
  readonly error: string;
}

/** What one `sendBodies` call did: bodies accepted, SendMessageBatch calls made, bodies given up on. */
export interface SendReport {
  readonly sent: number;
  readonly calls: number;
  readonly failed: FailedSend[];
}

/**
 * The port the domain sends work through. It takes bodies that are already encoded, so the queue knows
 * nothing about the message format. Every body ends up either counted in `sent` or listed in `failed`.
 */
export interface WorkQueue {
  sendBodies(bodies: readonly string[]): Promise<SendReport>;
}

export interface SqsWorkQueueOptions {
  readonly queueUrl: string;
  /** Defaults to `new SQSClient({})`, so the SDK's own variables (`AWS_ENDPOINT_URL_SQS`, region) apply. */
  readonly client?: SQSClient;
  /** Calls per entry, the first included, before a retryable failure is reported in `failed` (default 4). */
  readonly maxAttempts?: number;
  /** Waits between retries; tests pass a recorder. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** First back-off delay; it doubles per retry up to 2 s (default 100 ms). */
  readonly baseDelayMs?: number;
}

interface SendContext {
  readonly client: SQSClient;
  readonly queueUrl: string;
  readonly maxAttempts: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly baseDelayMs: number;
}

/** One entry of a batch: its index in the caller's array (also its entry `Id`) and its last error. */
interface Pending {
  readonly index: number;
  readonly error: string;
}

interface Tally {
  sent: number;
  calls: number;
  readonly failed: FailedSend[];
}

const operation = 'SendMessageBatch';
const maxDelayMs = 2_000;
/** Characters SQS accepts in a body (#x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF). */
const forbiddenCharacter = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
/** Throttling and server-side failures of a whole call: worth another try once the SDK's own retries ran out. */
const retryableCallErrors = new Set([
  'RequestThrottled',
  'ThrottlingException',
  'KmsThrottled',
  'ServiceUnavailable',
  'InternalError',
  'InternalFailure',
]);

/**
 * The SQS adapter of {@link WorkQueue}. Sends with SendMessageBatch, packing at most
 * `queueDefinition.sendBatchSize` entries and `queueDefinition.maximumMessageBytes` bytes per call (SQS
 * limits a batch's total payload as well as its entry count). Entries SQS reports as failed through no
 * fault of the sender are retried with back-off; sender faults and entries still failing after
 * `maxAttempts` are returned in `failed`. A call that throws becomes a {@link QueueError}.
 */
export function createSqsWorkQueue(options: SqsWorkQueueOptions): WorkQueue {
  if (options.queueUrl.trim() === '') throw new QueueError(operation, 'queueUrl must not be empty');
  const context: SendContext = {
    client: options.client ?? new SQSClient({}),
    queueUrl: options.queueUrl,
    maxAttempts: Math.max(1, options.maxAttempts ?? 4),
    sleep: options.sleep ?? ((ms) => delay(ms)),
    baseDelayMs: options.baseDelayMs ?? 100,
  };
  return { sendBodies: (bodies) => sendAll(context, bodies) };
}

/**
 * Groups body indexes, in order, into batches of at most `maxEntries` entries whose sizes add up to at most
 * `maxBytes`. Greedy: a batch closes when the next body would not fit.
 */
export function packSendBatches(
  sizes: readonly number[],
  maxEntries: number = queueDefinition.sendBatchSize,
  maxBytes: number = queueDefinition.maximumMessageBytes,
): number[][] {
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
  const sizes = bodies.map((body, index) => checkedSize(body, index));
  const tally: Tally = { sent: 0, calls: 0, failed: [] };
  for (const batch of packSendBatches(sizes)) {
    await sendBatch(context, bodies, batch, tally);
  }
  return tally;
}

/** A body SQS would refuse is a bug of the caller (the codec sizes messages), so nothing is sent. */
function checkedSize(body: string, index: number): number {
  const size = Buffer.byteLength(body, 'utf8');
  if (size === 0) throw new QueueError(operation, `body #${index} is empty`);
  if (size > queueDefinition.maximumMessageBytes) {
    throw new QueueError(
      operation,
      `body #${index} is ${size} bytes, over the queue's limit of ${queueDefinition.maximumMessageBytes}`,
    );
  }
  if (forbiddenCharacter.test(body)) {
    throw new QueueError(operation, `body #${index} holds a character SQS does not accept`);
  }
  return size;
}

async function sendBatch(context: SendContext, bodies: readonly string[], batch: number[], tally: Tally) {
  let pending: Pending[] = batch.map((index) => ({ index, error: '' }));
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    if (attempt > 1) await context.sleep(backoffMs(context.baseDelayMs, attempt - 1));
    const lastAttempt = attempt >= context.maxAttempts;
    const retry = await sendOnce(context, bodies, pending, tally, lastAttempt);
    if (lastAttempt) {
      tally.failed.push(...retry.map((entry) => ({ body: bodies[entry.index] ?? '', error: entry.error })));
      return;
    }
    pending = retry;
  }
}

/** One SendMessageBatch call. Returns the entries worth another try; records the rest in `tally`. */
async function sendOnce(
  context: SendContext,
  bodies: readonly string[],
  pending: readonly Pending[],
  tally: Tally,
  lastAttempt: boolean,
): Promise<Pending[]> {
  const entries = pending.map(({ index }) => ({ Id: String(index), MessageBody: bodies[index] }));
  tally.calls += 1;
  let output: SendMessageBatchCommandOutput;
  try {
    output = await context.client.send(
      new SendMessageBatchCommand({ QueueUrl: context.queueUrl, Entries: entries }),
    );
  } catch (error) {
    if (!lastAttempt && isRetryableCall(error)) {
      return pending.map(({ index }) => ({ index, error: describe(error) }));
    }
    const progress = `${tally.sent} of ${bodies.length} bodies were sent before`;
    throw new QueueError(operation, `${describe(error)} (${progress})`, { cause: error });
  }
  return sortResults(output, bodies, pending, tally);
}

function sortResults(
  output: SendMessageBatchCommandOutput,
  bodies: readonly string[],
  pending: readonly Pending[],
  tally: Tally,
): Pending[] {
  const succeeded = new Set((output.Successful ?? []).map((entry) => entry.Id));
  const failures = new Map((output.Failed ?? []).map((entry) => [entry.Id, entry]));
  const retry: Pending[] = [];
  for (const { index } of pending) {
    const id = String(index);
    const failure = failures.get(id);
    if (succeeded.has(id) && failure === undefined) {
      tally.sent += 1;
    } else if (failure === undefined) {
      // SQS answered for neither: resending risks a duplicate, which the scraper's claim absorbs; losing it does not.
      retry.push({ index, error: 'no result for this entry in the SendMessageBatch response' });
    } else {
      const error = `${failure.Code ?? 'Unknown'}: ${failure.Message ?? 'no message'}`;
      if (failure.SenderFault === true) tally.failed.push({ body: bodies[index] ?? '', error });
      else retry.push({ index, error });
    }
  }
  return retry;
}

function isRetryableCall(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const details = error as Error & { $fault?: string; $retryable?: unknown };
  return (
    retryableCallErrors.has(error.name) || details.$fault === 'server' || details.$retryable !== undefined
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function backoffMs(baseDelayMs: number, retry: number): number {
  return Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
}
