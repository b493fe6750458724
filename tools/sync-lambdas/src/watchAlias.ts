import { type CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { describeMove } from './aliasHistory.js';
import { type DeployResult, Outcome } from './deployFunction.js';
import { describeFailure } from './describeFailure.js';
import { type LambdaStepContext, moveAlias } from './lambdaSteps.js';
import { withRetry } from './withRetry.js';

/** What watching needs besides the Lambda client: the metrics, the clock and how long to watch. */
export interface WatchContext extends LambdaStepContext {
  cloudWatch: CloudWatchClient;
  alias: string;
  watchMinutes: number;
  /** Seconds between two reads of the metric; Lambda publishes it per minute. */
  pollSeconds: number;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
}

/**
 * Watches the `Errors` of the new version behind the alias for `watchMinutes` (Lambda's metric with the
 * dimensions FunctionName, Resource = `name:alias`, ExecutedVersion, so only invocations through the alias
 * after the move count, not the smoke invocation). At the first error the alias moves back to the version
 * it served before. Lambda publishes the metric with a delay of a minute or two: errors in the window's last
 * minute may be seen only by a later watch.
 */
export async function watchAlias(moved: DeployResult, context: WatchContext): Promise<DeployResult> {
  const { newVersion, previousVersion } = moved;
  if (newVersion === undefined || previousVersion === undefined) return moved;
  const start = context.now().getTime();
  const deadline = start + context.watchMinutes * 60_000;
  try {
    for (;;) {
      const remaining = deadline - context.now().getTime();
      await context.sleep(Math.max(0, Math.min(context.pollSeconds * 1000, remaining)));
      const errors = await countErrors(moved.name, newVersion, start, context);
      if (errors > 0) return await moveBack(moved, errors, context);
      if (context.now().getTime() >= deadline) return moved;
    }
  } catch (error) {
    // The alias stays on the new version, which passed its smoke: the run fails so that someone looks.
    return {
      ...moved,
      outcome: Outcome.Failed,
      message: `watching ${context.alias} failed, ${context.alias} stays on ${newVersion}: ${describeFailure(error)}`,
    };
  }
}

async function countErrors(name: string, version: string, start: number, context: WatchContext) {
  const answer = await withRetry(
    () =>
      context.cloudWatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(start - 60_000),
          EndTime: context.now(),
          MetricDataQueries: [
            {
              Id: 'errors',
              MetricStat: {
                Metric: {
                  Namespace: 'AWS/Lambda',
                  MetricName: 'Errors',
                  Dimensions: [
                    { Name: 'FunctionName', Value: name },
                    { Name: 'Resource', Value: `${name}:${context.alias}` },
                    { Name: 'ExecutedVersion', Value: version },
                  ],
                },
                Period: 60,
                Stat: 'Sum',
              },
            },
          ],
        }),
      ),
    context.retry,
  );
  const values = answer.MetricDataResults?.find((r) => r.Id === 'errors')?.Values ?? [];
  return values.reduce((sum, value) => sum + value, 0);
}

async function moveBack(moved: DeployResult, errors: number, context: WatchContext): Promise<DeployResult> {
  const { name, newVersion = '', previousVersion = '' } = moved;
  await moveAlias(
    name,
    context.alias,
    { version: previousVersion, description: describeMove(newVersion) },
    context,
  );
  return {
    ...moved,
    outcome: Outcome.RolledBack,
    aliasAfter: previousVersion,
    message: `${errors} error(s) through ${context.alias} on version ${newVersion} within ${context.watchMinutes} min: moved back to ${previousVersion}`,
  };
}
