import { DynamoDBClient, QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createS3ObjectStore, tableDefinition } from '@gapless/aws-adapters';
import { startDynamoDbLocal } from '@gapless/aws-adapters/testing';
import { createPipelineTable } from '@gapless/aws-adapters/testing/table';
import { buildApp } from 'fauxqs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';

// dynalite is CommonJS.
const require = createRequire(import.meta.url);

/** The emulators only ever listen here: they accept any credentials. */
const loopback = '127.0.0.1';
export const credentials = { accessKeyId: 'csvingest', secretAccessKey: 'csvingest' };
export const region = 'us-east-1';

/** Item writes DynamoDB received, as counted on the wire by the proxy in front of it. */
export interface WireCounts {
  batchWriteCalls: number;
  batchWriteItems: number;
  putItems: number;
}

/** Running emulators: S3 (fauxqs) and DynamoDB (dynalite or DynamoDB Local) behind a counting proxy. */
export interface TestEmulators {
  /** The proxy's endpoint: give it to the function so its writes are counted. */
  readonly dynamoEndpoint: string;
  readonly s3Endpoint: string;
  readonly wire: WireCounts;
  readonly dynamo: DynamoDBClient;
  readonly s3: S3Client;
  stop(): Promise<void>;
}

export type DynamoBackend = 'dynalite' | 'dynamodb-local';

/** Starts fauxqs (S3) and a DynamoDB emulator on loopback ports, with a proxy counting item writes. */
export async function startTestEmulators(backend: DynamoBackend = 'dynalite'): Promise<TestEmulators> {
  const dynamo = backend === 'dynalite' ? await startDynalite() : await startDynamoDbLocal();
  const wire: WireCounts = { batchWriteCalls: 0, batchWriteItems: 0, putItems: 0 };
  const proxy = await startCountingProxy(dynamo.endpoint, wire);
  const fauxqs = buildApp({ logger: false });
  await fauxqs.listen({ port: 0, host: loopback });
  const s3Endpoint = `http://${loopback}:${(fauxqs.server.address() as AddressInfo).port}`;
  return {
    dynamoEndpoint: proxy.endpoint,
    s3Endpoint,
    wire,
    dynamo: new DynamoDBClient({ endpoint: dynamo.endpoint, region, credentials }),
    s3: new S3Client({ endpoint: s3Endpoint, region, credentials, forcePathStyle: true }),
    async stop() {
      await fauxqs.close();
      await proxy.stop();
      await dynamo.stop();
    },
  };
}

export { createPipelineTable };

/** Creates a bucket. */
export async function createBucket(s3: S3Client, bucket: string): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
}

/** Uploads a text or bytes, in parts when large (fauxqs takes at most 11 MiB a request). */
export async function upload(
  s3: S3Client,
  bucket: string,
  key: string,
  body: string | Uint8Array,
): Promise<void> {
  const objects = createS3ObjectStore({ client: s3 });
  const writer = objects.textWriter(bucket, key, 'text/csv');
  const text = typeof body === 'string' ? body : undefined;
  if (text !== undefined) {
    for (let at = 0; at < text.length; at += 1 << 20) await writer.write(text.slice(at, at + (1 << 20)));
    await writer.finish();
    return;
  }
  // Bytes that may not be UTF-8: one PutObject (tests keep such files small).
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

/** An object's text, or undefined when there is none. */
export async function readText(s3: S3Client, bucket: string, key: string): Promise<string | undefined> {
  try {
    const output = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return await output.Body?.transformToString('utf8');
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') return undefined;
    throw error;
  }
}

/** Every item of one partition, in date order. */
export async function itemsOf(
  client: DynamoDBClient,
  tableName: string,
  infoType: string,
): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': tableDefinition.partitionKey },
        ExpressionAttributeValues: { ':pk': { S: infoType } },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

interface Running {
  readonly endpoint: string;
  stop(): Promise<void>;
}

async function startDynalite(): Promise<Running> {
  const dynalite = require('dynalite') as (options: Record<string, number>) => Server;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const port = await listen(server);
  return { endpoint: `http://${loopback}:${port}`, stop: () => close(server) };
}

/**
 * A proxy in front of DynamoDB that counts what arrives on the wire: BatchWriteItem calls and their put
 * requests, and PutItem calls (each a write of one item, whether its condition holds or not).
 */
async function startCountingProxy(target: string, wire: WireCounts): Promise<Running> {
  const { hostname, port } = new URL(target);
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation = String(incoming.headers['x-amz-target'] ?? '').split('.')[1];
      if (operation === 'PutItem') wire.putItems += 1;
      if (operation === 'BatchWriteItem') {
        const requests = (JSON.parse(body.toString('utf8')) as { RequestItems: Record<string, unknown[]> })
          .RequestItems;
        wire.batchWriteCalls += 1;
        wire.batchWriteItems += Object.values(requests).reduce((sum, list) => sum + list.length, 0);
      }
      const forward = request(
        { hostname, port, method: incoming.method, path: incoming.url, headers: incoming.headers },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 500, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forward.on('error', (error) => outgoing.destroy(error));
      forward.end(body);
    });
  });
  const proxyPort = await listen(server);
  return { endpoint: `http://${loopback}:${proxyPort}`, stop: () => close(server) };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, loopback, () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });
}
