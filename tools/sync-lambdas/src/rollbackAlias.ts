import { describeMove, previousVersionOf } from './aliasHistory.js';
import { type DeployResult, Outcome } from './deployFunction.js';
import { NoPreviousVersionError } from './errors.js';
import { type LambdaStepContext, moveAlias, readAlias, readConfiguration } from './lambdaSteps.js';

/**
 * Moves the alias back to the version it served before the last move, as recorded in the alias's
 * description by sync-lambdas, and records the version it leaves, so a second rollback undoes the first.
 * No smoke invocation: the version served before is the one that was known to work.
 */
export async function rollbackAlias(
  name: string,
  context: LambdaStepContext & { alias: string },
): Promise<DeployResult> {
  await readConfiguration(name, context);
  const alias = await readAlias(name, context.alias, context);
  const current = alias.FunctionVersion;
  const previous = previousVersionOf(alias.Description);
  if (previous === undefined) throw new NoPreviousVersionError(name, context.alias, current);
  const [leaving, target] = await Promise.all([
    readConfiguration(name, context, current),
    readConfiguration(name, context, previous),
  ]);
  await moveAlias(
    name,
    context.alias,
    { version: previous, description: describeMove(current), revisionId: alias.RevisionId },
    context,
  );
  return {
    name,
    outcome: Outcome.RolledBack,
    codeSha256: target.CodeSha256 ?? '',
    previousVersion: current,
    ...(leaving.CodeSha256 === undefined ? {} : { previousSha256: leaving.CodeSha256 }),
    newVersion: previous,
    aliasAfter: previous,
    message: `rollback asked: ${context.alias} moved from ${current} back to ${previous}`,
  };
}
