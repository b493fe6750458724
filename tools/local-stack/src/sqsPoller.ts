import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { billedSqsRequests } from '@gapless/cost';
import type { InvokeOptions } from './lambdaRunner.js';
import { seededRandom } from './seededRandom.js';

export interface PollerChaos {
  /** Share of first deliveries that SQS delivers twice (a second copy is sent to the queue). */
  readonly duplicateRate?: number;
  /** Share of invocations whose host is killed part-way through the batch. */
  readonly crashRate?: number;
  /** Longest delay before such a kill, in ms (default 400). */
  readonly crashWithinMs?: number;
  readonly seed?: number;
}

export interface SqsPollerOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly region: string;
  /** Invokes the consumer (the scraper) with an SQS event; resolves to its response. */
  readonly invoke: (event: SQSEvent, options?: InvokeOptions) => Promise<unknown>;
  readonly batchSize: number;
  /** Visibility timeout set on each receive: failed records reappear after it. */
  readonly visibilityTimeoutSeconds: number;
  /** Invocations in flight at once (Lambda's pollers times the function's concurrency). */
  readonly concurrency: number;
  readonly chaos?: PollerChaos;
  /** Called after each batch with the queue depth seen by the last receive. */
  readonly onBatch?: () => void;
}

export interface PollerStats {
  readonly received: number;
  readonly invocations: number;
  readonly failedInvocations: number;
  readonly failedRecords: number;
  readonly deleted: number;
  readonly duplicatesInjected: number;
  readonly crashesInjected: number;
  /**
   * The requests Lambda's event source mapping would be billed for delivering these messages: each receive
   * that returned messages and each batch delete. The poller's own extras are left out (its empty short
   * polls, queue-depth checks and visibility heartbeats, and the chaos duplicates): the real mapping
   * long-polls and does none of them.
   */
  readonly esmReceiveRequests: number;
  readonly esmDeleteRequests: number;
  /** Those requests as billed, per 64 KB chunk of payload. */
  readonly esmBilledRequests: number;
  /** Bytes of the messages received (bodies and attributes). */
  readonly esmPayloadBytes: number;
}

/** What the mapping did to bodies, so a test can tell which messages had to reach the dead-letter queue. */
export interface DeliveryLog {
  /** Bodies of the injected second copies, one entry per copy. */
  readonly duplicated: readonly string[];
  /** Every record of an invocation that failed as a whole (crash, timeout), with its receive count. */
  readonly failed: readonly { readonly body: string; readonly receiveCount: number }[];
}

/** Lambda's SQS event source mapping, for one queue and one function. */
export interface SqsPoller {
  /**
   * Receives and delivers batches until the queue is empty, in-flight messages included (so records that
   * failed are waited for until they come back or go to the dead-letter queue), or until `signal` aborts;
   * invocations already started are then awaited.
   */
  drain(signal?: AbortSignal): Promise<void>;
  stats(): PollerStats;
  deliveries(): DeliveryLog;
  /** Messages visible and in flight, as SQS reports them. */
  depth(): Promise<{ visible: number; inFlight: number }>;
}

/**
 * Builds the poller. Like the real mapping, it receives batches of `batchSize` with the system attributes,
 * invokes the function synchronously, deletes the records the response does not list in
 * `batchItemFailures`, deletes nothing when the invocation failed, and leaves redrive to the queue's
 * RedrivePolicy (after `maxReceiveCount` receives SQS moves the message to the dead-letter queue).
 */
