import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulators, type Emulators } from '../src/emulators.js';
import { EmulatorStartError } from '../src/errors.js';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function started(options: Parameters<typeof startEmulators>[0] = {}): Promise<Emulators> {
  const emulators = await startEmulators(options);
  cleanups.push(() => emulators.stop());
  return emulators;
}

async function temporaryDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'local-stack-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Holds a loopback port, as another program would. */
async function occupiedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return (server.address() as AddressInfo).port;
}

function dynamoClient(endpoint: string): DynamoDBClient {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  cleanups.push(async () => client.destroy());
  return client;
}

function portOf(endpoint: string): number {
  return Number(new URL(endpoint).port);
}

async function createTable(endpoint: string, name: string): Promise<void> {
  await dynamoClient(endpoint).send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    }),
  );
}

async function tableNames(endpoint: string): Promise<string[]> {
  return (await dynamoClient(endpoint).send(new ListTablesCommand({}))).TableNames ?? [];
}

describe('startEmulators', () => {
  it('serves DynamoDB and SQS on loopback ports', async () => {
    // Prepare
    const emulators = await started();
    const sqs = new SQSClient({ endpoint: emulators.sqsEndpoint, region: 'us-east-1', credentials });
    cleanups.push(async () => sqs.destroy());

    // Act
    const tables = await tableNames(emulators.dynamoEndpoint);
    const queues = await sqs.send(new ListQueuesCommand({}));

    // Assess
    expect(emulators.dynamoEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulators.sqsEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(tables).toEqual([]);
    expect(queues.QueueUrls ?? []).toEqual([]);
  });

  it('frees both ports on stop, so the same ports can be taken again', async () => {
    // Prepare
    const first = await startEmulators();
    const ports = { dynamoPort: portOf(first.dynamoEndpoint), sqsPort: portOf(first.sqsEndpoint) };
    await tableNames(first.dynamoEndpoint);

    // Act
    await first.stop();
    await first.stop();
    const second = await started(ports);

    // Assess
    expect(second.dynamoEndpoint).toBe(first.dynamoEndpoint);
    expect(second.sqsEndpoint).toBe(first.sqsEndpoint);
  });

  it('keeps tables in the data directory across restarts', async () => {
    // Prepare
    const dataDir = await temporaryDir();
    const first = await startEmulators({ dataDir });
    await createTable(first.dynamoEndpoint, 'kept');
    await first.stop();

    // Act
    const second = await started({ dataDir });

    // Assess
    expect(await tableNames(second.dynamoEndpoint)).toEqual(['kept']);
  });

  it('forgets tables without a data directory', async () => {
    // Prepare
    const first = await startEmulators();
    await createTable(first.dynamoEndpoint, 'gone');
    await first.stop();

    // Act
    const second = await started();

    // Assess
    expect(await tableNames(second.dynamoEndpoint)).toEqual([]);
  });

  it('says which port is busy for DynamoDB', async () => {
    // Prepare
    const dynamoPort = await occupiedPort();

    // Act
    const starting = startEmulators({ dynamoPort });

    // Assess
    await expect(starting).rejects.toThrow(EmulatorStartError);
    await expect(starting).rejects.toThrow(
      `dynalite could not start: port ${dynamoPort} on 127.0.0.1 is already in use`,
    );
  });

  it('says which port is busy for SQS, and leaves DynamoDB stopped and its data unlocked', async () => {
    // Prepare
    const dataDir = await temporaryDir();
    const sqsPort = await occupiedPort();

    // Act
    const starting = startEmulators({ dataDir, sqsPort });

    // Assess
    await expect(starting).rejects.toThrow(
      `fauxqs could not start: port ${sqsPort} on 127.0.0.1 is already in use`,
    );

    // Act
    const retry = await started({ dataDir });

    // Assess
    expect(await tableNames(retry.dynamoEndpoint)).toEqual([]);
  });

  it('refuses a data directory that is a file', async () => {
    // Prepare
    const dir = await temporaryDir();
    const file = join(dir, 'not-a-dir');
    await writeFile(file, 'x');

    // Act
    const starting = startEmulators({ dataDir: file });

    // Assess
    await expect(starting).rejects.toThrow(EmulatorStartError);
    await expect(starting).rejects.toThrow(`data directory ${file} is unusable`);
  });

  it('refuses a data directory another emulator is using', async () => {
    // Prepare
    const dataDir = await temporaryDir();
    await started({ dataDir });

    // Act
    const starting = startEmulators({ dataDir });

    // Assess
    await expect(starting).rejects.toThrow(/data directory .* is unusable: another emulator is using it/);
  });
});
