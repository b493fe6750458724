import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deployIamActions, iamActionOf } from '../src/iamActions.js';
import { parseRollbackOptions } from '../src/options.js';
import { rollbackLambda, syncLambdas, type SyncDeps } from '../src/syncLambdas.js';
import { instantRetry, makeOptions, makeWorkspace, shaOf } from './factories.js';
import { type FakeAws, fakeCredentials, startFakeAws } from './fakeAws.js';
import { type FakeGithubOidc, startFakeGithubOidc } from './fakeGithubOidc.js';

// The real SDK clients (no mocks), reaching local fakes through the SDK's own endpoint variables.
describe('sync-lambdas against local fake STS, Lambda and CloudWatch endpoints', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.fake-oidc-payload.fake-signature';
  /** Every API operation any test here made: together they must be exactly the deploy role's actions. */
  const operations = new Set<string>();
  let github: FakeGithubOidc;
  let aws: FakeAws;

  beforeEach(async () => {
    github = await startFakeGithubOidc('runner-request-token', jwt);
    aws = await startFakeAws(jwt, { data_clustering: 'old-sha', scraper: shaOf('scraper') });
    for (const service of ['STS', 'LAMBDA', 'CLOUDWATCH']) vi.stubEnv(`AWS_ENDPOINT_URL_${service}`, aws.url);
    // Nothing from the machine may leak in: no ambient keys, no profile files.
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) {
      vi.stubEnv(name, undefined);
    }
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/config');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/credentials');
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    for (const call of aws.calls) operations.add(call.split(' ')[0] as string);
    await Promise.all([github.close(), aws.close()]);
  });

  afterAll(() => {
    // Assess: the role grants what the steps call, no more (STS's call is the role's trust, not a grant).
    const actions = [...operations].filter((op) => op !== 'AssumeRoleWithWebIdentity').map(iamActionOf);
    expect(actions.sort()).toEqual([...deployIamActions].sort());
  });

  const deps = (overrides: Partial<SyncDeps> = {}): SyncDeps => ({
    env: {
      GITHUB_ACTIONS: 'true',
      GITHUB_RUN_ID: '4242',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_SHA: 'c0ffee',
      ACTIONS_ID_TOKEN_REQUEST_URL: github.requestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runner-request-token',
    },
    stdout: () => undefined,
    retry: instantRetry,
    ...overrides,
  });
  const callsFor = (name: string) => aws.calls.filter((c) => c.split(' ')[1]?.split(':')[0] === name);
  async function deployAll(overrides: Partial<Parameters<typeof makeOptions>[0]> = {}, depOverrides = {}) {
    const ws = await makeWorkspace(['data_clustering', 'scraper']);
    const options = makeOptions({ selection: 'all', appsDir: ws.appsDir, distDir: ws.distDir, ...overrides });
    return { ws, report: await syncLambdas(options, deps(depOverrides)) };
  }

  it('uploads, publishes, smoke-invokes and moves the alias of the changed function; skips the other', async () => {
    // Prepare
    const out: string[] = [];

    // Act
    const { report } = await deployAll({}, { stdout: (t: string) => out.push(t) });

    // Assess
    expect(report.exitCode).toBe(0);
    expect(report.results.map((r) => [r.name, r.outcome, r.previousVersion, r.aliasAfter])).toEqual([
      ['data_clustering', 'updated', '1', '2'],
      ['scraper', 'unchanged', '1', '1'],
    ]);
    const data = aws.functions.get('data_clustering');
    expect(data?.versions.get('2')).toMatchObject({
      sha: shaOf('data_clustering'),
      description: 'sync-lambdas from c0ffee (run 4242)',
    });
    expect(data?.aliases.get('live')).toMatchObject({
      version: '2',
      description: 'sync-lambdas: previous version 1',
    });
    expect(aws.calls[0]).toBe(
      'AssumeRoleWithWebIdentity arn:aws:iam::123456789012:role/gapless-deploy gh-4242-1',
    );
    // Functions deploy in parallel: the order holds per function, not across them.
    expect(callsFor('data_clustering')).toEqual([
      'GetFunctionConfiguration data_clustering',
      'GetFunctionConfiguration data_clustering:live',
      'UpdateFunctionCode data_clustering',
      'GetFunctionConfiguration data_clustering',
      'GetAlias data_clustering:live',
      'PublishVersion data_clustering',
      'Invoke data_clustering:2',
      'UpdateAlias data_clustering:live 2',
    ]);
    expect(callsFor('scraper')).toEqual([
      'GetFunctionConfiguration scraper',
      'GetFunctionConfiguration scraper:live',
    ]);
    const printed = out.join('');
    for (const secret of [jwt, ...Object.values(fakeCredentials)]) {
      expect(printed.split('\n').filter((line) => line.includes(secret))).toEqual([`::add-mask::${secret}`]);
    }
  });

  it('makes zero UpdateFunctionCode calls, and no publish, when every alias serves its zip', async () => {
    // Prepare
    aws.functions.get('data_clustering')?.versions.set('1', {
      sha: shaOf('data_clustering'),
      environment: {},
      description: '',
    });
    (aws.functions.get('data_clustering') as { latest: { sha: string } }).latest.sha =
      shaOf('data_clustering');

    // Act
    const { report } = await deployAll();

    // Assess
    expect(report.results.map((r) => r.outcome)).toEqual(['unchanged', 'unchanged']);
    expect(
      aws.calls.filter((c) => !c.startsWith('GetFunctionConfiguration ')).map((c) => c.split(' ')[0]),
    ).toEqual(['AssumeRoleWithWebIdentity']);
  });

  it('leaves the alias on the previous version when the smoke invocation fails, and says why', async () => {
    // Prepare
    aws.invoke = async ({ name }) =>
      name === 'data_clustering'
        ? {
            payload: '{"errorType":"PipelineError","errorMessage":"unknown mode \\"plan\\""}',
            functionError: 'Unhandled',
          }
        : { payload: 'null' };
    const ws = await makeWorkspace(['data_clustering', 'scraper']);
    const summaryPath = join(ws.root, 'step-summary.md');

    // Act
    const report = await syncLambdas(
      makeOptions({ selection: 'all', appsDir: ws.appsDir, distDir: ws.distDir }),
      deps({ env: { ...deps().env, GITHUB_STEP_SUMMARY: summaryPath } }),
    );

    // Assess
    expect(report.exitCode).toBe(1);
    expect(aws.aliasVersion('data_clustering')).toBe('1');
    expect(aws.functions.get('data_clustering')?.versions.has('2')).toBe(true);
    expect(aws.calls.filter((c) => c.startsWith('UpdateAlias'))).toEqual([]);
    expect(await readFile(summaryPath, 'utf8')).toContain(
      '| data_clustering | SMOKE FAILED | 1 (old-sha) | 2 (' +
        shaOf('data_clustering').slice(0, 12) +
        ') | failed | 1 → 1 | version 2 failed its smoke invocation and serves nothing (live stays on 1): ' +
        'Unhandled: PipelineError: unknown mode "plan" |',
    );
  });

  it('retries a smoke invocation throttled by a running scheduler (reserved concurrency 1)', async () => {
    // Prepare
    aws.faults.throttledInvocations = 2;

    // Act
    const { report } = await deployAll();

    // Assess
    expect(report.results[0]).toMatchObject({ outcome: 'updated', smoke: 'passed', aliasAfter: '2' });
    expect(aws.calls.filter((c) => c.startsWith('Invoke'))).toHaveLength(3);
  });

  it('moves the alias back when the watch sees errors of the new version', async () => {
    // Prepare
    aws.errors.set('data_clustering:2', 3);
    let clock = Date.parse('2026-05-01T12:00:00Z');
    const watch = {
      now: () => new Date(clock),
      sleep: async (ms: number) => void (clock += ms),
      pollSeconds: 60,
    };

    // Act
    const { report } = await deployAll({ watchMinutes: 5 }, watch);

    // Assess
    expect(report.exitCode).toBe(1);
    expect(report.results[0]).toMatchObject({
      name: 'data_clustering',
      outcome: 'rolled-back',
      newVersion: '2',
      aliasAfter: '1',
      message: '3 error(s) through live on version 2 within 5 min: moved back to 1',
    });
    expect(aws.aliasVersion('data_clustering')).toBe('1');
    expect(callsFor('data_clustering').slice(-3)).toEqual([
      'UpdateAlias data_clustering:live 2',
      'GetMetricData data_clustering:live 2 Errors',
      'UpdateAlias data_clustering:live 1',
    ]);
  });

  it('keeps the new version when the watch window passes without an error', async () => {
    // Prepare
    let clock = Date.parse('2026-05-01T12:00:00Z');
    const watch = {
      now: () => new Date(clock),
      sleep: async (ms: number) => void (clock += ms),
      pollSeconds: 60,
    };

    // Act
    const { report } = await deployAll({ watchMinutes: 3 }, watch);

    // Assess
    expect(report.exitCode).toBe(0);
    expect(aws.aliasVersion('data_clustering')).toBe('2');
    expect(aws.calls.filter((c) => c.startsWith('GetMetricData'))).toHaveLength(3);
  });

  it('rollback NAME moves the alias back to the version before, and a second rollback undoes it', async () => {
    // Prepare
    const { ws } = await deployAll();
    const options = parseRollbackOptions(
      ['data_clustering', '--role-arn', 'arn:aws:iam::123456789012:role/gapless-deploy'].concat([
        '--allowed-account-ids',
        '123456789012',
        '--region',
        'us-east-1',
        '--apps-dir',
        ws.appsDir,
      ]),
      {},
    );

    // Act
    const first = await rollbackLambda(options, deps());
    const afterFirst = aws.aliasVersion('data_clustering');
    const second = await rollbackLambda(options, deps());

    // Assess
    expect(first.exitCode).toBe(0);
    expect(first.results[0]).toMatchObject({ outcome: 'rolled-back', previousVersion: '2', aliasAfter: '1' });
    expect(afterFirst).toBe('1');
    expect(second.results[0]).toMatchObject({ previousVersion: '1', aliasAfter: '2' });
    expect(aws.aliasVersion('data_clustering')).toBe('2');
  });

  it('refuses a rollback when the alias records no version before', async () => {
    // Prepare
    const ws = await makeWorkspace(['scraper']);
    const options = parseRollbackOptions(
      ['scraper', '--role-arn', 'arn:aws:iam::123456789012:role/gapless-deploy'].concat([
        '--allowed-account-ids',
        '123456789012',
        '--apps-dir',
        ws.appsDir,
      ]),
      { AWS_REGION: 'us-east-1' },
    );

    // Act
    const report = await rollbackLambda(options, deps());

    // Assess
    expect(report.exitCode).toBe(1);
    expect(report.results[0]?.message).toBe(
      'scraper:live serves version 1 and records no version before it: nothing to roll back to',
    );
    expect(aws.calls.filter((c) => c.startsWith('UpdateAlias'))).toEqual([]);
  });

  it('retries concurrent updates (ResourceConflictException) until the upload goes through', async () => {
    // Prepare
    aws.faults.conflictingUpdates = 2;

    // Act
    const { report } = await deployAll();

    // Assess
    expect(report.results[0]).toMatchObject({ name: 'data_clustering', outcome: 'updated' });
    expect(aws.calls.filter((c) => c.startsWith('UpdateFunctionCode'))).toHaveLength(3);
  });

  it('fails a missing function with a clear error and deploys the others', async () => {
    // Prepare
    const ws = await makeWorkspace(['data_clustering', 'retry_recheck']);

    // Act
    const report = await syncLambdas(
      makeOptions({ selection: 'all', appsDir: ws.appsDir, distDir: ws.distDir }),
      deps(),
    );

    // Assess
    expect(report.exitCode).toBe(1);
    expect(report.results.map((r) => [r.name, r.outcome, r.message])).toEqual([
      ['data_clustering', 'updated', undefined],
      [
        'retry_recheck',
        'failed',
        'Lambda function retry_recheck does not exist in us-east-1 (create it with tools/infra first)',
      ],
    ]);
  });

  it('refuses the wrong account before any Lambda call', async () => {
    // Act
    const failure = deployAll({ allowedAccountIds: ['210987654321'] });

    // Assess
    await expect(failure).rejects.toThrow(
      'credentials belong to account 123456789012, which is not in --allowed-account-ids (210987654321)',
    );
    expect(aws.calls.map((c) => c.split(' ')[0])).toEqual(['AssumeRoleWithWebIdentity']);
  });
});
