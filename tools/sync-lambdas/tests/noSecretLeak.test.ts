import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli.js';
import { makeWorkspace, shaOf } from './factories.js';
import { type FakeAws, fakeCredentials, startFakeAws } from './fakeAws.js';
import { type FakeGithubOidc, startFakeGithubOidc } from './fakeGithubOidc.js';

// Every path that prints (progress, failures, refusals, the summary) runs here through the real CLI; no
// token or credential may appear anywhere except in the runner's own `::add-mask::` command.
describe('no token or credential reaches stdout, stderr or the step summary', () => {
  const jwt = 'eyJ.leak-canary-oidc-token.sig';
  const requestToken = 'leak-canary-request-token';
  const secrets = [jwt, requestToken, ...Object.values(fakeCredentials)];
  let github: FakeGithubOidc;
  let aws: FakeAws;
  let written: string[];

  beforeEach(async () => {
    github = await startFakeGithubOidc(requestToken, jwt);
    aws = await startFakeAws(jwt, { data_clustering: 'old', scraper: shaOf('scraper') });
    written = [];
    const capture = (chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  });

  afterEach(async () => {
    vi.restoreAllMocks();
    await Promise.all([github.close(), aws.close()]);
  });

  async function run(args: string[], actions: boolean) {
    const ws = await makeWorkspace(['data_clustering', 'scraper', 'retry_recheck']);
    const summaryPath = join(ws.root, 'step-summary.md');
    const env = {
      ...(actions ? { GITHUB_ACTIONS: 'true' } : {}),
      GITHUB_STEP_SUMMARY: summaryPath,
      GITHUB_RUN_ID: '9',
      ACTIONS_ID_TOKEN_REQUEST_URL: github.requestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
      AWS_ENDPOINT_URL_STS: aws.url,
      AWS_ENDPOINT_URL_LAMBDA: aws.url,
    };
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    const common = ['--role-arn', 'arn:aws:iam::123456789012:role/deploy', '--region', 'us-east-1'];
    const paths = ['--apps-dir', ws.appsDir, '--dist-dir', ws.distDir, '--max-attempts', '1'];
    const code = await main([...args, ...common, ...paths], process.env);
    vi.unstubAllEnvs();
    const summary = await readFile(summaryPath, 'utf8').catch(() => '');
    return { code, output: written.join(''), summary };
  }

  function expectOnlyMasked(text: string, actions: boolean) {
    for (const secret of secrets) {
      const lines = text.split('\n').filter((line) => line.includes(secret));
      const allowed = actions && secret !== requestToken ? [`::add-mask::${secret}`] : [];
      expect(lines).toEqual(allowed);
    }
  }

  it('in Actions: a run with an update, a skip and a missing function', async () => {
    // Act
    const { code, output, summary } = await run(['--all', '--allowed-account-ids', '123456789012'], true);

    // Assess
    expect(code).toBe(1);
    expect(output).toContain('retry_recheck: failed (Lambda function retry_recheck does not exist');
    expect(summary).toContain('| data_clustering | updated |');
    expectOnlyMasked(output, true);
    expectOnlyMasked(summary, false);
  });

  it('outside Actions: a refused account prints no secret at all', async () => {
    // Act
    const { code, output } = await run(['--all', '--allowed-account-ids', '999999999999'], false);

    // Assess
    expect(code).toBe(2);
    expect(output).toContain(
      'credentials belong to account 123456789012, which is not in --allowed-account-ids',
    );
    expect(aws.calls.filter((c) => !c.startsWith('AssumeRole'))).toEqual([]);
    expectOnlyMasked(output, false);
  });
});
