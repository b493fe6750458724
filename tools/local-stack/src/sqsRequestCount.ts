import { billedSqsRequests } from '@gapless/cost';
import { callerOf } from './dynamoCapacity.js';
import { signingKeyOf, type S3RequestShape } from './s3RequestKind.js';

/** SQS requests one signer made, as SQS bills them. */
export interface SqsRequestCounts {
  /** Requests by action (`SendMessageBatch`, ...). */
  readonly requests: Readonly<Record<string, number>>;
  /** Each request once per started 64 KB chunk of its payload. */
  readonly billedRequests: number;
  /** Bytes of the messages sent and received (bodies and attributes). */
  readonly payloadBytes: number;
}

/** The parts of a Fastify request and reply the counter reads. */
interface RequestShape {
  readonly headers: S3RequestShape['headers'];
  readonly body?: unknown;
}

export interface SqsRequestCounter {
  /** A Fastify `onSend` hook: counts an SQS request (JSON protocol) with its answer, passes the payload on. */
  onSend(request: RequestShape, reply: unknown, payload: unknown): Promise<unknown>;
  /** The counts of the requests signed with `accessKey` (the functions sign with the keys functionEnv gives them). */
  counts(accessKey: string): SqsRequestCounts;
  /** The same, per calling function (its SDK user agent's `app/<name>`). */
  countsByFunction(accessKey: string): ReadonlyMap<string, SqsRequestCounts>;
}

/**
 * Queue management: the stack's setup makes these calls (creating and checking the queues, signed like the
 * functions); the functions never do, so they are no part of a run's usage.
 */
const managementActions: ReadonlySet<string> = new Set([
  'CreateQueue',
  'DeleteQueue',
  'GetQueueUrl',
  'GetQueueAttributes',
  'SetQueueAttributes',
  'ListQueues',
  'PurgeQueue',
  'TagQueue',
  'UntagQueue',
  'ListQueueTags',
]);

type Attributes = Record<string, { DataType?: string; StringValue?: string; BinaryValue?: string }>;
type MessageLike = { MessageBody?: string; Body?: string; MessageAttributes?: Attributes };

/**
 * Counts the SQS requests fauxqs answers, by the access key that signed them: every message action is a
 * billed request (answered with an error or not: SQS bills the call), each counted once per started 64 KB of
 * the messages it carries, sent (`SendMessage`, `SendMessageBatch`) or received (`ReceiveMessage`). Queue
 * management is left out (see {@link managementActions}).
 */
export function createSqsRequestCounter(): SqsRequestCounter {
  // By signer, then by calling function.
  const bySigner = new Map<string, Map<string, Counts>>();
  return {
    async onSend(request, _reply, payload) {
      const target = request.headers['x-amz-target'];
      const action =
        typeof target === 'string' && target.startsWith('AmazonSQS.') ? target.slice(10) : undefined;
      if (action === undefined || managementActions.has(action)) return payload;
      const signer = signingKeyOf(request.headers);
      const callers = bySigner.get(signer) ?? new Map<string, Counts>();
      bySigner.set(signer, callers);
      const caller = callerOf(request.headers);
      const entry = callers.get(caller) ?? { requests: {}, billedRequests: 0, payloadBytes: 0 };
      callers.set(caller, entry);
      const bytes = payloadBytesOf(action, parsed(request.body), parsed(payload));
      entry.requests[action] = (entry.requests[action] ?? 0) + 1;
      entry.billedRequests += billedSqsRequests(bytes);
      entry.payloadBytes += bytes;
      return payload;
    },
    counts(accessKey) {
      const total: Counts = { requests: {}, billedRequests: 0, payloadBytes: 0 };
      for (const entry of bySigner.get(accessKey)?.values() ?? []) {
        for (const [action, count] of Object.entries(entry.requests)) {
          total.requests[action] = (total.requests[action] ?? 0) + count;
        }
        total.billedRequests += entry.billedRequests;
        total.payloadBytes += entry.payloadBytes;
      }
      return total;
    },
    countsByFunction(accessKey) {
      return new Map(
        [...(bySigner.get(accessKey) ?? [])].map(([caller, entry]) => [
          caller,
          {
            requests: { ...entry.requests },
            billedRequests: entry.billedRequests,
            payloadBytes: entry.payloadBytes,
          },
        ]),
      );
    },
  };
}

type Counts = { requests: Record<string, number>; billedRequests: number; payloadBytes: number };

function payloadBytesOf(
  action: string,
  input: Record<string, unknown>,
  output: Record<string, unknown>,
): number {
  if (action === 'SendMessage') return messageBytes(input as MessageLike);
  if (action === 'SendMessageBatch') return sum((input.Entries ?? []) as MessageLike[]);
  if (action === 'ReceiveMessage') return sum((output.Messages ?? []) as MessageLike[]);
  return 0;
}

function sum(messages: readonly MessageLike[]): number {
  return messages.reduce((total, message) => total + messageBytes(message), 0);
}

function messageBytes(message: MessageLike): number {
  let bytes = Buffer.byteLength(message.MessageBody ?? message.Body ?? '', 'utf8');
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '');
    bytes +=
      Buffer.byteLength(value.StringValue ?? '') + Buffer.from(value.BinaryValue ?? '', 'base64').length;
  }
  return bytes;
}

function parsed(value: unknown): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Buffer.isBuffer(value))
    return value as Record<string, unknown>;
  const text = Buffer.isBuffer(value) ? value.toString('utf8') : typeof value === 'string' ? value : '';
  try {
    const json: unknown = JSON.parse(text);
    return typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
