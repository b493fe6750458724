import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planDeployment } from '../src/plan.js';
import { listen, type LocalServer } from './listen.js';
import { runZipOnce } from './runZipOnce.js';

const root = resolve(import.meta.dirname, '..', '..', '..');
const appsDir = join(root, 'apps');
const distDir = join(root, 'dist', 'apps');
const functions = readdirSync(appsDir).filter((name) => existsSync(join(appsDir, name, 'src', 'index.ts')));

/** What each function answers its smoke event (a subset: the plan's counts depend on the table). */
const expectedAnswers: Readonly<Record<string, object>> = {
  scraper: { batchItemFailures: [] },
  retry_recheck: { mode: 'plan', due: 0, messages: 0 },
  data_clustering: { mode: 'plan' },
  csv_ingest: { files: [] },
  // An empty table: nothing to write for the series it plans.
  lake_export: { mode: 'plan', partitionsWritten: 0, bytesWritten: 0 },
};

// Every read the functions may make while planning; anything else a smoke event makes them send is a write.
// S3 (a REST protocol, no target header) is recorded as `METHOD /bucket/key`: GET and HEAD read.
const reads = new Set([
  'DynamoDB_20120810.Query',
  'DynamoDB_20120810.GetItem',
  'DynamoDB_20120810.BatchGetItem',
]);
const isRead = (target: string) => reads.has(target) || /^(GET|HEAD) \//.test(target);

/**
 * DynamoDB and SQS (both JSON protocols) on loopback: answers every read with nothing, records every call,
 * S3's too (answered with an empty JSON body no S3 call accepts: a smoke event needs none).
 */
async function startRecordingAws(): Promise<LocalServer & { targets: string[] }> {
  const targets: string[] = [];
  const server = await listen((req, res) => {
    const target = String(req.headers['x-amz-target'] ?? `${req.method} ${req.url}`);
    targets.push(target);
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    if (target === 'DynamoDB_20120810.Query') res.end('{"Items":[],"Count":0,"ScannedCount":0}');
    else if (target.startsWith('AmazonSQS.')) res.end('{"Successful":[],"Failed":[]}');
    else res.end('{}');
  });
  return { ...server, targets };
}

// The built zips (`nx build`, which this project's test target depends on), each run in a fresh Node
// process with the environment tools/infra gives it, the AWS endpoints pointing at the recorder.
describe('each function answers its smoke event from its built zip, with no write and no send', () => {
  let aws: Awaited<ReturnType<typeof startRecordingAws>>;
  beforeAll(async () => {
    aws = await startRecordingAws();
  });
  afterAll(async () => aws.close());

  it.each(functions)(
    '%s',
    async (name) => {
      // Prepare
      const [target] = await planDeployment('list', [name], {
        appsDir,
        distDir,
        listAffected: async () => [],
      });
      const zip = new Uint8Array(await readFile(target?.zipPath ?? ''));
      const env = {
        AWS_LAMBDA_FUNCTION_NAME: name,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIDSMOKE',
        AWS_SECRET_ACCESS_KEY: 'smoke-secret',
        AWS_ENDPOINT_URL: aws.url,
        TABLE_NAME: 'gapless',
        QUEUE_URL: `${aws.url}/123456789012/gapless-work`,
        MAX_RETRIES: '5',
        MAX_MESSAGE_BYTES: '262144',
        LAKE_BUCKET: 'gapless-lake-smoke',
        LAKE_PREFIX: 'lake/',
        POWERTOOLS_LOG_LEVEL: 'WARN',
      };
      aws.targets.length = 0;

      // Act
      const answer = await runZipOnce(zip, target?.smokeEvent ?? '', env);

      // Assess
      expect(answer.functionError, answer.payload).toBeUndefined();
      expect(JSON.parse(answer.payload)).toMatchObject(expectedAnswers[name] ?? {});
      expect(aws.targets.filter((t) => !isRead(t))).toEqual([]);
    },
    60_000,
  );

  it('knows what every function answers', () => {
    // Assess
    expect(Object.keys(expectedAnswers).sort()).toEqual([...functions].sort());
  });
});