export function createSqsPoller(options: SqsPollerOptions): SqsPoller {
  const chaos = options.chaos ?? {};
  const duplicateDraw = seededRandom(chaos.seed ?? 1, 2);
  const crashDraw = seededRandom(chaos.seed ?? 1, 3);
  const counts = {
    received: 0,
    invocations: 0,
    failedInvocations: 0,
    failedRecords: 0,
    deleted: 0,
    duplicatesInjected: 0,
    crashesInjected: 0,
    esmReceiveRequests: 0,
    esmDeleteRequests: 0,
    esmBilledRequests: 0,
    esmPayloadBytes: 0,
  };
  const duplicated: string[] = [];
  const failedRecords: { body: string; receiveCount: number }[] = [];

  const depth = async () => {
    const { Attributes: a = {} } = await options.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: options.queueUrl,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    const visible =
      Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesDelayed ?? 0);
    return { visible, inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) };
  };

  const deliver = async (messages: Message[]): Promise<void> => {
    await injectDuplicates(messages);
    const event: SQSEvent = { Records: messages.map((message) => toRecord(message, options)) };
    const crash = (chaos.crashRate ?? 0) > 0 && crashDraw() < (chaos.crashRate ?? 0);
    const invokeOptions = crash
      ? { crashAfterMs: Math.floor(crashDraw() * (chaos.crashWithinMs ?? 400)) }
      : {};
    if (crash) counts.crashesInjected += 1;
    counts.invocations += 1;
    let response: unknown;
    const heartbeat = keepInvisible(messages);
    try {
      response = await options.invoke(event, invokeOptions);
    } catch {
      // A failed invocation deletes nothing: every record comes back after the visibility timeout.
      counts.failedInvocations += 1;
      for (const record of event.Records) {
        failedRecords.push({
          body: record.body,
          receiveCount: Number(record.attributes.ApproximateReceiveCount),
        });
      }
      return;
    } finally {
      clearInterval(heartbeat);
    }
    const failed = failedIds(response, event);
    counts.failedRecords += failed.size;
    const done = messages.filter((message) => !failed.has(message.MessageId ?? ''));
    await deleteMessages(done);
  };

  const injectDuplicates = async (messages: Message[]) => {
    const rate = chaos.duplicateRate ?? 0;
    if (rate <= 0) return;
    for (const message of messages) {
      if (message.Attributes?.ApproximateReceiveCount !== '1' || duplicateDraw() >= rate) continue;
      counts.duplicatesInjected += 1;
      duplicated.push(message.Body ?? '');
      await options.sqs.send(
        new SendMessageCommand({ QueueUrl: options.queueUrl, MessageBody: message.Body ?? '' }),
      );
    }
  };

  /**
   * The visibility timeout is short so that a failed record comes back within seconds, but a slow
   * invocation must not see its own records delivered again meanwhile (a real mapping avoids that with a
   * timeout longer than the function's): while the invocation runs, its records are kept invisible.
   */
  const keepInvisible = (messages: Message[]): NodeJS.Timeout => {
    const seconds = options.visibilityTimeoutSeconds;
    const timer = setInterval(
      () => {
        options.sqs
          .send(
            new ChangeMessageVisibilityBatchCommand({
              QueueUrl: options.queueUrl,
              Entries: messages.map((message, index) => ({
                Id: String(index),
                ReceiptHandle: message.ReceiptHandle,
                VisibilityTimeout: seconds,
              })),
            }),
          )
          .catch(() => {}); // a missed extension only risks a duplicate delivery, which the claims absorb
      },
      Math.max(200, (seconds * 1000) / 2),
    );
    timer.unref();
    return timer;
  };

  const deleteMessages = async (messages: Message[]) => {
    for (let start = 0; start < messages.length; start += 10) {
      const chunk = messages.slice(start, start + 10);
      const result = await options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: chunk.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle,
          })),
        }),
      );
      counts.deleted += result.Successful?.length ?? 0;
      counts.esmDeleteRequests += 1;
      counts.esmBilledRequests += billedSqsRequests(0);
    }
  };

  /**
   * One of Lambda's pollers. Its receives do not wait at SQS (a short poll): an idle worker waits here
   * instead, until another worker's delivery settles or {@link idlePollMs} pass, and polls again. A long
   * poll could not be cut short when the queue is seen empty, so the drain ended up to its wait time after
   * the last delivery; and one abandoned at SQS would take the next messages sent (retry_recheck's) into
   * flight unseen.
   */
  const worker = async (signal: AbortSignal | undefined, settled: Settlements): Promise<void> => {
    while (!signal?.aborted) {
      const { Messages: messages = [] } = await options.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: options.queueUrl,
          MaxNumberOfMessages: options.batchSize,
          VisibilityTimeout: options.visibilityTimeoutSeconds,
          WaitTimeSeconds: 0,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      if (messages.length === 0) {
        const { visible, inFlight } = await depth();
        if (visible + inFlight === 0) return;
        await settled.next(idlePollMs, signal);
        continue;
      }
      counts.received += messages.length;
      const payload = messages.reduce((sum, message) => sum + messagePayloadBytes(message), 0);
      counts.esmReceiveRequests += 1;
      counts.esmPayloadBytes += payload;
      counts.esmBilledRequests += billedSqsRequests(payload);
      try {
        await deliver(messages);
      } finally {
        settled.notify();
      }
      options.onBatch?.();
    }
  };

  return {
    async drain(signal) {
      const settled = settlements();
      await Promise.all(Array.from({ length: options.concurrency }, () => worker(signal, settled)));
    },
    stats: () => ({ ...counts }),
    deliveries: () => ({ duplicated: [...duplicated], failed: [...failedRecords] }),
    depth,
  };
}

