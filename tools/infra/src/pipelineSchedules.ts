import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** When the scheduled functions run (UTC). */
export const scheduleDefinition = {
  // After the Central Bank's evening publication (about 13:00-17:00 in Brasília, UTC-3).
  routineClustering: events.Schedule.cron({ minute: '0', hour: '22' }),
  // Sunday night: re-reads every partition, so holes behind a watermark are found.
  auditClustering: events.Schedule.cron({ minute: '30', hour: '23', weekDay: 'SUN' }),
  retryRecheck: events.Schedule.rate(Duration.minutes(30)),
  // Three hours after the routine clustering: its streams are downloaded within minutes and the first
  // retries (5, 10, 20, 40 minutes later) are done, Sunday's audit (23:30) has had its 90 minutes, and it
  // is still the evening in Brasília (22:00), so the lake holds the day's values before the next morning.
  lakeExport: events.Schedule.cron({ minute: '0', hour: '1' }),
} as const;

/**
 * The EventBridge rules of data_clustering (daily routine, weekly audit), retry_recheck (30 min) and
 * lake_export (daily). Each targets the function's alias `live`, so a scheduled run always gets the version
 * that passed its smoke.
 */
export class PipelineSchedules extends Construct {
  constructor(
    scope: Construct,
    id: string,
    props: { dataClustering: lambda.IAlias; retryRecheck: lambda.IAlias; lakeExport: lambda.IAlias },
  ) {
    super(scope, id);
    new events.Rule(this, 'DataClusteringDaily', {
      description: 'data_clustering, routine: from each watermark on',
      schedule: scheduleDefinition.routineClustering,
      targets: [
        new targets.LambdaFunction(props.dataClustering, {
          event: events.RuleTargetInput.fromObject({ mode: 'routine' }),
        }),
      ],
    });
    new events.Rule(this, 'DataClusteringWeeklyAudit', {
      description: 'data_clustering, audit: every partition from its start',
      schedule: scheduleDefinition.auditClustering,
      targets: [
        new targets.LambdaFunction(props.dataClustering, {
          event: events.RuleTargetInput.fromObject({ mode: 'audit' }),
        }),
      ],
    });
    new events.Rule(this, 'RetryRecheckEvery30Minutes', {
      description: 'retry_recheck: re-enqueue due retries, quarantine exhausted ones',
      schedule: scheduleDefinition.retryRecheck,
      targets: [new targets.LambdaFunction(props.retryRecheck)],
    });
    // The scheduled event itself (no input): lake_export exports every series whose data changed since
    // its marker; `{"series": [...], "full": true}` is for runs by hand.
    new events.Rule(this, 'LakeExportDaily', {
      description: 'lake_export: the changed partitions of every series, to Parquet',
      schedule: scheduleDefinition.lakeExport,
      targets: [new targets.LambdaFunction(props.lakeExport)],
    });
  }
}
