import {
  CreateAliasCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  PublishVersionCommand,
  ResourceConflictException,
  ResourceNotFoundException,
  TooManyRequestsException,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { instantRetry, makeWorkspace, shaOf, zipBytes } from '../tests/factories.js';
import { type DeployContext, deployFunction } from './deployFunction.js';

const lambdaMock = mockClient(LambdaClient);

const configuration = (sha: string, status = 'Successful') => ({
  FunctionName: 'scraper',
  CodeSha256: sha,
  LastUpdateStatus: status as 'Successful',
});

async function prepare(overrides: Partial<DeployContext> = {}) {
  const ws = await makeWorkspace(['scraper']);
  const target = { name: 'scraper', zipPath: `${ws.distDir}/scraper/scraper.zip` };
  const context: DeployContext = {
    lambda: new LambdaClient({ region: 'us-east-1' }),
    region: 'us-east-1',
    dryRun: false,
    publish: false,
    retry: instantRetry,
    maxWaitSeconds: 5,
    ...overrides,
  };
  return { target, context };
}

const notFound = () => new ResourceNotFoundException({ message: 'Function not found', $metadata: {} });
const conflict = () =>
  new ResourceConflictException({ message: 'ResourceConflictException: update in progress', $metadata: {} });

describe('deployFunction', () => {
  beforeEach(() => lambdaMock.reset());

  it('skips a function whose CodeSha256 already equals the zip sha256', async () => {
    // Prepare
    const { target, context } = await prepare();
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(configuration(shaOf('scraper')));

    // Act
    const result = await deployFunction(target, context);

    // Assess
    expect(result).toMatchObject({ outcome: 'unchanged', codeSha256: shaOf('scraper') });
    expect(lambdaMock).toHaveReceivedCommandWith(GetFunctionConfigurationCommand, {
      FunctionName: 'scraper',
    });
    expect(lambdaMock).not.toHaveReceivedCommand(UpdateFunctionCodeCommand);
  });

  it('uploads the zip bytes and waits until the update succeeded', async () => {
    // Prepare
    const { target, context } = await prepare();
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(configuration('old'));
    lambdaMock.on(UpdateFunctionCodeCommand).resolves({ LastUpdateStatus: 'InProgress' });

    // Act
    const result = await deployFunction(target, context);

    // Assess
    expect(result).toMatchObject({ outcome: 'updated', previousSha256: 'old' });
    expect(lambdaMock).toHaveReceivedCommandExactlyOnceWith(UpdateFunctionCodeCommand, {
      FunctionName: 'scraper',
      ZipFile: Buffer.from(zipBytes('scraper')),
    });
    expect(lambdaMock).toHaveReceivedCommandTimes(GetFunctionConfigurationCommand, 2);
  });

  it('waits for an update already in progress before uploading', async () => {
    // Prepare
    const { target, context } = await prepare();
    lambdaMock
      .on(GetFunctionConfigurationCommand)
      .resolvesOnce(configuration('old', 'InProgress'))
      .resolves(configuration('old'));
    lambdaMock.on(UpdateFunctionCodeCommand).resolves({});

    // Act
    const result = await deployFunction(target, context);

    // Assess
    expect(result.outcome).toBe('updated');
    expect(lambdaMock).toHaveReceivedCommandTimes(GetFunctionConfigurationCommand, 3);
  });

  it('validates with DryRun and changes nothing under --dry-run', async () => {
    // Prepare
    const { target, context } = await prepare({ dryRun: true, publish: true, alias: 'live' });
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(configuration('old'));
    lambdaMock.on(UpdateFunctionCodeCommand).resolves({});

    // Act
    const result = await deployFunction(target, context);

    // Assess
    expect(result.outcome).toBe('dry-run');
    expect(lambdaMock).toHaveReceivedCommandExactlyOnceWith(UpdateFunctionCodeCommand, {
      FunctionName: 'scraper',
      ZipFile: Buffer.from(zipBytes('scraper')),
      DryRun: true,
    });
    expect(lambdaMock).not.toHaveReceivedCommand(PublishVersionCommand);
  });

  it('names a function that does not exist', async () => {
    // Prepare
    const { target, context } = await prepare();
    lambdaMock.on(GetFunctionConfigurationCommand).rejects(notFound());

    // Act
    const result = await deployFunction(target, context);

    // Assess
    expect(result.outcome).toBe('failed');
    expect(result.message).toBe(
      'Lambda function scraper does not exist in us-east-1 (create it with tools/infra first)',
    );
    expect(lambdaMock).not.toHaveReceivedCommand(UpdateFunctionCodeCommand);
  });

  it('retries ResourceConflictException and throttling with back-off', async () => {
    // Prepare
    const delays: number[] = [];
    const retry = {
      ...instantRetry,
      baseDelayMs: 100,
      maxDelayMs: 1000,
      sleep: async (ms: number) => void delays.push(ms),
    };
    const { target, context } = await prepare({ retry });
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(configuration('old'));
    lambdaMock
      .on(UpdateFunctionCodeCommand)
      .rejectsOnce(conflict())
      .rejectsOnce(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }))
      .resolves({});

    // Act
    const result = await deployFunction(target, context);

    // Assess
    expect(result.outcome).toBe('updated');
    expect(lambdaMock).toHaveReceivedCommandTimes(UpdateFunctionCodeCommand, 3);
    expect(delays).toEqual([75, 150]);
  });

  it('gives up after maxAttempts and reports the failure', async () => {
    // Prepare
    const { target, context } = await prepare({ retry: { ...instantRetry, maxAttempts: 2 } });
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(configuration('old'));
    lambdaMock.on(UpdateFunctionCodeCommand).rejects(conflict());

    // Act
    const result = await deployFunction(target, context);

    // Assess
    expect(result).toMatchObject({
      outcome: 'failed',
      message: 'ResourceConflictException: update in progress',
    });
    expect(lambdaMock).toHaveReceivedCommandTimes(UpdateFunctionCodeCommand, 2);
  });

  it('reports an update that Lambda marks Failed', async () => {
    // Prepare
    const { target, context } = await prepare();
    lambdaMock
      .on(GetFunctionConfigurationCommand)
      .resolvesOnce(configuration('old'))
      .resolves({ ...configuration('old', 'Failed'), LastUpdateStatusReason: 'zip is not valid' });
    lambdaMock.on(UpdateFunctionCodeCommand).resolves({});

    // Act
    const result = await deployFunction(target, context);

    // Assess
    expect(result).toMatchObject({
      outcome: 'failed',
      message: 'scraper: update did not succeed: FAILURE: zip is not valid',
    });
  });

  it('publishes a version guarded by the sha256 and moves the alias', async () => {
    // Prepare
    const { target, context } = await prepare({ publish: true, alias: 'live' });
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(configuration('old'));
    lambdaMock.on(UpdateFunctionCodeCommand).resolves({});
    lambdaMock.on(PublishVersionCommand).resolves({ Version: '7' });
    lambdaMock.on(UpdateAliasCommand).resolves({});

    // Act
    const result = await deployFunction(target, context);

    // Assess
    expect(result).toMatchObject({ outcome: 'updated', version: '7' });
    expect(lambdaMock).toHaveReceivedCommandWith(PublishVersionCommand, {
      FunctionName: 'scraper',
      CodeSha256: shaOf('scraper'),
    });
    expect(lambdaMock).toHaveReceivedCommandWith(UpdateAliasCommand, {
      FunctionName: 'scraper',
      Name: 'live',
      FunctionVersion: '7',
    });
    expect(lambdaMock).not.toHaveReceivedCommand(CreateAliasCommand);
  });

  it('creates the alias when it does not exist yet', async () => {
    // Prepare
    const { target, context } = await prepare({ publish: true, alias: 'live' });
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(configuration('old'));
    lambdaMock.on(UpdateFunctionCodeCommand).resolves({});
    lambdaMock.on(PublishVersionCommand).resolves({ Version: '1' });
    lambdaMock.on(UpdateAliasCommand).rejects(notFound());
    lambdaMock.on(CreateAliasCommand).resolves({});

    // Act
    const result = await deployFunction(target, context);

    // Assess
    expect(result.outcome).toBe('updated');
    expect(lambdaMock).toHaveReceivedCommandWith(CreateAliasCommand, {
      FunctionName: 'scraper',
      Name: 'live',
      FunctionVersion: '1',
    });
  });
});
