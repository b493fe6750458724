import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StoreError, type Env } from '@gapless/pipeline-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DYNAMO_MAX_ATTEMPTS } from './dynamoMaxAttempts.js';
import { buildFunctionParts } from './functionParts.js';

/** DynamoDB's throttling answer as it goes over the wire (JSON 1.0 protocol). */
const throttled = JSON.stringify({
  __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
  message: 'The level of configured provisioned throughput for the table was exceeded.',
});

/** A DynamoDB endpoint that throttles the first `throttles` requests, then answers an empty Query page. */
async function throttlingEndpoint(throttles: number): Promise<{ server: Server; requests: () => number }> {
  let requests = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests += 1;
      const body = requests <= throttles ? throttled : '{"Items":[],"Count":0,"ScannedCount":0}';
      res
        .writeHead(requests <= throttles ? 400 : 200, {
          'content-type': 'application/x-amz-json-1.0',
          'x-amzn-requestid': `request-${requests}`,
        })
        .end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, requests: () => requests };
}

const env = (): Env => ({ TABLE_NAME: 'gapless' });
let server: Server | undefined;

beforeEach(() => {
  // The SDK's back-off is `random() x` its cap: no waiting in these tests, the same number of attempts.
  vi.spyOn(Math, 'random').mockReturnValue(0);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  vi.stubEnv('AWS_MAX_ATTEMPTS', '');
});

afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** The store a function builds at init, its client on `endpoint` through the SDK's own variable. */
function storeOn(endpoint: Server) {
  const { port } = endpoint.address() as AddressInfo;
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', `http://127.0.0.1:${port}`);
  return buildFunctionParts('data_clustering', { requireQueue: false, env: env() }).store;
}

describe("the functions' DynamoDB client", () => {
  it(`gets through ${DYNAMO_MAX_ATTEMPTS - 1} throttled answers in a row`, async () => {
    // Prepare
    const endpoint = await throttlingEndpoint(DYNAMO_MAX_ATTEMPTS - 1);
    server = endpoint.server;
    const store = storeOn(endpoint.server);

    // Act
    const watermarks = await store.readWatermarks();

    // Assess
    expect(watermarks).toEqual(new Map());
    expect(endpoint.requests()).toBe(DYNAMO_MAX_ATTEMPTS);
  });

  it(`gives up after ${DYNAMO_MAX_ATTEMPTS} attempts, with the throttling error as a StoreError`, async () => {
    // Prepare
    const endpoint = await throttlingEndpoint(Number.POSITIVE_INFINITY);
    server = endpoint.server;
    const store = storeOn(endpoint.server);

    // Act
    const read = store.readWatermarks();

    // Assess
    await expect(read).rejects.toThrow(StoreError);
    await expect(read).rejects.toThrow(/ProvisionedThroughputExceededException/);
    expect(endpoint.requests()).toBe(DYNAMO_MAX_ATTEMPTS);
  });
});
