import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoSeriesStore } from '@gapless/aws-adapters';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynamoDbLocal, type DynamoDbLocal } from '@gapless/aws-adapters/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startEmulators, type Emulators } from '../src/emulators.js';
import { defaultChainOrEmulatorKeys, emulatorCredentials } from '../src/toolCredentials.js';
import { spawnCli } from './cliProcess.js';

const region = 'us-east-1';
/** What a developer's functions run with: other keys than the local stack's (DynamoDB Local wants A-Z, 0-9). */
const functionKeys = { accessKeyId: 'FUNCTIONKEY1', secretAccessKey: 'function-secret' };

/** Nothing the SDK's chain could find on this machine: no keys, no profile files, no instance role. */
function stubEmptyChain(): void {
  vi.stubEnv('AWS_ACCESS_KEY_ID', undefined);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', undefined);
  vi.stubEnv('AWS_SESSION_TOKEN', undefined);
  vi.stubEnv('AWS_PROFILE', undefined);
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(tmpdir(), 'gapless-no-aws-profiles', 'credentials'));
  vi.stubEnv('AWS_CONFIG_FILE', join(tmpdir(), 'gapless-no-aws-profiles', 'config'));
  vi.stubEnv('AWS_WEB_IDENTITY_TOKEN_FILE', undefined);
  vi.stubEnv('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', undefined);
  vi.stubEnv('AWS_CONTAINER_CREDENTIALS_FULL_URI', undefined);
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('defaultChainOrEmulatorKeys', () => {
  it('signs with the keys the default chain finds', async () => {
    // Prepare
    stubEmptyChain();
    vi.stubEnv('AWS_ACCESS_KEY_ID', functionKeys.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', functionKeys.secretAccessKey);
    const credentials = defaultChainOrEmulatorKeys(region);

    // Act
    const resolved = await credentials();

    // Assess
    expect(resolved).toMatchObject(functionKeys);
  });

  it('falls back to the dummy keys only when the chain finds none', async () => {
    // Prepare
    stubEmptyChain();
    const credentials = defaultChainOrEmulatorKeys(region);

    // Act
    const resolved = await credentials();

    // Assess
    expect(resolved).toEqual(emulatorCredentials);
  });
});

describe('setup and quarantine on DynamoDB Local in its default mode (tables per access key)', () => {
  let dynamoDbLocal: DynamoDbLocal | undefined;
  let emulators: Emulators | undefined;

  beforeAll(async () => {
    dynamoDbLocal = await startDynamoDbLocal();
    emulators = await startEmulators();
  }, 60_000);

  afterAll(async () => {
    await emulators?.stop();
    await dynamoDbLocal?.stop();
  });

  /** The environment a function and the tools share: the endpoints, the region and the function's keys. */
  function sharedEnv(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL_DYNAMODB: dynamoDbLocal!.endpoint,
      AWS_ENDPOINT_URL_SQS: emulators!.sqsEndpoint,
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: functionKeys.accessKeyId,
      AWS_SECRET_ACCESS_KEY: functionKeys.secretAccessKey,
      TABLE_NAME: 'gapless-creds',
    };
  }

  it('creates the table where a function with the same environment finds it', async () => {
    // Prepare
    const env = sharedEnv();

    // Act
    const setup = spawnCli(['setup'], env);
    const setupCode = await setup.exited;
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    // As a function builds its store: no client given, so the SDK reads the same variables.
    const functionStore = createDynamoSeriesStore({ tableName: env.TABLE_NAME! });
    const quarantined = await functionStore.listQuarantined();
    const quarantine = spawnCli(['quarantine', 'list', '--json'], env);
    const quarantineCode = await quarantine.exited;

    // Assess
    expect(setupCode, setup.output.stderr).toBe(0);
    expect(setup.output.stdout).toContain('table gapless-creds ready');
    expect(quarantined).toEqual([]);
    expect(quarantineCode, quarantine.output.stderr).toBe(0);
    expect(JSON.parse(quarantine.output.stdout)).toEqual([]);
  }, 60_000);

  it('keeps the table out of sight of other keys, so the emulator really is per key', async () => {
    // Prepare
    const env = sharedEnv();
    const setup = spawnCli(['setup'], env);
    expect(await setup.exited, setup.output.stderr).toBe(0);
    const otherKeys = new DynamoDBClient({
      endpoint: env.AWS_ENDPOINT_URL_DYNAMODB!,
      region,
      credentials: emulatorCredentials,
    });

    // Act
    const seen = await otherKeys.send(new ListTablesCommand({}));
    otherKeys.destroy();

    // Assess
    expect(seen.TableNames ?? []).not.toContain(env.TABLE_NAME);
  }, 60_000);
});
