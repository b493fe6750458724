import { join } from 'node:path';
import { maxMessageBytesVariable, queueDefinition, tableDefinition } from '@gapless/aws-adapters';
import { AssetHashType, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { bucketLayout } from './bucketLayout.js';
import { functionArchitecture, functionSettings } from './functionSettings.js';
import {
  type FunctionName,
  functionNames,
  functionPermissions,
  type FunctionPermissions,
} from './permissions.js';
import type { PipelineBuckets } from './pipelineBuckets.js';
import type { PipelineData } from './pipelineData.js';

/** What the functions need to know. */
export interface PipelineFunctionsProps {
  data: PipelineData;
  buckets: PipelineBuckets;
  /** Where `nx build` wrote `<name>/<name>.zip`. */
  distDir: string;
  maxRetries: number;
  /** Most scraper instances the queue may drive at once (protects the data source). */
  scraperMaxConcurrency: number;
}

/** The alias every trigger invokes. tools/sync-lambdas moves it after a smoke invocation; nothing here does. */
export const liveAlias = 'live';

/**
 * The functions (one per directory under `apps/`), each with its own role holding exactly the actions listed
 * in `functionPermissions` on its own resources, its own log group, and its alias `live`, which the
 * schedules, the scraper's SQS event source and the ingest bucket's notification invoke (never `$LATEST`).
 *
 * After the first `cdk deploy`, code and alias belong to tools/sync-lambdas: the code's asset hash is a
 * constant and version 1 and the alias never change in the template, so CloudFormation, which updates only
 * what changed in the template, neither replaces the code sync-lambdas uploaded nor moves the alias.
 */
export class PipelineFunctions extends Construct {
  readonly functions: Record<FunctionName, lambda.Function>;
  /** Each function's alias `live`. */
  readonly aliases: Record<FunctionName, lambda.Alias>;

  constructor(scope: Construct, id: string, props: PipelineFunctionsProps) {
    super(scope, id);
    const { table, workQueue } = props.data;
    // Every function gets the queue's own size limit: the senders split at it, the scraper validates with it.
    const shared = {
      TABLE_NAME: table.tableName,
      [maxMessageBytesVariable]: String(props.data.maxMessageBytes),
    };
    const environment: Record<FunctionName, Record<string, string>> = {
      data_clustering: { ...shared, QUEUE_URL: workQueue.queueUrl },
      scraper: { ...shared, MAX_RETRIES: String(props.maxRetries) },
      retry_recheck: { ...shared, QUEUE_URL: workQueue.queueUrl, MAX_RETRIES: String(props.maxRetries) },
      // The bucket comes with each S3 event; its size limit is the function's own default.
      csv_ingest: { ...shared },
      // The prefix is set, not left to the function's default: its role is scoped to this one.
      lake_export: {
        ...shared,
        LAKE_BUCKET: props.buckets.lake.bucketName,
        LAKE_PREFIX: bucketLayout.lake.export,
      },
    };
    const functions: Partial<Record<FunctionName, lambda.Function>> = {};
    const aliases: Partial<Record<FunctionName, lambda.Alias>> = {};
    for (const name of functionNames) {
      const fn = this.createFunction(name, environment[name], props);
      functions[name] = fn;
      aliases[name] = liveAliasOf(this, name, fn);
    }
    this.functions = functions as Record<FunctionName, lambda.Function>;
    this.aliases = aliases as Record<FunctionName, lambda.Alias>;
    this.aliases.scraper.addEventSource(
      new SqsEventSource(workQueue, {
        batchSize: queueDefinition.batchSize,
        reportBatchItemFailures: true,
        maxConcurrency: props.scraperMaxConcurrency,
      }),
    );
  }

  private createFunction(
    name: FunctionName,
    environment: Record<string, string>,
    props: PipelineFunctionsProps,
  ) {
    const logGroup = new logs.LogGroup(this, `${name}Logs`, {
      logGroupName: `/aws/lambda/${name}`,
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An explicit role without AWSLambdaBasicExecutionRole, whose log permissions reach every log group.
    const role = new iam.Role(this, `${name}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${name}: only the calls it makes`,
    });
    logGroup.grantWrite(role);
    addPermissions(role, functionPermissions[name], props);
    const { timeoutSeconds, memoryMb, description, reservedConcurrency, nodeOptions } =
      functionSettings[name];
    return new lambda.Function(this, name, {
      functionName: name,
      description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture:
        functionArchitecture === 'arm64' ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64,
      handler: 'index.handler',
      // The zip in dist/apps at the first deploy; a constant hash, so a later deploy never uploads another.
      code: lambda.Code.fromAsset(join(props.distDir, name, `${name}.zip`), {
        assetHashType: AssetHashType.CUSTOM,
        assetHash: initialCodeHash(name),
      }),
      timeout: Duration.seconds(timeoutSeconds),
      memorySize: memoryMb,
      role,
      logGroup,
      environment: nodeOptions === undefined ? environment : { ...environment, NODE_OPTIONS: nodeOptions },
      ...(reservedConcurrency === undefined ? {} : { reservedConcurrentExecutions: reservedConcurrency }),
    });
  }
}

/** The asset hash of a function's code in the template: the same on every synth, whatever the zip holds. */
export function initialCodeHash(name: string): string {
  return `${name}-initial-code`;
}

/**
 * Version 1 (published from the first deploy's code) and the alias `live` on it. Their properties never
 * change, so CloudFormation never updates them after creating them; renaming either (its logical id)
 * would make CloudFormation publish `$LATEST` anew and move the alias, so they keep these ids.
 */
function liveAliasOf(scope: Construct, name: string, fn: lambda.Function): lambda.Alias {
  const first = new lambda.Version(scope, `${name}Version1`, {
    lambda: fn,
    description: 'The code of the first cdk deploy; later versions are published by tools/sync-lambdas',
  });
  return new lambda.Alias(scope, `${name}Live`, { aliasName: liveAlias, version: first });
}

function addPermissions(
  role: iam.Role,
  allowed: FunctionPermissions,
  { data, buckets }: PipelineFunctionsProps,
): void {
  const indexArns = Object.values(tableDefinition.indexes).map(
    (i) => `${data.table.tableArn}/index/${i.name}`,
  );
  const statements: [readonly string[], string[]][] = [
    [allowed.table, [data.table.tableArn]],
    [allowed.tableIndexes, indexArns],
    [allowed.workQueue, [data.workQueue.queueArn]],
  ];
  // Object actions on the keys under their prefix only (`arn/prefix*`): csv_ingest may read uploads but not
  // overwrite them, and write copies and reports but not read them back.
  if (allowed.bucket !== undefined) {
    const { bucket, objects } = allowed.bucket;
    for (const [prefix, actions] of Object.entries(objects))
      statements.push([actions, [buckets.objectsArn(bucket, `${prefix}*`)]]);
  }
  for (const [actions, resources] of statements) {
    if (actions.length > 0) role.addToPolicy(new iam.PolicyStatement({ actions: [...actions], resources }));
  }
}
