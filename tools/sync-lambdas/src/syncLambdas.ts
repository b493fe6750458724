import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { STSClient } from '@aws-sdk/client-sts';
import { assertAccountAllowed } from './account.js';
import { createMaskSecret } from './actionsMask.js';
import { type DeployCredentials, type DeployIdentity, resolveDeployIdentity } from './credentials.js';
import { type DeployResult, deployFunction, failedOutcomes, Outcome } from './deployFunction.js';
import { describeFailure } from './describeFailure.js';
import { listAffectedApps } from './listAffectedApps.js';
import { mapWithConcurrency } from './mapWithConcurrency.js';
import type { AccessOptions, RollbackOptions, SyncOptions } from './options.js';
import { checkFunctionName, planDeployment } from './plan.js';
import { rollbackAlias } from './rollbackAlias.js';
import { smokeRetryPolicy } from './smokeInvoke.js';
import { renderSummary, writeStepSummary } from './summary.js';
import { watchAlias } from './watchAlias.js';
import { defaultRetryPolicy, type RetryPolicy } from './withRetry.js';

/** Everything a run touches outside its options; the CLI passes the real ones, tests their stand-ins. */
export interface SyncDeps {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  fetchFn?: typeof fetch;
  makeSts?: (region: string) => STSClient;
  makeLambda?: (region: string, credentials: DeployCredentials | undefined) => LambdaClient;
  makeCloudWatch?: (region: string, credentials: DeployCredentials | undefined) => CloudWatchClient;
  listAffected?: () => Promise<string[]>;
  retry?: RetryPolicy;
  maxWaitSeconds?: number;
  /** The watch's clock, its sleep and its poll interval (seconds). */
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  pollSeconds?: number;
}

/** The run's results and the process exit status they call for. */
export interface SyncReport {
  results: DeployResult[];
  exitCode: number;
}

// Endpoints come from the SDK's own AWS_ENDPOINT_URL_* variables: nothing is hard-coded here.
const withCredentials = (credentials: DeployCredentials | undefined) =>
  credentials === undefined ? {} : { credentials };
const defaultSts = (region: string) => new STSClient({ region });
const defaultLambda = (region: string, credentials: DeployCredentials | undefined) =>
  new LambdaClient({ region, ...withCredentials(credentials) });
const defaultCloudWatch = (region: string, credentials: DeployCredentials | undefined) =>
  new CloudWatchClient({ region, ...withCredentials(credentials) });

/**
 * One deploy: choose and check the functions, obtain credentials, refuse a wrong account, deploy in
 * parallel (bounded: upload, publish, smoke, move the alias), watch the moved aliases when asked, then print
 * the summary and append it to the step summary.
 */
export async function syncLambdas(options: SyncOptions, deps: SyncDeps): Promise<SyncReport> {
  const targets = await planDeployment(options.selection, options.functions, {
    appsDir: options.appsDir,
    distDir: options.distDir,
    listAffected: deps.listAffected ?? (() => listAffectedApps()),
  });
  if (targets.length === 0) {
    deps.stdout(`sync-lambdas: no function to deploy (selection: ${options.selection})\n`);
    return { results: [], exitCode: 0 };
  }
  const identity = await connect(options, deps);
  deps.stdout(
    `sync-lambdas: ${targets.map((t) => t.name).join(', ')} -> account ${identity.account} (${options.region}) ` +
      `as ${identity.arn} via ${identity.source}${options.dryRun ? ', dry run' : ''}\n`,
  );
  const lambda = (deps.makeLambda ?? defaultLambda)(options.region, identity.credentials);
  const retry = { ...(deps.retry ?? defaultRetryPolicy), maxAttempts: options.maxAttempts };
  const context = {
    lambda,
    region: options.region,
    dryRun: options.dryRun,
    alias: options.alias,
    retry,
    smokeRetry: smokeRetryPolicy(retry),
    maxWaitSeconds: deps.maxWaitSeconds ?? 300,
    versionDescription: versionDescription(deps.env),
  };
  let results: DeployResult[];
  try {
    results = await mapWithConcurrency(targets, options.concurrency, async (target) => {
      const result = await deployFunction(target, context);
      deps.stdout(`  ${result.name}: ${result.outcome}${result.message ? ` (${result.message})` : ''}\n`);
      return result;
    });
    if (options.watchMinutes > 0)
      results = await watchMoved(results, options, deps, { ...context, identity });
  } finally {
    lambda.destroy();
  }
  return report(results, identity, options, deps, options.dryRun);
}

