import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { dynamoConformanceBackend, localClient } from './dynamoConformanceBackend.js';
import { describeStoreConformance } from './storeConformance.js';

// dynalite (the DynamoDB API in Node) in this process, on loopback, spoken to over HTTP by the real SDK.
const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as (options: {
  createTableMs: number;
  deleteTableMs: number;
  updateTableMs: number;
}) => Server;
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
let client: DynamoDBClient | undefined;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = localClient(`http://127.0.0.1:${port}`);
});

afterAll(async () => {
  client?.destroy();
  await new Promise((resolve) => server.close(resolve));
});

describeStoreConformance(
  'the DynamoDB adapter on dynalite',
  dynamoConformanceBackend(() => client as DynamoDBClient, 'conformance'),
);
