import { readFile } from 'node:fs/promises';
import { describeMove } from './aliasHistory.js';
import { codeSha256 } from './codeSha256.js';
import { describeFailure } from './describeFailure.js';
import {
  type LambdaStepContext,
  moveAlias,
  publishVersion,
  readAlias,
  readConfiguration,
  uploadCode,
  waitUntilSettled,
} from './lambdaSteps.js';
import type { DeployTarget } from './plan.js';
import { smokeInvoke } from './smokeInvoke.js';
import { versionSettings } from './versionSettings.js';
import type { RetryPolicy } from './withRetry.js';

/** What happened to one function. */
export const Outcome = {
  /** Published, smoke passed, alias moved. */
  Updated: 'updated',
  Unchanged: 'unchanged',
  DryRun: 'dry-run',
  /** Published, but the smoke invocation failed: the alias stayed where it was. */
  SmokeFailed: 'smoke-failed',
  /** The alias was moved back to the version it served before (a watch failure, or the rollback command). */
  RolledBack: 'rolled-back',
  Failed: 'failed',
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/** The outcomes that make the run fail (exit status 1). */
export const failedOutcomes: ReadonlySet<Outcome> = new Set([
  Outcome.SmokeFailed,
  Outcome.RolledBack,
  Outcome.Failed,
]);

/** One row of the summary. */
export interface DeployResult {
  name: string;
  outcome: Outcome;
  /** The zip's sha256 (base64). */
  codeSha256: string;
  /** The version the alias served before this run, and its code's sha256. */
  previousVersion?: string;
  previousSha256?: string;
  /** The version this run published. */
  newVersion?: string;
  smoke?: 'passed' | 'failed';
  /** The version the alias serves after this run. */
  aliasAfter?: string;
  message?: string;
}

/** Shared by every function of one run. */
export interface DeployContext extends LambdaStepContext {
  dryRun: boolean;
  alias: string;
  /** Retries of a throttled smoke invocation (see `smokeRetryPolicy`). */
  smokeRetry: RetryPolicy;
  /** The description of each published version: where it came from. */
  versionDescription: string;
}

/**
 * Deploys one zip to the function of the same name, behind its alias: skip when the alias already serves
 * this code with `$LATEST`'s settings; otherwise upload (unless `$LATEST` already holds the code), wait, publish
 * a version pinned to the sha256, invoke that version with the smoke event, and only then move the alias. A
 * version whose smoke fails stays published but unused. Never throws: a failure becomes a result naming why.
 */
export async function deployFunction(target: DeployTarget, context: DeployContext): Promise<DeployResult> {
  const zip = await readFile(target.zipPath);
  const sha = codeSha256(zip);
  const result: DeployResult = { name: target.name, outcome: Outcome.Failed, codeSha256: sha };
  try {
    const latest = await readConfiguration(target.name, context);
    const live = await readConfiguration(target.name, context, context.alias);
    if (live.Version !== undefined)
      Object.assign(result, { previousVersion: live.Version, aliasAfter: live.Version });
    if (live.CodeSha256 !== undefined) result.previousSha256 = live.CodeSha256;
    const codeChanged = latest.CodeSha256 !== sha;
    if (live.CodeSha256 === sha && versionSettings(live) === versionSettings(latest))
      return { ...result, outcome: Outcome.Unchanged };
    if (context.dryRun) {
      if (codeChanged) await uploadCode(target.name, zip, true, context);
      return { ...result, outcome: Outcome.DryRun, message: dryRunNote(codeChanged, context.alias) };
    }
    if (codeChanged) {
      if (latest.LastUpdateStatus === 'InProgress') await waitUntilSettled(target.name, context);
      await uploadCode(target.name, zip, false, context);
      await waitUntilSettled(target.name, context);
    }
    return await publishSmokeAndShift(target, sha, result, context);
  } catch (error) {
    return { ...result, message: describeFailure(error) };
  }
}

async function publishSmokeAndShift(
  target: DeployTarget,
  sha: string,
  result: DeployResult,
  context: DeployContext,
): Promise<DeployResult> {
  // Read before publishing: the move below is refused if anyone moved the alias in between.
  const alias = await readAlias(target.name, context.alias, context);
  const previous = alias.FunctionVersion;
  const version = await publishVersion(target.name, sha, context.versionDescription, context);
  const published = { ...result, previousVersion: previous, aliasAfter: previous, newVersion: version };
  if (version === previous) return { ...published, outcome: Outcome.Unchanged };
  const smoke = await smokeInvoke(target.name, version, target.smokeEvent, context);
  if (!smoke.passed) {
    const message = `version ${version} failed its smoke invocation and serves nothing (${context.alias} stays on ${previous}): ${smoke.reason}`;
    return { ...published, outcome: Outcome.SmokeFailed, smoke: 'failed', message };
  }
  await moveAlias(
    target.name,
    context.alias,
    { version, description: describeMove(previous), revisionId: alias.RevisionId },
    context,
  );
  return { ...published, outcome: Outcome.Updated, smoke: 'passed', aliasAfter: version };
}

function dryRunNote(codeChanged: boolean, alias: string): string {
  return codeChanged
    ? `would upload (validated with DryRun), publish, smoke and move ${alias}`
    : `would publish $LATEST's new settings, smoke and move ${alias}`;
}
