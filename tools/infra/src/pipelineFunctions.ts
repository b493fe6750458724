import { join } from 'node:path';
import { maxMessageBytesVariable, queueDefinition, tableDefinition } from '@gapless/aws-adapters';
import { AssetHashType, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type FunctionName, functionNames, functionPermissions } from './permissions.js';
import type { PipelineData } from './pipelineData.js';

/** What the functions need to know. */
export interface PipelineFunctionsProps {
  data: PipelineData;
  /** Where `nx build` wrote `<name>/<name>.zip`. */
  distDir: string;
  maxRetries: number;
  /** Most scraper instances the queue may drive at once (protects the data source). */
  scraperMaxConcurrency: number;
}

// The scheduled functions run one at a time (reserved concurrency 1): two overlapping clustering runs could
// open two leases over the same dates when their streams start on different dates, and each lease's first
// request would count once for dates asked twice (docs/DESIGN.md, "Races"). Recheck runs may overlap safely.
const settings: Record<
  FunctionName,
  { timeoutSeconds: number; memoryMb: number; description: string; reservedConcurrency?: number }
> = {
  data_clustering: {
    timeoutSeconds: 300,
    memoryMb: 512,
    description: 'Finds missing dates and enqueues them',
    reservedConcurrency: 1,
  },
  scraper: {
    timeoutSeconds: queueDefinition.scraperTimeoutSeconds,
    memoryMb: 512,
    description: 'Downloads queued date ranges and writes them to the table',
  },
  retry_recheck: {
    timeoutSeconds: 300,
    memoryMb: 256,
    description: 'Re-enqueues due retries, quarantines the rest',
    reservedConcurrency: 1,
  },
};

/** The alias every trigger invokes. tools/sync-lambdas moves it after a smoke invocation; nothing here does. */
export const liveAlias = 'live';

/**
 * The functions (one per directory under `apps/`), each with its own role holding exactly the actions listed
 * in `functionPermissions` on its own resources, its own log group, and its alias `live`, which the
 * schedules and the scraper's SQS event source invoke (never `$LATEST`).
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
    addPermissions(role, name, props.data);
    const { timeoutSeconds, memoryMb, description, reservedConcurrency } = settings[name];
    return new lambda.Function(this, name, {
      functionName: name,
      description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
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
      environment,
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

function addPermissions(role: iam.Role, name: FunctionName, data: PipelineData): void {
  const allowed = functionPermissions[name];
  const indexArns = Object.values(tableDefinition.indexes).map(
    (i) => `${data.table.tableArn}/index/${i.name}`,
  );
  const statements: [readonly string[], string[]][] = [
    [allowed.table, [data.table.tableArn]],
    [allowed.tableIndexes, indexArns],
    [allowed.workQueue, [data.workQueue.queueArn]],
  ];
  for (const [actions, resources] of statements) {
    if (actions.length > 0) role.addToPolicy(new iam.PolicyStatement({ actions: [...actions], resources }));
  }
}
