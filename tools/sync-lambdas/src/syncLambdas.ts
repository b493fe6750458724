import { LambdaClient } from '@aws-sdk/client-lambda';
import { STSClient } from '@aws-sdk/client-sts';
import { assertAccountAllowed } from './account.js';
import { createMaskSecret } from './actionsMask.js';
import { type DeployCredentials, resolveDeployIdentity } from './credentials.js';
import { type DeployResult, deployFunction, Outcome } from './deployFunction.js';
import { listAffectedApps } from './listAffectedApps.js';
import { mapWithConcurrency } from './mapWithConcurrency.js';
import type { SyncOptions } from './options.js';
import { planDeployment } from './plan.js';
import { renderSummary, writeStepSummary } from './summary.js';
import { defaultRetryPolicy, type RetryPolicy } from './withRetry.js';

/** Everything a run touches outside its options; the CLI passes the real ones, tests their stand-ins. */
export interface SyncDeps {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  fetchFn?: typeof fetch;
  makeSts?: (region: string) => STSClient;
  makeLambda?: (region: string, credentials: DeployCredentials | undefined) => LambdaClient;
  listAffected?: () => Promise<string[]>;
  retry?: RetryPolicy;
  maxWaitSeconds?: number;
}

/** The run's results and the process exit status they call for. */
export interface SyncReport {
  results: DeployResult[];
  exitCode: number;
}

// Endpoints come from the SDK's own AWS_ENDPOINT_URL_* variables: nothing is hard-coded here.
const defaultSts = (region: string) => new STSClient({ region });
const defaultLambda = (region: string, credentials: DeployCredentials | undefined) =>
  new LambdaClient({ region, ...(credentials === undefined ? {} : { credentials }) });

/**
 * One deploy: choose and check the functions, obtain credentials, refuse a wrong account, deploy in
 * parallel (bounded), then print the summary and append it to the step summary.
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
  const identity = await resolveDeployIdentity(options, {
    env: deps.env,
    sts: (deps.makeSts ?? defaultSts)(options.region),
    mask: createMaskSecret(deps.env, deps.stdout),
    ...(deps.fetchFn === undefined ? {} : { fetchFn: deps.fetchFn }),
  });
  assertAccountAllowed(identity.account, options.allowedAccountIds);
  deps.stdout(
    `sync-lambdas: ${targets.map((t) => t.name).join(', ')} -> account ${identity.account} (${options.region}) ` +
      `as ${identity.arn} via ${identity.source}${options.dryRun ? ', dry run' : ''}\n`,
  );
  const lambda = (deps.makeLambda ?? defaultLambda)(options.region, identity.credentials);
  const context = {
    lambda,
    region: options.region,
    dryRun: options.dryRun,
    publish: options.publish,
    ...(options.alias === undefined ? {} : { alias: options.alias }),
    retry: { ...(deps.retry ?? defaultRetryPolicy), maxAttempts: options.maxAttempts },
    maxWaitSeconds: deps.maxWaitSeconds ?? 300,
  };
  let results: DeployResult[];
  try {
    results = await mapWithConcurrency(targets, options.concurrency, async (target) => {
      const result = await deployFunction(target, context);
      deps.stdout(`  ${result.name}: ${result.outcome}${result.message ? ` (${result.message})` : ''}\n`);
      return result;
    });
  } finally {
    lambda.destroy();
  }
  const summary = renderSummary(results, {
    account: identity.account,
    region: options.region,
    dryRun: options.dryRun,
  });
  deps.stdout(`\n${summary}`);
  await writeStepSummary(summary, deps.env);
  return { results, exitCode: results.some((r) => r.outcome === Outcome.Failed) ? 1 : 0 };
}
