import { describe, expect, it } from 'vitest';
import { createSqsRequestCounter } from './sqsRequestCount.js';

function request(action: string, accessKey: string, body: unknown) {
  return {
    headers: {
      'x-amz-target': `AmazonSQS.${action}`,
      authorization: `AWS4-HMAC-SHA256 Credential=${accessKey}/20261201/us-east-1/sqs/aws4_request, SignedHeaders=host`,
    },
    body,
  };
}

describe('createSqsRequestCounter', () => {
  it('bills each message request per started 64 KB of what it sends or receives, by signer', async () => {
    // Prepare: a batch of two 40 KB bodies is 80 KB: two chunks; a receive of one small message is one.
    const counter = createSqsRequestCounter();
    const big = 'x'.repeat(40_000);
    const entries = [
      { Id: '1', MessageBody: big },
      { Id: '2', MessageBody: big },
    ];

    // Act
    await counter.onSend(request('SendMessageBatch', 'local', { Entries: entries }), {}, '{}');
    await counter.onSend(
      request('ReceiveMessage', 'local', {}),
      {},
      JSON.stringify({ Messages: [{ Body: 'hi' }] }),
    );
    await counter.onSend(request('DeleteMessageBatch', 'local', {}), {}, '{}');
    await counter.onSend(request('SendMessage', 'local-stack', { MessageBody: 'x' }), {}, '{}');

    // Assess
    expect(counter.counts('local')).toEqual({
      requests: { SendMessageBatch: 1, ReceiveMessage: 1, DeleteMessageBatch: 1 },
      billedRequests: 2 + 1 + 1,
      payloadBytes: 80_000 + 2,
    });
    expect(counter.counts('local-stack').billedRequests).toBe(1);
    expect(counter.counts('nobody')).toEqual({ requests: {}, billedRequests: 0, payloadBytes: 0 });
  });

  it('leaves out queue management and requests that are not SQS, and passes every payload on', async () => {
    // Prepare
    const counter = createSqsRequestCounter();

    // Act
    const passed = await counter.onSend(request('CreateQueue', 'local', { QueueName: 'q' }), {}, 'answer');
    await counter.onSend({ headers: {}, body: undefined }, {}, 'S3 answer');

    // Assess
    expect(passed).toBe('answer');
    expect(counter.counts('local').billedRequests).toBe(0);
  });
});
