import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ensureResources, startEmulators, type Emulators, type LocalResources } from '@gapless/local-stack';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleLambda } from '../src/bundleLambda.js';
import { noEnvironmentCredentials } from '../src/envCredentialProvider.js';
import { zipBudgetOf } from '../src/zipBudgets.js';

// The three pipeline functions, zipped exactly as `nx build` zips them, each run in a fresh Node process
// that has never seen the sources, against the embedded emulators: proves the size tricks (env-only
// credentials, bundled holiday table, per-function adapters) change nothing the pipeline does. A list, not
// apps/: these three are the scenario below (gaps found, queued, filled, rechecked). Every function's zip,
// whatever apps/ holds, is held to its budget.
const workspaceRoot = resolve(import.meta.dirname, '..', '..', '..');
const functions = ['data_clustering', 'scraper', 'retry_recheck'] as const;
type FunctionName = (typeof functions)[number];
const appsDir = join(workspaceRoot, 'apps');
// The generator and build tests of this project write probe functions (`zz_*`) under apps/ and remove them
// while this file runs beside them: they are not functions of the product.
const everyFunction = readdirSync(appsDir).filter(
  (name) => !name.startsWith('zz_') && existsSync(join(appsDir, name, 'src', 'index.ts')),
);
/** Zip sizes of the functions built so far, so the size check does not build the scenario's three again. */
const zipBytes = new Map<string, number>();
const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), 'nx-plugin-zips-'));
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
// A short Brazilian business-day series: Carnival, Good Friday and Corpus Christi all fall inside it.
const catalog = [
  { info_type: 'CURRENCY#USD', source: 'bcb-sgs', code: 1, calendar: 'BR-business', start: '2024-01-02' },
];

let emulators: Emulators;
let resources: LocalResources;

/** The environment Lambda would give the function; nothing else leaks in from this process (no HOME). */
function lambdaEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamoEndpoint,
    AWS_ENDPOINT_URL_SQS: emulators.sqsEndpoint,
    TABLE_NAME: resources.tableName,
    QUEUE_URL: resources.queueUrl,
    SOURCE_MODE: 'simulated',
    SERIES_CATALOG: JSON.stringify(catalog),
    ...extra,
  };
}

/**
 * fauxqs names its queues `http://sqs.<region>.localhost:<port>/...` and tells them apart by that host; the
 * SQS client sends to the queue URL's host, and `*.localhost` does not resolve on every machine. The
 * children load this first, so such names reach the loopback address (the bundle itself is untouched).
 */
const localhostResolver = join(scratch, 'localhost-resolves-to-loopback.mjs');
writeFileSync(
  localhostResolver,
  `import dns from 'node:dns';
const lookup = dns.lookup;
dns.lookup = (host, options, callback) =>
  lookup(host.endsWith('.localhost') ? '127.0.0.1' : host, options, callback);
`,
);

/** Imports the function's `index.mjs` in a fresh process and calls its handler once with `event`. */
async function invoke(name: FunctionName, event: unknown, env = lambdaEnv()): Promise<unknown> {
  const file = join(scratch, name, 'index.mjs');
  const script = `const { handler } = await import(${JSON.stringify(file)});
const result = await handler(JSON.parse(process.argv[1]), { getRemainingTimeInMillis: () => 60000 });
process.stdout.write('\\n' + JSON.stringify(result ?? null));`;
  const { stdout } = await run(
    process.execPath,
    [
      '--no-warnings',
      '--import',
      localhostResolver,
      '--input-type=module',
      '-e',
      script,
      JSON.stringify(event),
    ],
    { cwd: scratch, env },
  );
  // The function's own log lines (JSON too) come first; the result is the last line.
  return JSON.parse(stdout.trimEnd().split('\n').at(-1) ?? 'null');
}

/** Takes every message off the work queue as SQS would hand them to the scraper. */
async function drainQueue(): Promise<{ Records: unknown[] }> {
  const sqs = new SQSClient({
    endpoint: emulators.sqsEndpoint,
    region: 'us-east-1',
    credentials,
    useQueueUrlAsEndpoint: false,
  });
  const records: unknown[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: resources.queueUrl, MaxNumberOfMessages: 10 }),
    );
    if (Messages.length === 0) return { Records: records };
    for (const message of Messages) {
      records.push({
        messageId: message.MessageId,
        receiptHandle: message.ReceiptHandle,
        body: message.Body,
        attributes: { ApproximateReceiveCount: '1' },
        messageAttributes: {},
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:work',
        awsRegion: 'us-east-1',
      });
    }
  }
}