/**
 * `rollback NAME`: credentials and the account check as for a deploy, then the alias moves back to the
 * version it served before. Exit status 0 when it moved.
 */
export async function rollbackLambda(options: RollbackOptions, deps: SyncDeps): Promise<SyncReport> {
  await checkFunctionName(options.functionName, options.appsDir);
  const identity = await connect(options, deps);
  const lambda = (deps.makeLambda ?? defaultLambda)(options.region, identity.credentials);
  const context = {
    lambda,
    region: options.region,
    alias: options.alias,
    retry: { ...(deps.retry ?? defaultRetryPolicy), maxAttempts: options.maxAttempts },
    maxWaitSeconds: deps.maxWaitSeconds ?? 300,
  };
  let result: DeployResult;
  try {
    result = await rollbackAlias(options.functionName, context).catch((error: unknown) => ({
      name: options.functionName,
      outcome: Outcome.Failed,
      codeSha256: '',
      message: describeFailure(error),
    }));
  } finally {
    lambda.destroy();
  }
  const { results } = await report([result], identity, options, deps, false);
  return { results, exitCode: result.outcome === Outcome.RolledBack ? 0 : 1 };
}

async function connect(options: AccessOptions, deps: SyncDeps): Promise<DeployIdentity> {
  const identity = await resolveDeployIdentity(options, {
    env: deps.env,
    sts: (deps.makeSts ?? defaultSts)(options.region),
    mask: createMaskSecret(deps.env, deps.stdout),
    ...(deps.fetchFn === undefined ? {} : { fetchFn: deps.fetchFn }),
  });
  assertAccountAllowed(identity.account, options.allowedAccountIds);
  return identity;
}

// Watches run together, after every deploy: each waits the same minutes, so in parallel they cost one window.
async function watchMoved(
  results: DeployResult[],
  options: SyncOptions,
  deps: SyncDeps,
  context: { lambda: LambdaClient; region: string; retry: RetryPolicy; identity: DeployIdentity },
): Promise<DeployResult[]> {
  const moved = results.filter((r) => r.outcome === Outcome.Updated);
  if (moved.length === 0) return results;
  deps.stdout(
    `sync-lambdas: watching ${moved.map((r) => r.name).join(', ')} for ${options.watchMinutes} min\n`,
  );
  const cloudWatch = (deps.makeCloudWatch ?? defaultCloudWatch)(options.region, context.identity.credentials);
  try {
    const watchContext = {
      ...context,
      cloudWatch,
      alias: options.alias,
      watchMinutes: options.watchMinutes,
      pollSeconds: deps.pollSeconds ?? 60,
      maxWaitSeconds: deps.maxWaitSeconds ?? 300,
      now: deps.now ?? (() => new Date()),
      sleep: deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
    };
    return await Promise.all(
      results.map((r) => (r.outcome === Outcome.Updated ? watchAlias(r, watchContext) : r)),
    );
  } finally {
    cloudWatch.destroy();
  }
}

async function report(
  results: DeployResult[],
  identity: DeployIdentity,
  options: AccessOptions,
  deps: SyncDeps,
  dryRun: boolean,
): Promise<SyncReport> {
  const summary = renderSummary(results, {
    account: identity.account,
    region: options.region,
    alias: options.alias,
    dryRun,
  });
  deps.stdout(`\n${summary}`);
  await writeStepSummary(summary, deps.env);
  return { results, exitCode: results.some((r) => failedOutcomes.has(r.outcome)) ? 1 : 0 };
}

/** Where a published version came from: the commit and run in Actions (Lambda allows 256 characters). */
function versionDescription(env: NodeJS.ProcessEnv): string {
  const commit = env.GITHUB_SHA === undefined ? '' : ` from ${env.GITHUB_SHA}`;
  const run = env.GITHUB_RUN_ID === undefined ? '' : ` (run ${env.GITHUB_RUN_ID})`;
  return `sync-lambdas${commit}${run}`.slice(0, 256);
}
