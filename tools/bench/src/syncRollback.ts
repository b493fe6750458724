import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { STSClient } from '@aws-sdk/client-sts';
import { syncLambdas, type SyncDeps } from '@gapless/sync-lambdas';
import { parseOptions } from '@gapless/sync-lambdas/options';
import {
  type FakeAws,
  type FakeInvoker,
  fakeFunction,
  runZipOnce,
  startFakeAws,
  startFakeGithubOidc,
} from '@gapless/sync-lambdas/testing';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceRoot } from './lambdaApps.js';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/gapless-deploy';
const REQUEST_TOKEN = 'bench-runner-request-token';
const OIDC_JWT = 'eyJhbGciOiJSUzI1NiJ9.bench-oidc-payload.bench-signature';
const repoDist = join(workspaceRoot, 'dist', 'apps');

/** The scraper's configuration as tools/infra sets it, with loopback endpoints and fake keys. */
const scraperEnvironment = {
  TABLE_NAME: 'gapless',
  MAX_RETRIES: '5',
  MAX_MESSAGE_BYTES: '262144',
};

/** Where one scenario left the alias, and how it got there. */
export interface RollbackScenario {
  /** The alias's version at the end; `1` is the version it served before the deploy. */
  readonly aliasAfter: string | undefined;
  /** Every version the alias was moved to, in order. */
  readonly moves: readonly string[];
  readonly outcome: string;
  /** What sync-lambdas said about it (the smoke's error, the watch's count). */
  readonly reason: string;
  readonly exitCode: number;
}

/** Both scenarios, and the figure: 1 when each left the alias on the version it served before. */
export interface RollbackMeasurement {
  readonly initFailure: RollbackScenario;
  readonly watchFailure: RollbackScenario;
  readonly restoresPrevious: 0 | 1;
}

// The fake Lambda runs each invoked version's real zip in a fresh Node process, as Lambda would.
const runRealZip: FakeInvoker = async ({ name, code, event }) => {
  if (code.zip === undefined) return { payload: 'null' };
  const env = {
    ...code.environment,
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDBENCH',
    AWS_SECRET_ACCESS_KEY: 'bench-secret',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  };
  const { payload, functionError } = await runZipOnce(code.zip, event, env);
  return functionError === undefined ? { payload } : { payload, functionError };
};

/**
 * Deploys real zips to the scraper of a fake Lambda (alias `live` on version 1) through the real
 * sync-lambdas, and reads the alias off the fake afterwards:
 * - init failure: retry_recheck's bundle uploaded as the scraper (it needs QUEUE_URL, which the scraper's
 *   configuration lacks) fails at init in its smoke invocation, so the alias must stay on version 1;
 * - watch failure: the scraper's own bundle passes its smoke and the alias moves to version 2, then the
 *   fake CloudWatch reports errors of version 2 and the watch must move the alias back to version 1.
 */
export async function measureRollback(): Promise<RollbackMeasurement> {
  const initFailure = await deployScraper('retry_recheck', new Map());
  const watchFailure = await deployScraper('scraper', new Map([['scraper:2', 2]]));
  const restored = (s: RollbackScenario) => s.aliasAfter === '1' && s.exitCode === 1;
  return {
    initFailure,
    watchFailure,
    restoresPrevious:
      restored(initFailure) &&
      initFailure.moves.length === 0 &&
      restored(watchFailure) &&
      watchFailure.moves.join(',') === '2,1'
        ? 1
        : 0,
  };
}

async function deployScraper(bundleOf: string, errors: Map<string, number>): Promise<RollbackScenario> {
  const root = await mkdtemp(join(tmpdir(), 'bench-rollback-'));
  const github = await startFakeGithubOidc(REQUEST_TOKEN, OIDC_JWT);
  const aws = await startFakeAws(
    OIDC_JWT,
    { scraper: fakeFunction('the-previous-sha', scraperEnvironment) },
    runRealZip,
  );
  for (const [key, count] of errors) aws.errors.set(key, count);
  try {
    await mkdir(join(root, 'apps', 'scraper', 'src'), { recursive: true });
    await mkdir(join(root, 'dist', 'apps', 'scraper'), { recursive: true });
    await copyFile(
      join(workspaceRoot, 'apps', 'scraper', 'smoke-event.json'),
      join(root, 'apps', 'scraper', 'smoke-event.json'),
    );
    await copyFile(
      join(repoDist, bundleOf, `${bundleOf}.zip`),
      join(root, 'dist', 'apps', 'scraper', 'scraper.zip'),
    );
    const report = await syncLambdas(options(root), deps(aws, github.requestUrl));
    return {
      aliasAfter: aws.aliasVersion('scraper'),
      moves: aws.calls.filter((c) => c.startsWith('UpdateAlias ')).map((c) => c.split(' ')[2] ?? ''),
      outcome: report.results.map((r) => r.outcome).join(', '),
      reason: report.results.map((r) => r.message ?? '').join('; '),
      exitCode: report.exitCode,
    };
  } finally {
    await Promise.all([github.close(), aws.close(), rm(root, { recursive: true, force: true })]);
  }
}

/** `sync-lambdas --all --watch-minutes 1` as the deploy workflow would run it. */
function options(root: string) {
  return parseOptions(
    [
      '--all',
      ['--role-arn', ROLE_ARN],
      ['--allowed-account-ids', '123456789012'],
      ['--region', 'us-east-1'],
      ['--watch-minutes', '1'],
      ['--max-attempts', '3'],
      ['--apps-dir', join(root, 'apps')],
      ['--dist-dir', join(root, 'dist', 'apps')],
    ].flat(),
    {},
  );
}

function deps(aws: FakeAws, requestUrl: string): SyncDeps {
  let clock = Date.parse('2026-05-01T12:00:00Z');
  const withEndpoint = { region: 'us-east-1', endpoint: aws.url };
  return {
    // Only these variables: nothing from this machine (keys, profiles) can take part.
    env: {
      GITHUB_ACTIONS: 'true',
      GITHUB_RUN_ID: '1',
      GITHUB_RUN_ATTEMPT: '1',
      ACTIONS_ID_TOKEN_REQUEST_URL: requestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN,
    },
    stdout: () => undefined,
    makeSts: () => new STSClient(withEndpoint),
    makeLambda: (_region, credentials) =>
      new LambdaClient({ ...withEndpoint, ...(credentials ? { credentials } : {}) }),
    makeCloudWatch: (_region, credentials) =>
      new CloudWatchClient({ ...withEndpoint, ...(credentials ? { credentials } : {}) }),
    // The watch's minute passes on a fake clock: the figure needs no real waiting.
    now: () => new Date(clock),
    sleep: async (ms) => void (clock += ms),
  };
}
