import { unzipSync } from 'fflate';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LakeExportReport } from '../src/exportLake.js';
import {
  credentials,
  downloadLake,
  putItems,
  seededItems,
  startLakeEmulators,
  type LakeEmulators,
} from './lakeFixture.js';
import { readLakeWithDuckDb, tableDigests } from './lakeDigests.js';

// The function as it ships: zipped by the build target's own script (into a scratch directory), loaded in
// a fresh Node process that has never seen the sources, invoked with an event shaped as EventBridge
// Scheduler sends it, against dynalite and fauxqs's S3.
const workspaceRoot = resolve(import.meta.dirname, '..', '..', '..');
const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), 'lake-export-zip-'));
const zipBudgetBytes = 400_000;
const catalog = [
  { info_type: 'CURRENCY#USD', source: 'bcb-sgs', code: 1, calendar: 'BR-business', start: '2022-12-01' },
  { info_type: 'FUEL#DIESEL', source: 'ipea', code: 'ANP_PROLDIE', calendar: 'annual', start: '2022-01-01' },
];
const scheduledEvent = {
  version: '0',
  id: '6c8f2a3e-1b7d-4b59-9c1e-0f2b8a7d4e11',
  'detail-type': 'Scheduled Event',
  source: 'aws.scheduler',
  account: '000000000000',
  time: '2024-03-01T04:00:00Z',
  region: 'us-east-1',
  resources: ['arn:aws:scheduler:us-east-1:000000000000:schedule/default/lake_export'],
  detail: '{}',
};

let emulators: LakeEmulators;
let zipBytes = 0;

/** The environment Lambda would give the function; nothing else leaks in from this process (no HOME). */
function lambdaEnv(): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamoEndpoint,
    AWS_ENDPOINT_URL_S3: emulators.s3Endpoint,
    TABLE_NAME: emulators.tableName,
    LAKE_BUCKET: emulators.bucket,
    SERIES_CATALOG: JSON.stringify(catalog),
  };
}

/** Imports the zip's `index.mjs` in a fresh process and calls its handler once with `event`. */
async function invoke(event: unknown): Promise<unknown> {
  const file = join(scratch, 'lake_export', 'index.mjs');
  const script = `const { handler } = await import(${JSON.stringify(file)});
const result = await handler(JSON.parse(process.argv[1]), { getRemainingTimeInMillis: () => 300000 });
process.stdout.write('\\n' + JSON.stringify(result ?? null));`;
  const { stdout } = await run(
    process.execPath,
    ['--no-warnings', '--input-type=module', '-e', script, JSON.stringify(event)],
    { cwd: scratch, env: lambdaEnv() },
  );
  // The function's own log lines (JSON too) come first; the result is the last line.
  return JSON.parse(stdout.trimEnd().split('\n').at(-1) ?? 'null');
}

beforeAll(async () => {
  const out = join(scratch, 'zip');
  await run(
    join(workspaceRoot, 'node_modules', '.bin', 'tsx'),
    ['tools/nx-plugin/bin/buildLambda.ts', 'apps/lake_export', '--out', out],
    { cwd: workspaceRoot },
  );
  const zipPath = join(out, 'lake_export.zip');
  zipBytes = statSync(zipPath).size;
  const files = unzipSync(readFileSync(zipPath));
  mkdirSync(join(scratch, 'lake_export'));
  writeFileSync(join(scratch, 'lake_export', 'index.mjs'), files['index.mjs'] as Uint8Array);
  emulators = await startLakeEmulators();
  await putItems(emulators, seededItems());
}, 180_000);

afterAll(async () => {
  await emulators?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('the lake_export zip', () => {
  it('fits its budget', () => {
    // Assess
    expect(zipBytes).toBeGreaterThan(0);
    expect(zipBytes).toBeLessThanOrEqual(zipBudgetBytes);
  });

  it('answers its smoke plan writing nothing, then exports on a scheduled event what DuckDB reads back as the table', async () => {
    // Act
    const plan = (await invoke({ mode: 'plan', series: ['CURRENCY#USD'] })) as LakeExportReport;
    const keysAfterPlan = await downloadLake(emulators, 'lake/', join(scratch, 'plan'));
    const report = (await invoke(scheduledEvent)) as LakeExportReport;
    const dir = join(scratch, 'lake');
    const keys = await downloadLake(emulators, 'lake/', dir);
    const lake = await readLakeWithDuckDb(dir, keys);

    // Assess
    expect(plan).toMatchObject({ mode: 'plan', partitionsWritten: 3 });
    expect(keysAfterPlan).toEqual([]);
    expect(report.partitionsWritten).toBe(6);
    expect(keys).toEqual(report.series.flatMap((one) => one.keys).sort());
    expect(lake.digests).toEqual(await tableDigests(emulators, ['CURRENCY#USD', 'FUEL#DIESEL']));
  }, 120_000);
});
