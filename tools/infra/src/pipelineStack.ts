import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { GithubDeployRole } from './githubDeployRole.js';
import { IngestTrigger } from './ingestTrigger.js';
import { LakeTable, lakeTableDefinition } from './lakeTable.js';
import { PipelineAlarms } from './pipelineAlarms.js';
import { PipelineBuckets } from './pipelineBuckets.js';
import { PipelineData } from './pipelineData.js';
import { PipelineFunctions } from './pipelineFunctions.js';
import { PipelineSchedules } from './pipelineSchedules.js';

/** The deployment's choices; everything else comes from pipeline-core's definitions. */
export interface PipelineStackProps extends StackProps {
  /** Directory holding `<name>/<name>.zip` for each function (the repository's `dist/apps`). */
  distDir: string;
  /** `owner/repo` allowed to deploy through GitHub OIDC. */
  githubRepository: string;
  /** The protected GitHub environment whose jobs may assume the deploy role (default `production`). */
  githubEnvironment: string;
  existingOidcProviderArn?: string;
  alarmEmail?: string;
  /** Attempts after the first before a date is quarantined (the functions' `MAX_RETRIES`). */
  maxRetries?: number;
  /**
   * The queues' MaximumMessageSize and the functions' `MAX_MESSAGE_BYTES`, one value (default
   * `queueDefinition.maximumMessageBytes`, at most 1 MiB).
   */
  maxMessageBytes?: number;
  scraperMaxConcurrency?: number;
}

/**
 * The whole pipeline in one stack: table and queues, the ingest and lake buckets, the functions (one per
 * app directory) with least-privilege roles and their alias `live`, the schedules, the ingest bucket's
 * notification and the alarms, the lake's Glue table, and the GitHub deploy role that later publishes the
 * functions' code and moves their aliases.
 */
export class PipelineStack extends Stack {
  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const data = new PipelineData(this, 'Data', {
      ...(props.maxMessageBytes === undefined ? {} : { maxMessageBytes: props.maxMessageBytes }),
    });
    const buckets = new PipelineBuckets(this, 'Buckets');
    const { functions, aliases } = new PipelineFunctions(this, 'Functions', {
      data,
      buckets,
      distDir: props.distDir,
      maxRetries: props.maxRetries ?? 5,
      scraperMaxConcurrency: props.scraperMaxConcurrency ?? 5,
    });
    new PipelineSchedules(this, 'Schedules', {
      dataClustering: aliases.data_clustering,
      retryRecheck: aliases.retry_recheck,
      lakeExport: aliases.lake_export,
    });
    new IngestTrigger(this, 'IngestTrigger', { bucket: buckets.ingest, target: aliases.csv_ingest });
    new LakeTable(this, 'Lake', { bucket: buckets.lake });
    const alarms = new PipelineAlarms(this, 'Alarms', {
      deadLetterQueue: data.deadLetterQueue,
      functions,
      ...(props.alarmEmail === undefined ? {} : { alarmEmail: props.alarmEmail }),
    });
    const deploy = new GithubDeployRole(this, 'GithubDeploy', {
      repository: props.githubRepository,
      environment: props.githubEnvironment,
      functions: Object.values(functions),
      ...(props.existingOidcProviderArn === undefined
        ? {}
        : { existingProviderArn: props.existingOidcProviderArn }),
    });
    new CfnOutput(this, 'DeployRoleArn', {
      value: deploy.role.roleArn,
      description: 'GitHub variable DEPLOY_ROLE_ARN',
    });
    new CfnOutput(this, 'TableName', { value: data.table.tableName });
    new CfnOutput(this, 'WorkQueueUrl', { value: data.workQueue.queueUrl });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: data.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarms.topic.topicArn });
    new CfnOutput(this, 'IngestBucketName', {
      value: buckets.ingest.bucketName,
      description: 'Upload CSV files under incoming/ (csv_ingest)',
    });
    new CfnOutput(this, 'LakeBucketName', { value: buckets.lake.bucketName });
    new CfnOutput(this, 'LakeTable', {
      value: `${lakeTableDefinition.database}.${lakeTableDefinition.table}`,
      description: 'The Athena table (Glue database.table) over the lake',
    });
  }
}
