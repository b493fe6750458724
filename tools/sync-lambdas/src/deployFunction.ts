import { readFile } from 'node:fs/promises';
import {
  CreateAliasCommand,
  GetFunctionConfigurationCommand,
  type LambdaClient,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  waitUntilFunctionUpdated,
} from '@aws-sdk/client-lambda';
import { codeSha256 } from './codeSha256.js';
import { FunctionNotFoundError, SyncError, UpdateFailedError } from './errors.js';
import type { DeployTarget } from './plan.js';
import { type RetryPolicy, withRetry } from './withRetry.js';

/** What happened to one function. */
export const Outcome = {
  Updated: 'updated',
  Unchanged: 'unchanged',
  DryRun: 'dry-run',
  Failed: 'failed',
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/** One row of the summary. */
export interface DeployResult {
  name: string;
  outcome: Outcome;
  /** The zip's sha256 (base64). */
  codeSha256: string;
  /** The deployed function's sha256 before this run, when it could be read. */
  previousSha256?: string;
  version?: string;
  message?: string;
}

/** Shared by every function of one run. */
export interface DeployContext {
  lambda: LambdaClient;
  region: string;
  dryRun: boolean;
  publish: boolean;
  alias?: string;
  retry: RetryPolicy;
  /** Longest wait for an update to settle, in seconds. */
  maxWaitSeconds: number;
}

/**
 * Deploys one zip to the function of the same name: skip when the code is already there, otherwise wait for
 * any update in progress, upload, wait until Lambda reports the update `Successful`, then optionally publish
 * a version and point the alias at it. Never throws: a failure becomes a `failed` result naming why.
 */
export async function deployFunction(target: DeployTarget, context: DeployContext): Promise<DeployResult> {
  const zip = await readFile(target.zipPath);
  const sha = codeSha256(zip);
  const result: DeployResult = { name: target.name, outcome: Outcome.Failed, codeSha256: sha };
  try {
    const current = await readConfiguration(target.name, context);
    if (current.CodeSha256 !== undefined) result.previousSha256 = current.CodeSha256;
    if (current.CodeSha256 === sha) return { ...result, outcome: Outcome.Unchanged };
    if (context.dryRun) {
      await withRetry(() => context.lambda.send(updateCode(target.name, zip, true)), context.retry);
      return { ...result, outcome: Outcome.DryRun, message: 'would update (validated with DryRun)' };
    }
    if (current.LastUpdateStatus === 'InProgress') await waitUntilSettled(target.name, context);
    await withRetry(() => context.lambda.send(updateCode(target.name, zip, false)), context.retry);
    await waitUntilSettled(target.name, context);
    const version = context.publish ? await publishAndAlias(target.name, sha, context) : undefined;
    return { ...result, outcome: Outcome.Updated, ...(version === undefined ? {} : { version }) };
  } catch (error) {
    return { ...result, message: describeFailure(error) };
  }
}

// Our own errors already say what failed; an SDK error keeps its name (the API's error code) in front.
function describeFailure(error: unknown): string {
  if (error instanceof SyncError) return error.message;
  if (!(error instanceof Error)) return String(error);
  return error.message.startsWith(error.name) ? error.message : `${error.name}: ${error.message}`;
}

async function readConfiguration(name: string, context: DeployContext) {
  try {
    return await withRetry(
      () => context.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name })),
      context.retry,
    );
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') {
      throw new FunctionNotFoundError(name, context.region, { cause: error });
    }
    throw error;
  }
}

function updateCode(name: string, zip: Uint8Array, dryRun: boolean) {
  return new UpdateFunctionCodeCommand({
    FunctionName: name,
    ZipFile: zip,
    ...(dryRun ? { DryRun: true } : {}),
  });
}

// The waiter polls GetFunctionConfiguration (not GetFunction, which the V2 waiter uses): the deploy role
// may read the configuration but not download the code.
async function waitUntilSettled(name: string, context: DeployContext): Promise<void> {
  try {
    await waitUntilFunctionUpdated(
      { client: context.lambda, maxWaitTime: context.maxWaitSeconds, minDelay: 1, maxDelay: 10 },
      { FunctionName: name },
    );
  } catch (error) {
    throw new UpdateFailedError(name, `update did not succeed: ${waiterReason(error)}`, { cause: error });
  }
}

function waiterReason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  try {
    const parsed = JSON.parse(text) as { state?: string; reason?: { LastUpdateStatusReason?: string } };
    return [parsed.state, parsed.reason?.LastUpdateStatusReason].filter(Boolean).join(': ') || text;
  } catch {
    return text;
  }
}

async function publishAndAlias(name: string, sha: string, context: DeployContext): Promise<string> {
  // CodeSha256 makes Lambda refuse to publish if someone else changed the code since our upload.
  const published = await withRetry(
    () => context.lambda.send(new PublishVersionCommand({ FunctionName: name, CodeSha256: sha })),
    context.retry,
  );
  const version = published.Version;
  if (version === undefined) throw new UpdateFailedError(name, 'PublishVersion answered without a version');
  if (context.alias !== undefined) await pointAlias(name, context.alias, version, context);
  return version;
}

async function pointAlias(name: string, alias: string, version: string, context: DeployContext) {
  const input = { FunctionName: name, Name: alias, FunctionVersion: version };
  try {
    await withRetry(() => context.lambda.send(new UpdateAliasCommand(input)), context.retry);
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'ResourceNotFoundException') throw error;
    await withRetry(() => context.lambda.send(new CreateAliasCommand(input)), context.retry);
  }
}
