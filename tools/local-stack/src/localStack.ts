import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { S3Client } from '@aws-sdk/client-s3';
import { readMaxMessageBytes } from '@gapless/aws-adapters';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startChaosProxy, type ChaosProxy } from './chaosProxy.js';
import { startEmulators, type Emulators } from './emulators.js';
import { LocalStackError } from './errors.js';
import { functionEnv, type FunctionEnvInput } from './functionEnv.js';
import { openFunctionLog, type FunctionLog, type FunctionLogLevels } from './functionLog.js';
import { createLambdaRunner, extractZip, type LambdaRunner } from './lambdaRunner.js';
import { ensureResources } from './resources.js';
import type { BucketNames } from './s3Buckets.js';
import type { S3RequestKind } from './s3RequestKind.js';
import { openStackBuckets } from './stackBuckets.js';
import type { SqsRequestCounts } from './sqsRequestCount.js';
import { readSourceRequestLog, startSourceRequestLog, type SourceRequestRecord } from './sourceRequestLog.js';
import { readAllItems, type PlainItem } from './tableReader.js';

/** The three pipeline functions, by the names of their app directories (and so of their zips). */
export const functionNames = ['data_clustering', 'scraper', 'retry_recheck'] as const;
export type FunctionName = (typeof functionNames)[number];
/**
 * The functions a run starts only when it uses them (`optionalFunctions`), so a dist dir holding only the
 * three pipeline zips (another build of them) still runs.
 */
export const optionalFunctionNames = ['csv_ingest', 'lake_export'] as const;
export type OptionalFunctionName = (typeof optionalFunctionNames)[number];

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
/** The stack's own SQS client (the poller, the dead-letter reads) signs with this key, not the functions'. */
const toolSqsCredentials = { accessKeyId: 'local-stack', secretAccessKey: 'local' };
/** Lambda's longest timeout: a hung ingest or export fails locally no later than it would on AWS. */
const optionalFunctionTimeoutMs = 900_000;

export interface LocalStackOptions {
  readonly distDir: string;
  readonly dataDir?: string;
  /** The functions' log file; undefined keeps no file. */
  readonly logPath?: string;
  /** Also hands every function log line here (the CLI's `--verbose`). */
  readonly echoLog?: (line: string) => void;
  /** The level the log file shows, and the level its volume is counted at (the deployed one). */
  readonly logLevels?: FunctionLogLevels;
  readonly unprocessedRate: number;
  readonly seed: number;
  readonly scraperConcurrency: number;
  readonly scraperTimeoutMs: number;
  /** Which of {@link optionalFunctionNames} to start too (their zips must be built). */
  readonly optionalFunctions?: readonly OptionalFunctionName[];
  /** The function environment, less what the stack itself knows (endpoints, names, its files). */
  readonly env: Omit<
    FunctionEnvInput,
    | 'tableName'
    | 'queueUrl'
    | 'dynamoEndpoint'
    | 'sqsEndpoint'
    | 's3Endpoint'
    | 'lakeBucket'
    | 'region'
    | 'sourceRequestLog'
  >;
}

/** A running local stack: emulators, the DynamoDB proxy, the table, queues and buckets, and the functions. */
export interface LocalStack {
  /** `dynamo` is the proxy the functions use; `dynamoDirect` is the emulator itself. */
  readonly endpoints: {
    readonly dynamo: string;
    readonly dynamoDirect: string;
    readonly sqs: string;
    /** fauxqs' S3, path-style (the same port as SQS). */
    readonly s3: string;
  };
  readonly region: string;
  readonly tableName: string;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly deadLetterQueueUrl: string;
  /** Clients on the emulators themselves (not through the proxy), for the stack's own reads. */
  readonly dynamo: DynamoDBClient;
  readonly sqs: SQSClient;
  /** Path-style, signed with the stack's own key (not counted in `s3Requests`). */
  readonly s3: S3Client;
  /** The ingest bucket (csv_ingest's uploads) and the lake bucket (lake_export's `LAKE_BUCKET`). */
  readonly buckets: BucketNames;
  readonly proxy: ChaosProxy;
  readonly log: FunctionLog;
  /** The three pipeline functions, and those of `optionalFunctions` that were asked for. */
  readonly functions: Readonly<
    Record<FunctionName, LambdaRunner> & Partial<Record<OptionalFunctionName, LambdaRunner>>
  >;
  /** S3 requests the functions made so far, by operation, as the emulator received them. */
  s3Requests(): Partial<Record<S3RequestKind, number>>;
  /**
   * SQS requests the functions made so far, as SQS bills them (the stack's own client, the poller's, signs
   * with another key and is not counted here).
   */
  functionSqsRequests(): SqsRequestCounts;
  /** The same, per function. */
  functionSqsRequestsByFunction(): ReadonlyMap<string, SqsRequestCounts>;
  /**
   * The simulated source's own log of the requests it received (`SIMULATED_SOURCE_LOG`):
   * `<dataDir>/source-requests.jsonl`, or a file in the stack's temporary directory without a data dir.
   */
  readonly sourceRequestLogPath: string;
  /** The requests the simulated source logged so far, in order. A real source's requests are not in it. */
  sourceRequests(): SourceRequestRecord[];
  readAllItems(): Promise<PlainItem[]>;
  /** Messages waiting in the dead-letter queue (visible or not). */
  deadLetterCount(): Promise<number>;
  /** The bodies in the dead-letter queue; they are hidden for a minute afterwards. */
  deadLetterBodies(): Promise<string[]>;
  /** Ends the functions, the proxy and the emulators and frees their ports; safe to call twice. */
  stop(): Promise<void>;
}

