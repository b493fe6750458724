import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createDynamoSeriesStore } from '@gapless/aws-adapters';
import type { SeriesDefinition, SeriesStore } from '@gapless/pipeline-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChaosProxy, type ChaosProxy } from './chaosProxy.js';
import { startEmulators } from './emulators.js';
import { functionEnv } from './functionEnv.js';
import { openFunctionLog } from './functionLog.js';
import { createLambdaRunner, extractZip } from './lambdaRunner.js';
import { ensureResources } from './resources.js';

export interface ClusteringStackOptions {
  /** The catalog the function gets (`SERIES_CATALOG`: an environment variable, so about 1,200 series at most). */
  readonly catalog: readonly SeriesDefinition[];
  /** Share of the function's item calls the proxy answers with DynamoDB's throttling error (default 0). */
  readonly throttleRate?: number;
  readonly seed?: number;
  /** Where the built zips are (default `<repo>/dist/apps`). */
  readonly distDir?: string;
}

/** data_clustering alone on the emulators, its DynamoDB calls through the observing proxy. */
export interface ClusteringStack {
  /** What the function's DynamoDB calls cross: counts by operation, throttled answers. */
  readonly proxy: ChaosProxy;
  /** The table's store on the emulator itself, not through the proxy: to set a table up and check it. */
  readonly store: SeriesStore;
  /**
   * Invokes data_clustering from its built zip, in a process of its own as one Lambda execution environment
   * (the first invocation is the cold start); rejects with an InvocationError when the handler throws.
   */
  invoke(event?: unknown): Promise<unknown>;
  /** Messages waiting in the work queue. */
  queuedMessages(): Promise<number>;
  /** The last ERROR lines the function logged (`data_clustering: message`). */
  errorLines(): readonly string[];
  /** Ends the function's process, the proxy and the emulators; safe to call twice. */
  stop(): Promise<void>;
}

const region = 'us-east-1';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Starts the emulators, the DynamoDB proxy (throttling a seeded share of calls when asked), the table and
 * queues, and data_clustering from its built zip with the production environment pointed at them: the
 * function builds its clients as in AWS (its DynamoDB retry included). For scale and throttling checks of
 * one function; `runLocalPipeline` runs the whole pipeline.
 */
export async function startClusteringStack(options: ClusteringStackOptions): Promise<ClusteringStack> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  };
  try {
    const emulators = await startEmulators();
    cleanups.push(() => emulators.stop());
    const proxy = await startChaosProxy({
      target: emulators.dynamoEndpoint,
      throttleRate: options.throttleRate ?? 0,
      seed: options.seed ?? 1,
    });
    cleanups.push(() => proxy.stop());
    const resources = await ensureResources({
      dynamoEndpoint: emulators.dynamoEndpoint,
      sqsEndpoint: emulators.sqsEndpoint,
      region,
    });
    const dynamo = new DynamoDBClient({ endpoint: emulators.dynamoEndpoint, region, credentials });
    const sqs = new SQSClient({
      endpoint: emulators.sqsEndpoint,
      region,
      credentials,
      useQueueUrlAsEndpoint: false,
    });
    cleanups.push(async () => {
      dynamo.destroy();
      sqs.destroy();
    });
    const codeDir = await mkdtemp(join(tmpdir(), 'gapless-clustering-'));
    cleanups.push(() => rm(codeDir, { recursive: true, force: true }));
    const distDir = options.distDir ?? join(repoRoot, 'dist', 'apps');
    await extractZip(join(distDir, 'data_clustering', 'data_clustering.zip'), join(codeDir, 'code'));
    const log = openFunctionLog(undefined);
    const runner = createLambdaRunner({
      name: 'data_clustering',
      codeDir: join(codeDir, 'code'),
      env: functionEnv({
        tableName: resources.tableName,
        queueUrl: resources.queueUrl,
        dynamoEndpoint: proxy.endpoint,
        sqsEndpoint: emulators.sqsEndpoint,
        region,
        sourceMode: 'simulated',
        simulatedFaults: '{}',
        sourceRequestLog: join(codeDir, 'source-requests.jsonl'),
        catalog: options.catalog,
        logLevel: 'WARN',
        pendingTimeoutSeconds: 900,
        inflightTimeoutSeconds: 900,
      }),
      // As the infrastructure gives data_clustering: one environment (reserved concurrency 1), 300 s.
      timeoutMs: 300_000,
      maxConcurrency: 1,
      onOutput: log.sink('data_clustering'),
    });
    cleanups.push(() => runner.stop());
    return {
      proxy,
      store: createDynamoSeriesStore({ tableName: resources.tableName, client: dynamo }),
      invoke: (event = {}) => runner.invoke(event),
      queuedMessages: async () => {
        const { Attributes = {} } = await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: resources.queueUrl,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        );
        return (
          Number(Attributes.ApproximateNumberOfMessages ?? 0) +
          Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
        );
      },
      errorLines: () => log.errors(),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