/**
 * The longest an idle worker waits before it polls again: records of a failed invocation come back when
 * their visibility timeout ends, and nothing here says when that is.
 */
const idlePollMs = 100;

/** Wakes the idle workers of one drain whenever a delivery settles (its records deleted or left to come back). */
interface Settlements {
  /** Resolves at the next settlement, after `timeoutMs`, or on abort, whichever comes first. */
  next(timeoutMs: number, signal: AbortSignal | undefined): Promise<void>;
  notify(): void;
}

function settlements(): Settlements {
  let waiting: (() => void)[] = [];
  return {
    next: (timeoutMs, signal) =>
      new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          waiting = waiting.filter((wake) => wake !== done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        signal?.addEventListener('abort', done, { once: true });
        waiting.push(done);
      }),
    notify() {
      [...waiting].forEach((wake) => wake());
    },
  };
}

/** A message's billed payload: its body and its attributes (names, types and values). */
export function messagePayloadBytes(message: Message): number {
  let bytes = Buffer.byteLength(message.Body ?? '', 'utf8');
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '');
    bytes += Buffer.byteLength(value.StringValue ?? '') + (value.BinaryValue?.length ?? 0);
  }
  return bytes;
}

/** An SQS message in the shape Lambda hands the function. */
function toRecord(message: Message, options: SqsPollerOptions): SQSRecord {
  const a = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
      SentTimestamp: a.SentTimestamp ?? String(Date.now()),
      SenderId: a.SenderId ?? '000000000000',
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: toMessageAttributes(message),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: options.queueArn,
    awsRegion: options.region,
  };
}

function toMessageAttributes(message: Message): SQSMessageAttributes {
  const attributes: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    attributes[name] = {
      dataType: value.DataType ?? 'String',
      ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
      ...(value.BinaryValue === undefined
        ? {}
        : { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }),
      stringListValues: [],
      binaryListValues: [],
    };
  }
  return attributes;
}

/**
 * The message ids a partial batch response reports failed. As Lambda does, an unusable response (an item
 * without a known id) fails the whole batch; no response, or one without `batchItemFailures`, fails none.
 */
export function failedIds(response: unknown, event: SQSEvent): Set<string> {
  const all = new Set(event.Records.map((record) => record.messageId));
  if (response === null || response === undefined || typeof response !== 'object') return new Set();
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return all;
  const failed = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !all.has(id)) return all;
    failed.add(id);
  }
  return failed;
}
