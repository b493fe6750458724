import {
  type FunctionConfiguration,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  type GetFunctionConfigurationCommandInput,
  InvokeCommand,
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
const smokeEvent = '{"Records":[]}';
const environment = { Variables: { TABLE_NAME: 'gapless' } };

const configuration = (sha: string, version = '$LATEST', overrides: FunctionConfiguration = {}) => ({
  FunctionName: 'scraper',
  CodeSha256: sha,
  Version: version,
  Environment: environment,
  LastUpdateStatus: 'Successful' as const,
  ...overrides,
});

/** `$LATEST` answers `latest` (in turn, then the last one again), the alias `live` answers `live`. */
function functionHolds(live: FunctionConfiguration, ...latest: FunctionConfiguration[]) {
  let reads = 0;
  lambdaMock.on(GetFunctionConfigurationCommand).callsFake((input: GetFunctionConfigurationCommandInput) => {
    if (input.Qualifier === 'live') return live;
    reads += 1;
    return latest[Math.min(reads, latest.length) - 1];
  });
  lambdaMock
    .on(GetAliasCommand)
    .resolves({ Name: 'live', FunctionVersion: live.Version, RevisionId: 'rev-3' });
}

async function prepare(overrides: Partial<DeployContext> = {}) {
  const ws = await makeWorkspace(['scraper']);
  const target = { name: 'scraper', zipPath: `${ws.distDir}/scraper/scraper.zip`, smokeEvent };
  const context: DeployContext = {
    lambda: new LambdaClient({ region: 'us-east-1' }),
    region: 'us-east-1',
    dryRun: false,
    alias: 'live',
    retry: instantRetry,
    smokeRetry: instantRetry,
    maxWaitSeconds: 5,
    versionDescription: 'sync-lambdas from abc123 (run 7)',
    ...overrides,
  };
  return { target, context };
}

const notFound = (what: string) =>
  new ResourceNotFoundException({ message: `${what} not found`, $metadata: {} });
const conflict = () =>
  new ResourceConflictException({ message: 'ResourceConflictException: update in progress', $metadata: {} });
/** The commands sent, in order, by name. */
const sent = () =>
  lambdaMock.calls().map((call) => (call.args[0] as object).constructor.name.replace(/Command$/, ''));
const answer = (payload: unknown, functionError?: string) => ({
  StatusCode: 200,
  Payload: new TextEncoder().encode(JSON.stringify(payload)) as never,
  ...(functionError === undefined ? {} : { FunctionError: functionError }),
});

describe('deployFunction', () => {
  beforeEach(() => {
    lambdaMock.reset();
    lambdaMock.on(UpdateFunctionCodeCommand).resolves({});
    lambdaMock.on(PublishVersionCommand).resolves({ Version: '4' });
    lambdaMock.on(InvokeCommand).resolves(answer({ batchItemFailures: [] }));
    lambdaMock.on(UpdateAliasCommand).resolves({});
  });

  it('skips a function whose alias already serves the zip with $LATEST settings', async () => {
    // Prepare
    const { target, context } = await prepare();
    functionHolds(configuration(shaOf('scraper'), '3'), configuration(shaOf('scraper')));

    // Act
    const result = await deployFunction(target, context);

    // Assess
    expect(result).toMatchObject({ outcome: 'unchanged', previousVersion: '3', aliasAfter: '3' });
    expect(sent()).toEqual(['GetFunctionConfiguration', 'GetFunctionConfiguration']);
    expect(lambdaMock).toHaveReceivedCommandWith(GetFunctionConfigurationCommand, {
      FunctionName: 'scraper',
      Qualifier: 'live',
    });
  });

  it('uploads, publishes pinned to the sha256, smoke-invokes the new version, then moves the alias', async () => {
    // Prepare
    const { target, context } = await prepare();
    functionHolds(configuration('old', '3'), configuration('old'), configuration(shaOf('scraper')));

    // Act
    const result = await deployFunction(target, context);

    // Assess
    expect(result).toEqual({
      name: 'scraper',
      outcome: 'updated',
      codeSha256: shaOf('scraper'),
      previousSha256: 'old',
      previousVersion: '3',
      newVersion: '4',
      smoke: 'passed',
      aliasAfter: '4',
    });
    expect(lambdaMock).toHaveReceivedCommandExactlyOnceWith(UpdateFunctionCodeCommand, {
      FunctionName: 'scraper',
      ZipFile: Buffer.from(zipBytes('scraper')),
    });
    expect(lambdaMock).toHaveReceivedCommandWith(PublishVersionCommand, {
      FunctionName: 'scraper',
      CodeSha256: shaOf('scraper'),
      Description: 'sync-lambdas from abc123 (run 7)',
    });
    expect(lambdaMock).toHaveReceivedCommandWith(InvokeCommand, {
      FunctionName: 'scraper',
      Qualifier: '4',
      InvocationType: 'RequestResponse',
      Payload: new TextEncoder().encode(smokeEvent),
    });
    expect(lambdaMock).toHaveReceivedCommandExactlyOnceWith(UpdateAliasCommand, {
      FunctionName: 'scraper',
      Name: 'live',
      FunctionVersion: '4',
      Description: 'sync-lambdas: previous version 3',
      RevisionId: 'rev-3',
    });
  });

  it('publishes new settings without uploading when $LATEST already holds the code', async () => {
    // Prepare
    const { target, context } = await prepare();
    const sha = shaOf('scraper');
    const changed = { Environment: { Variables: { TABLE_NAME: 'gapless', MAX_RETRIES: '7' } } };
    functionHolds(configuration(sha, '3'), configuration(sha, '$LATEST', changed));

    // Act
    const result = await deployFunction(target, context);

    // Assess
    expect(result).toMatchObject({ outcome: 'updated', previousVersion: '3', newVersion: '4' });
    expect(lambdaMock).not.toHaveReceivedCommand(UpdateFunctionCodeCommand);
    expect(lambdaMock).toHaveReceivedCommandTimes(PublishVersionCommand, 1);
  });

  it('leaves the alias alone and names the version when the smoke invocation fails', async () => {
    // Prepare
    const { target, context } = await prepare();
    functionHolds(configuration('old', '3'), configuration('old'));
    lambdaMock
      .on(InvokeCommand)
      .resolves(answer({ errorType: 'ConfigError', errorMessage: 'TABLE_NAME is required' }, 'Unhandled'));

    // Act
    const result = await deployFunction(target, context);

    // Assess
    expect(result).toMatchObject({
      outcome: 'smoke-failed',
      previousVersion: '3',
      newVersion: '4',
      smoke: 'failed',
      aliasAfter: '3',
      message:
        'version 4 failed its smoke invocation and serves nothing (live stays on 3): Unhandled: ConfigError: TABLE_NAME is required',
    });
    expect(lambdaMock).not.toHaveReceivedCommand(UpdateAliasCommand);
  });

  it('retries a smoke invocation throttled by a scheduled run, then moves the alias', async () => {
    // Prepare
    const { target, context } = await prepare();
    functionHolds(configuration('old', '3'), configuration('old'));
    const throttled = new TooManyRequestsException({ message: 'Rate Exceeded.', $metadata: {} });
    lambdaMock
      .on(InvokeCommand)
      .rejectsOnce(throttled)
      .rejectsOnce(throttled)
      .resolves(answer({ plan: [] }));

    // Act
    const result = await deployFunction(target, context);

    // Assess
    expect(result).toMatchObject({ outcome: 'updated', smoke: 'passed', aliasAfter: '4' });
    expect(lambdaMock).toHaveReceivedCommandTimes(InvokeCommand, 3);
  });

  it('waits for an update already in progress before uploading', async () => {
    // Prepare
    const { target, context } = await prepare();
    functionHolds(
      configuration('old', '3'),
      configuration('old', '$LATEST', { LastUpdateStatus: 'InProgress' }),
      configuration('old'),
    );

    // Act
    const result = await deployFunction(target, context);

    // Assess
    expect(result.outcome).toBe('updated');
    // $LATEST: read, wait (1 poll), upload, wait (1 poll); plus the alias's version once.
    expect(lambdaMock).toHaveReceivedCommandTimes(GetFunctionConfigurationCommand, 4);
  });

  it('validates with DryRun and changes nothing under --dry-run', async () => {
    // Prepare
    const { target, context } = await prepare({ dryRun: true });
    functionHolds(configuration('old', '3'), configuration('old'));

    // Act
    const result = await deployFunction(target, context);

    // Assess
    expect(result.outcome).toBe('dry-run');
    expect(lambdaMock).toHaveReceivedCommandExactlyOnceWith(UpdateFunctionCodeCommand, {
      FunctionName: 'scraper',
      ZipFile: Buffer.from(zipBytes('scraper')),
      DryRun: true,
    });
    expect(sent()).toEqual(['GetFunctionConfiguration', 'GetFunctionConfiguration', 'UpdateFunctionCode']);
  });

  it('names a function that does not exist', async () => {
    // Prepare
    const { target, context } = await prepare();
    lambdaMock.on(GetFunctionConfigurationCommand).rejects(notFound('Function'));

    // Act
    const result = await deployFunction(target, context);

    // Assess
    expect(result).toMatchObject({
      outcome: 'failed',
      message: 'Lambda function scraper does not exist in us-east-1 (create it with tools/infra first)',
    });
    expect(lambdaMock).not.toHaveReceivedCommand(UpdateFunctionCodeCommand);
  });

  it('names an alias that does not exist', async () => {
    // Prepare
    const { target, context } = await prepare();
    lambdaMock
      .on(GetFunctionConfigurationCommand)
      .callsFake((input: GetFunctionConfigurationCommandInput) => {
        if (input.Qualifier === 'live') throw notFound('Alias');
        return configuration('old');
      });

    // Act
    const result = await deployFunction(target, context);

    // Assess
    expect(result).toMatchObject({
      outcome: 'failed',
      message: 'scraper has no alias live (tools/infra creates it with the function; deploy the stack first)',
    });
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
    functionHolds(configuration('old', '3'), configuration('old'));
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
    functionHolds(configuration('old', '3'), configuration('old'));
    lambdaMock.on(UpdateFunctionCodeCommand).rejects(conflict());

    // Act
    const result = await deployFunction(target, context);

    // Assess
    expect(result).toMatchObject({
      outcome: 'failed',
      message: 'ResourceConflictException: update in progress',
    });
    expect(lambdaMock).toHaveReceivedCommandTimes(UpdateFunctionCodeCommand, 2);
    expect(lambdaMock).not.toHaveReceivedCommand(PublishVersionCommand);
  });

  it('reports an update that Lambda marks Failed, and publishes nothing', async () => {
    // Prepare
    const { target, context } = await prepare();
    functionHolds(
      configuration('old', '3'),
      configuration('old'),
      configuration('old', '$LATEST', {
        LastUpdateStatus: 'Failed',
        LastUpdateStatusReason: 'zip is not valid',
      }),
    );

    // Act
    const result = await deployFunction(target, context);

    // Assess
    expect(result).toMatchObject({
      outcome: 'failed',
      message: 'scraper: update did not succeed: FAILURE: zip is not valid',
    });
    expect(lambdaMock).not.toHaveReceivedCommand(PublishVersionCommand);
  });
});
