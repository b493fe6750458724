import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { syncLambdas } from '../src/syncLambdas.js';
import { instantRetry, makeOptions, makeWorkspace, shaOf } from './factories.js';
import { type FakeAws, fakeCredentials, startFakeAws } from './fakeAws.js';
import { type FakeGithubOidc, startFakeGithubOidc } from './fakeGithubOidc.js';

// The real SDK clients (no mocks), reaching local fakes through the SDK's own endpoint variables.
describe('sync-lambdas against local fake STS and Lambda endpoints', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.fake-oidc-payload.fake-signature';
  let github: FakeGithubOidc;
  let aws: FakeAws;

  beforeEach(async () => {
    github = await startFakeGithubOidc('runner-request-token', jwt);
    aws = await startFakeAws(jwt, { data_clustering: 'old-sha', scraper: shaOf('scraper') });
    vi.stubEnv('AWS_ENDPOINT_URL_STS', aws.url);
    vi.stubEnv('AWS_ENDPOINT_URL_LAMBDA', aws.url);
    // Nothing from the machine may leak in: no ambient keys, no profile files.
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) {
      vi.stubEnv(name, undefined);
    }
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/config');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/credentials');
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    await Promise.all([github.close(), aws.close()]);
  });

  const actionsEnv = () => ({
    GITHUB_ACTIONS: 'true',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    ACTIONS_ID_TOKEN_REQUEST_URL: github.requestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runner-request-token',
  });

  it('assumes the role with the OIDC token, updates the changed function and skips the unchanged one', async () => {
    // Prepare
    const ws = await makeWorkspace(['data_clustering', 'scraper']);
    const out: string[] = [];

    // Act
    const report = await syncLambdas(
      makeOptions({ selection: 'all', functions: [], appsDir: ws.appsDir, distDir: ws.distDir }),
      { env: actionsEnv(), stdout: (t) => out.push(t), retry: instantRetry },
    );

    // Assess
    expect(report.exitCode).toBe(0);
    expect(report.results.map((r) => [r.name, r.outcome])).toEqual([
      ['data_clustering', 'updated'],
      ['scraper', 'unchanged'],
    ]);
    expect(aws.functions.get('data_clustering')).toBe(shaOf('data_clustering'));
    expect(github.requests).toEqual([
      {
        path: '/_apis/distributedtask/token',
        audience: 'sts.amazonaws.com',
        authorization: 'Bearer runner-request-token',
      },
    ]);
    // Functions deploy in parallel: the order holds per function, not across them.
    const callsFor = (name: string) => aws.calls.filter((c) => c.endsWith(` ${name}`));
    expect(aws.calls[0]).toBe(
      'AssumeRoleWithWebIdentity arn:aws:iam::123456789012:role/gapless-deploy gh-4242-1',
    );
    expect(callsFor('data_clustering')).toEqual([
      'GetFunctionConfiguration data_clustering',
      'UpdateFunctionCode data_clustering',
      'GetFunctionConfiguration data_clustering',
    ]);
    expect(callsFor('scraper')).toEqual(['GetFunctionConfiguration scraper']);
    expect(aws.calls).toHaveLength(5);
    const printed = out.join('');
    for (const secret of [jwt, ...Object.values(fakeCredentials)]) {
      expect(printed.split('\n').filter((line) => line.includes(secret))).toEqual([`::add-mask::${secret}`]);
    }
  });

  it('makes zero UpdateFunctionCode calls when every sha256 already matches', async () => {
    // Prepare
    const ws = await makeWorkspace(['data_clustering', 'scraper']);
    aws.functions.set('data_clustering', shaOf('data_clustering'));

    // Act
    const report = await syncLambdas(
      makeOptions({ selection: 'all', functions: [], appsDir: ws.appsDir, distDir: ws.distDir }),
      { env: actionsEnv(), stdout: () => undefined, retry: instantRetry },
    );

    // Assess
    expect(report.results.map((r) => r.outcome)).toEqual(['unchanged', 'unchanged']);
    expect(aws.calls.filter((c) => c.startsWith('UpdateFunctionCode'))).toEqual([]);
  });
});