async function statusesOf(infoType: string): Promise<Record<string, number>> {
  const dynamo = new DynamoDBClient({ endpoint: emulators.dynamoEndpoint, region: 'us-east-1', credentials });
  const counts: Record<string, number> = {};
  let start: Record<string, never> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: resources.tableName,
        KeyConditionExpression: 'info_type = :p',
        ExpressionAttributeValues: { ':p': { S: infoType } },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      const status = item['status']?.S ?? 'none';
      counts[status] = (counts[status] ?? 0) + 1;
    }
    start = page.LastEvaluatedKey as typeof start;
  } while (start);
  return counts;
}

describe('the three pipeline zips against the emulators', () => {
  beforeAll(async () => {
    for (const name of functions) {
      const bundle = await bundleLambda(join(workspaceRoot, 'apps', name), join(scratch, 'zips', name));
      zipBytes.set(name, bundle.bytes);
      mkdirSync(join(scratch, name));
      const files = unzipSync(readFileSync(bundle.zipPath));
      writeFileSync(join(scratch, name, 'index.mjs'), files['index.mjs'] as Uint8Array);
    }
    emulators = await startEmulators();
    resources = await ensureResources(emulators);
  }, 120_000);

  afterAll(async () => {
    await emulators?.stop();
  });

  it('finds the gaps, fills them from the queue, and leaves nothing due for retry', async () => {
    // Act
    const clustering = (await invoke('data_clustering', { detail: {} })) as {
      series: { infoType: string; gaps: number }[];
    };
    const event = await drainQueue();
    const scraped = (await invoke('scraper', event)) as { batchItemFailures: unknown[] };
    const recheck = await invoke('retry_recheck', {});
    const statuses = await statusesOf('CURRENCY#USD');

    // Assess
    const [usd] = clustering.series;
    expect(usd?.infoType).toBe('CURRENCY#USD');
    expect(usd?.gaps).toBeGreaterThan(400);
    expect(event.Records.length).toBeGreaterThan(0);
    expect(scraped.batchItemFailures).toEqual([]);
    expect(statuses).toEqual({ OK: usd?.gaps });
    expect(recheck).toMatchObject({});
  }, 120_000);

  it('fails with a clear error, not a silent fallback, when the environment holds no credentials', async () => {
    // Prepare
    const env = lambdaEnv();
    delete env['AWS_ACCESS_KEY_ID'];
    delete env['AWS_SECRET_ACCESS_KEY'];

    // Act
    const failure = await invoke('data_clustering', {}, env).then(
      () => undefined,
      (error: { stderr?: string }) => error.stderr ?? '',
    );

    // Assess
    expect(failure).toContain(noEnvironmentCredentials.slice(0, 40));
  }, 60_000);

  it('refuses at init, naming the entry, a catalog entry on the simulated source when SOURCE_MODE is not set', async () => {
    // Prepare: production's environment (no SOURCE_MODE) with a simulated series in SERIES_CATALOG
    const env = lambdaEnv();
    delete env['SOURCE_MODE'];
    env['SERIES_CATALOG'] = JSON.stringify([
      { info_type: 'FUEL#DEMO', source: 'simulated', calendar: 'weekly', start: '2024-01-01' },
    ]);

    // Act
    const failure = await invoke('data_clustering', {}, env).then(
      () => 'started',
      (error: { stderr?: string }) => error.stderr ?? '',
    );

    // Assess
    expect(failure).toContain(
      'catalog entry FUEL#DEMO: source "simulated" is served only with SOURCE_MODE=simulated',
    );
  }, 60_000);
});

describe('every Lambda zip', () => {
  it.each(everyFunction)(
    '%s is within its size budget',
    async (name) => {
      // Act
      const bytes =
        zipBytes.get(name) ?? (await bundleLambda(join(appsDir, name), join(scratch, 'size', name))).bytes;

      // Assess
      expect(bytes).toBeGreaterThan(0);
      expect(bytes).toBeLessThanOrEqual(zipBudgetOf(name));
    },
    120_000,
  );
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));
