import { join } from 'node:path';
import { maxMessageBytesVariable, queueDefinition, tableDefinition } from '@gapless/aws-adapters';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type FunctionName, functionPermissions } from './permissions.js';
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

/**
 * The three functions, each with its own role holding exactly the actions listed in `functionPermissions`
 * on its own resources, its own log group, and the scraper's SQS event source.
 */
export class PipelineFunctions extends Construct {
  readonly functions: Record<FunctionName, lambda.Function>;

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
    const make = (name: FunctionName) => this.createFunction(name, environment[name], props);
    this.functions = {
      data_clustering: make('data_clustering'),
      scraper: make('scraper'),
      retry_recheck: make('retry_recheck'),
    };
    this.functions.scraper.addEventSource(
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
      code: lambda.Code.fromAsset(join(props.distDir, name, `${name}.zip`)),
      timeout: Duration.seconds(timeoutSeconds),
      memorySize: memoryMb,
      role,
      logGroup,
      environment,
      ...(reservedConcurrency === undefined ? {} : { reservedConcurrentExecutions: reservedConcurrency }),
    });
  }
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
