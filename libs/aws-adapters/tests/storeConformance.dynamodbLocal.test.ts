import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamoDbLocal.js';
import { dynamoConformanceBackend, localClient } from './dynamoConformanceBackend.js';
import { describeStoreConformance } from './storeConformance.js';

// AWS's own DynamoDB Local (a Java program, stricter than dynalite), started once for the file.
let local: DynamoDbLocal | undefined;
let client: DynamoDBClient | undefined;

beforeAll(async () => {
  local = await startDynamoDbLocal();
  client = localClient(local.endpoint);
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await local?.stop();
});

describeStoreConformance(
  'the DynamoDB adapter on DynamoDB Local',
  dynamoConformanceBackend(() => client as DynamoDBClient, 'conformance'),
);
