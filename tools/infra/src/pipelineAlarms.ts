import { MetricName, metricsNamespace } from '@gapless/pipeline-core';
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** The EMF metric the functions emit when dates use up their retries, named by pipeline-core. */
export const quarantinedMetric = { namespace: metricsNamespace, name: MetricName.Quarantined } as const;

/** What the alarms watch, and who hears them. */
export interface PipelineAlarmsProps {
  deadLetterQueue: sqs.IQueue;
  functions: Record<string, lambda.IFunction>;
  /** Subscribed to the alarm topic when given. */
  alarmEmail?: string;
}

/**
 * Alarms that need a human: a message in the dead-letter queue, dates quarantined, a function failing.
 * All notify one SNS topic.
 */
export class PipelineAlarms extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'Gapless pipeline alarms', enforceSSL: true });
    if (props.alarmEmail !== undefined)
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const notify = new actions.SnsAction(this.topic);
    const alarm = (alarmId: string, description: string, metric: cloudwatch.IMetric) =>
      new cloudwatch.Alarm(this, alarmId, {
        alarmDescription: description,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(notify);
    alarm(
      'DeadLetterQueueNotEmpty',
      'A work message failed every delivery and sits in the dead-letter queue (its log line says why)',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        statistic: 'Maximum',
        period: Duration.minutes(5),
      }),
    );
    alarm(
      'RecordsQuarantined',
      'Dates used their whole retry budget and were quarantined',
      // Metrics Insights sums the metric over every dimension set (Powertools adds `service`), so the
      // alarm does not depend on which function quarantined.
      new cloudwatch.MathExpression({
        expression: `SELECT SUM(${quarantinedMetric.name}) FROM "${quarantinedMetric.namespace}"`,
        period: Duration.minutes(5),
        usingMetrics: {},
        label: 'Quarantined',
      }),
    );
    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(
        `${name}Errors`,
        `${name} failed (invocation errors)`,
        fn.metricErrors({ statistic: 'Sum', period: Duration.minutes(5) }),
      );
    }
  }
}
