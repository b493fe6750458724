import {
  type AliasConfiguration,
  type FunctionConfiguration,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  type LambdaClient,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  waitUntilFunctionUpdated,
} from '@aws-sdk/client-lambda';
import { AliasNotFoundError, FunctionNotFoundError, UpdateFailedError } from './errors.js';
import { type RetryPolicy, withRetry } from './withRetry.js';

/** What every Lambda step needs: the client, where it is, and how patiently to retry. */
export interface LambdaStepContext {
  lambda: LambdaClient;
  region: string;
  retry: RetryPolicy;
  /** Longest wait for an update to settle, in seconds. */
  maxWaitSeconds: number;
}

/**
 * The configuration of `$LATEST`, or of the version an alias or version number names. A missing function
 * and a missing alias become errors that say which.
 */
export async function readConfiguration(
  name: string,
  context: LambdaStepContext,
  qualifier?: string,
): Promise<FunctionConfiguration> {
  const input = { FunctionName: name, ...(qualifier === undefined ? {} : { Qualifier: qualifier }) };
  try {
    return await withRetry(
      () => context.lambda.send(new GetFunctionConfigurationCommand(input)),
      context.retry,
    );
  } catch (error) {
    throw notFound(error, name, context.region, qualifier) ?? error;
  }
}

/** The alias: the version it serves, its description (where the previous version is kept), its revision. */
export async function readAlias(
  name: string,
  alias: string,
  context: LambdaStepContext,
): Promise<AliasConfiguration & { FunctionVersion: string }> {
  try {
    const answer = await withRetry(
      () => context.lambda.send(new GetAliasCommand({ FunctionName: name, Name: alias })),
      context.retry,
    );
    if (answer.FunctionVersion === undefined)
      throw new UpdateFailedError(name, `GetAlias ${alias} answered without a version`);
    return { ...answer, FunctionVersion: answer.FunctionVersion };
  } catch (error) {
    throw notFound(error, name, context.region, alias) ?? error;
  }
}

function notFound(error: unknown, name: string, region: string, qualifier: string | undefined) {
  if (!(error instanceof Error) || error.name !== 'ResourceNotFoundException') return undefined;
  if (qualifier === undefined || /^\d+$/.test(qualifier))
    return new FunctionNotFoundError(name, region, { cause: error });
  return new AliasNotFoundError(name, qualifier, { cause: error });
}

/** Uploads the zip to `$LATEST` (or only validates it, with `dryRun`). */
export async function uploadCode(
  name: string,
  zip: Uint8Array,
  dryRun: boolean,
  context: LambdaStepContext,
): Promise<void> {
  const input = { FunctionName: name, ZipFile: zip, ...(dryRun ? { DryRun: true } : {}) };
  await withRetry(() => context.lambda.send(new UpdateFunctionCodeCommand(input)), context.retry);
}

/**
 * Waits until `LastUpdateStatus` is `Successful`. The waiter polls GetFunctionConfiguration (not
 * GetFunction, which the V2 waiter uses): the deploy role may read the configuration but not download code.
 */
export async function waitUntilSettled(name: string, context: LambdaStepContext): Promise<void> {
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

/**
 * Publishes `$LATEST` as a version. `CodeSha256` makes Lambda refuse if anyone changed the code since our
 * upload; when nothing changed since the last publish, Lambda answers that version instead of a new one.
 */
export async function publishVersion(
  name: string,
  sha: string,
  description: string,
  context: LambdaStepContext,
): Promise<string> {
  const input = { FunctionName: name, CodeSha256: sha, Description: description };
  const published = await withRetry(
    () => context.lambda.send(new PublishVersionCommand(input)),
    context.retry,
  );
  if (published.Version === undefined)
    throw new UpdateFailedError(name, 'PublishVersion answered without a version');
  return published.Version;
}

/**
 * Points the alias at `version`. With `revisionId`, Lambda refuses the move if anyone moved the alias since
 * it was read (`PreconditionFailedException`), so two deploys never silently undo each other.
 */
export async function moveAlias(
  name: string,
  alias: string,
  move: { version: string; description: string; revisionId?: string | undefined },
  context: LambdaStepContext,
): Promise<AliasConfiguration> {
  const input = {
    FunctionName: name,
    Name: alias,
    FunctionVersion: move.version,
    Description: move.description,
    ...(move.revisionId === undefined ? {} : { RevisionId: move.revisionId }),
  };
  return withRetry(() => context.lambda.send(new UpdateAliasCommand(input)), context.retry);
}