/** Starts everything a local run needs; on failure, whatever started is stopped again. */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const names = [...functionNames, ...(options.optionalFunctions ?? [])];
  const zips = await locateZips(options.distDir, names);
  const cleanups: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  };
  try {
    const emulators: Emulators = await startEmulators(options.dataDir ? { dataDir: options.dataDir } : {});
    cleanups.push(() => emulators.stop());
    const proxy = await startChaosProxy({
      target: emulators.dynamoEndpoint,
      unprocessedRate: options.unprocessedRate,
      seed: options.seed,
    });
    cleanups.push(() => proxy.stop());
    const region = 'us-east-1';
    // One message limit: the queue gets the size the functions are configured with.
    const maxMessageBytes = readMaxMessageBytes(options.env.extra ?? {});
    const resources = await ensureResources({
      dynamoEndpoint: emulators.dynamoEndpoint,
      sqsEndpoint: emulators.sqsEndpoint,
      region,
      maxMessageBytes,
    });
    const dynamo = new DynamoDBClient({ endpoint: emulators.dynamoEndpoint, region, credentials });
    // fauxqs names its queues `http://sqs.<region>.localhost:<port>/...` and finds them by that exact URL;
    // `*.localhost` does not resolve everywhere, so this client sends to the endpoint, not the URL's host.
    const sqs = new SQSClient({
      endpoint: emulators.sqsEndpoint,
      region,
      // Its own key: the emulator's SQS counts tell the poller's requests from the functions'.
      credentials: toolSqsCredentials,
      useQueueUrlAsEndpoint: false,
    });
    cleanups.push(async () => {
      dynamo.destroy();
      sqs.destroy();
    });
    const { s3, buckets, close } = await openStackBuckets(emulators.s3Endpoint, region, options.dataDir);
    cleanups.push(close);
    const log = openFunctionLog(options.logPath, options.echoLog, options.logLevels);
    cleanups.push(() => log.close());
    const codeRoot = await mkdtemp(join(tmpdir(), 'gapless-lambdas-'));
    cleanups.push(() => rm(codeRoot, { recursive: true, force: true }));
    // Absolute: the functions run in their own code directories. Emptied per run, like the functions' log.
    const sourceRequestLogPath = resolve(options.dataDir ?? codeRoot, 'source-requests.jsonl');
    startSourceRequestLog(sourceRequestLogPath);
    const env = functionEnv({
      ...options.env,
      extra: { MAX_MESSAGE_BYTES: String(maxMessageBytes), ...options.env.extra },
      sourceRequestLog: sourceRequestLogPath,
      tableName: resources.tableName,
      queueUrl: resources.queueUrl,
      dynamoEndpoint: proxy.endpoint,
      sqsEndpoint: emulators.sqsEndpoint,
      s3Endpoint: emulators.s3Endpoint,
      lakeBucket: buckets.lake,
      region,
    });
    const functions = {} as Record<FunctionName, LambdaRunner> &
      Partial<Record<OptionalFunctionName, LambdaRunner>>;
    for (const name of names) {
      const codeDir = join(codeRoot, name);
      await extractZip(zips[name] as string, codeDir);
      const scraper = name === 'scraper';
      const optional = (optionalFunctionNames as readonly string[]).includes(name);
      const runner = createLambdaRunner({
        name,
        codeDir,
        env,
        timeoutMs: scraper ? options.scraperTimeoutMs : optional ? optionalFunctionTimeoutMs : 120_000,
        maxConcurrency: scraper ? options.scraperConcurrency : 1,
        onOutput: log.sink(name),
      });
      functions[name] = runner;
      cleanups.push(() => runner.stop());
    }
    const queueArn = await arnOf(sqs, resources.queueUrl);
    return {
      endpoints: {
        dynamo: proxy.endpoint,
        dynamoDirect: emulators.dynamoEndpoint,
        sqs: emulators.sqsEndpoint,
        s3: emulators.s3Endpoint,
      },
      region,
      tableName: resources.tableName,
      queueUrl: resources.queueUrl,
      queueArn,
      deadLetterQueueUrl: resources.deadLetterQueueUrl,
      dynamo,
      sqs,
      s3,
      buckets,
      proxy,
      log,
      functions,
      s3Requests: () => ({ ...emulators.s3Requests().get(credentials.accessKeyId) }),
      functionSqsRequests: () => emulators.sqsRequests(credentials.accessKeyId),
      functionSqsRequestsByFunction: () => emulators.sqsRequestsByFunction(credentials.accessKeyId),
      sourceRequestLogPath,
      sourceRequests: () => readSourceRequestLog(sourceRequestLogPath),
      readAllItems: () => readAllItems(dynamo, resources.tableName),
      deadLetterCount: () => messageCount(sqs, resources.deadLetterQueueUrl),
      deadLetterBodies: () => drainBodies(sqs, resources.deadLetterQueueUrl),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function locateZips(distDir: string, names: readonly string[]): Promise<Record<string, string>> {
  const zips: Record<string, string> = {};
  for (const name of names) {
    const path = join(distDir, name, `${name}.zip`);
    try {
      await access(path);
    } catch {
      throw new LocalStackError(
        `${path} not found: build the functions first (npx nx run-many -t build, or npm start which does it)`,
      );
    }
    zips[name] = path;
  }
  return zips;
}

async function arnOf(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  return Attributes?.QueueArn ?? `arn:aws:sqs:us-east-1:000000000000:${queueUrl.split('/').pop() ?? ''}`;
}

async function messageCount(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes: a = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0);
}

async function drainBodies(sqs: SQSClient, queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }),
    );
    if (Messages.length === 0) return bodies;
    bodies.push(...Messages.map((message) => message.Body ?? ''));
  }
}
