import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../src/cli.js';
import { startEmulators } from '../src/emulators.js';
import type { RunSummary } from '../src/runSummary.js';
import { spawnCli } from './cliProcess.js';
import { temporaryDir } from './helpers.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const { dir, remove } = await temporaryDir();
  cleanups.push(remove);
  return dir;
}

/** Runs the CLI in-process and collects what it prints. */
async function runCli(argv: string[], env: Record<string, string | undefined> = {}, cwd = process.cwd()) {
  const output = { out: '', err: '' };
  const io: CliIo = {
    out: (text) => (output.out += text),
    err: (text) => (output.err += text),
    env,
    cwd,
  };
  const code = await main(argv, io);
  return { code, ...output };
}

describe('cli run --json', () => {
  it('prints the run summary as JSON on stdout and nothing else', async () => {
    // Prepare
    const dir = await tempDir();

    // Act
    const cli = spawnCli([
      '--json',
      '--series',
      'CURRENCY#GBP',
      '--from',
      '2026-09-01',
      '--report',
      join(dir, 'report.html'),
      '--log',
      join(dir, 'functions.log'),
    ]);
    const code = await cli.exited;

    // Assess
    expect(code, cli.output.stderr).toBe(0);
    const summary = JSON.parse(cli.output.stdout) as RunSummary;
    expect(summary.converged).toBe(true);
    expect(summary.series.map((series) => series.infoType)).toEqual(['CURRENCY#GBP']);
    expect(summary.totals.ok).toBe(summary.totals.expected);
    expect(summary.reportPath).toBe(join(dir, 'report.html'));
    expect(await readFile(join(dir, 'report.html'), 'utf8')).toContain('<html');
  }, 60_000);

  it('refuses an unknown option with the usage and exit code 2', async () => {
    // Act
    const result = await runCli(['--cycle', '3']);

    // Assess
    expect(result.code).toBe(2);
    expect(result.err).toContain("Unknown option '--cycle'");
    expect(result.err).toContain('Usage:');
  });
});

describe('cli setup', () => {
  it('refuses an existing table whose schema differs, and names the difference', async () => {
    // Prepare
    const emulators = await startEmulators();
    cleanups.push(() => emulators.stop());
    const client = new DynamoDBClient({
      endpoint: emulators.dynamoEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    cleanups.push(async () => client.destroy());
    await client.send(
      new CreateTableCommand({
        TableName: 'gapless',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
    const env = {
      AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamoEndpoint,
      AWS_ENDPOINT_URL_SQS: emulators.sqsEndpoint,
    };

    // Act
    const result = await runCli(['setup'], env);

    // Assess
    expect(result.code).toBe(1);
    expect(result.err).toContain('refusing to touch table gapless');
    expect(result.err).toContain('key schema is id HASH');
  });

  it('creates the table and queues on the endpoints the standard variables name', async () => {
    // Prepare
    const emulators = await startEmulators();
    cleanups.push(() => emulators.stop());
    const env = {
      AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamoEndpoint,
      AWS_ENDPOINT_URL_SQS: emulators.sqsEndpoint,
    };

    // Act
    const first = await runCli(['setup'], env);
    const again = await runCli(['setup'], env);

    // Assess
    expect(first.code, first.err).toBe(0);
    expect(first.out).toContain('table gapless ready');
    expect(first.out).toContain('gapless-work-dlq');
    expect(again.code, again.err).toBe(0);
  });
});

describe('cli quarantine', () => {
  it('lists the quarantined dates of a run and releases them for the next run', async () => {
    // Prepare
    const dir = await tempDir();
    const dataDir = join(dir, 'data');
    const common = ['--series', 'CURRENCY#GBP', '--from', '2026-11-02', '--data-dir', dataDir, '--quiet'];
    const files = ['--report', join(dir, 'report.html'), '--log', join(dir, 'functions.log')];

    // Act
    const failing = await runCli([...common, ...files, '--faults', '{"error":1}', '--max-retries', '0']);

    // Assess
    expect(failing.code, failing.err).toBe(0);

    // Act
    const listed = await runCli(['quarantine', 'list', '--data-dir', dataDir, '--json']);
    const items = JSON.parse(listed.out) as {
      infoType: string;
      date: string;
      status: string;
      retryCount: number;
      lastError: string;
    }[];
    const released = await runCli([
      'quarantine',
      'release',
      '--series',
      'CURRENCY#GBP',
      '--all',
      '--data-dir',
      dataDir,
    ]);
    const after = await runCli(['quarantine', 'list', '--series', 'CURRENCY#GBP', '--data-dir', dataDir]);
    const healed = await runCli([...common, ...files, '--json']);

    // Assess
    expect(items.length).toBeGreaterThan(5);
    expect(
      items.every(
        (item) => item.infoType === 'CURRENCY#GBP' && item.status === 'QUARANTINED' && item.retryCount === 0,
      ),
    ).toBe(true);
    expect(items[0]?.lastError).toContain('simulated server error');
    expect(released.out).toContain(`released ${items.length} date(s) of CURRENCY#GBP`);
    expect(after.out).toBe('no quarantined dates\n');
    const summary = JSON.parse(healed.out) as RunSummary;
    expect(summary.totals.ok).toBe(summary.totals.expected);
    expect(summary.totals.quarantined).toBe(0);
  }, 60_000);
});

describe('cli run --ingest', () => {
  it('refuses a missing file by name, with the usage and exit code 2, before starting anything', async () => {
    // Act
    const cli = spawnCli(['--ingest', 'no-such-history.csv', '--json']);
    const code = await cli.exited;

    // Assess
    expect(code).toBe(2);
    expect(cli.output.stderr).toContain('--ingest no-such-history.csv: no such file');
    expect(cli.output.stderr).toContain('--ingest FILE');
    expect(cli.output.stdout).toBe('');
  });

  it('refuses a directory', async () => {
    // Prepare
    const dir = await tempDir();

    // Act
    const result = await runCli(['--ingest', dir]);

    // Assess
    expect(result.code).toBe(2);
    expect(result.err).toContain(`--ingest ${dir}: not a file`);
  });

  it('loads the file before the cycles and ends with a lake export, in the JSON, the text and the report', async () => {
    // Prepare
    const dir = await tempDir();
    const file = join(dir, 'gbp history.csv');
    await writeFile(
      file,
      'info_type,date,value\nCURRENCY#GBP,2014-06-02,5.1\nCURRENCY#GBP,2014-06-07,5.2\nNOPE#X,2014-06-02,1\n',
    );
    const common = ['--series', 'CURRENCY#GBP', '--from', '2026-11-02', '--ingest', file];
    const files = (name: string) => [
      '--report',
      join(dir, name, 'report.html'),
      '--log',
      join(dir, name, 'functions.log'),
    ];

    // Act
    const cli = spawnCli([...common, ...files('json'), '--json']);
    const code = await cli.exited;
    const text = await runCli([...common, ...files('text'), '--quiet']);

    // Assess
    expect(code, cli.output.stderr).toBe(0);
    const summary = JSON.parse(cli.output.stdout) as RunSummary;
    expect(summary.ingest).toMatchObject({
      rowsRead: 3,
      rowsWritten: 1,
      rowsRejected: 2,
      rejectedKeys: ['rejected/gbp history.csv.rejected.csv'],
      files: [{ key: 'incoming/gbp history.csv', status: 'ingested', file }],
    });
    expect(summary.lakeExport?.partitionsWritten).toBeGreaterThanOrEqual(2);
    expect(summary.lakeExport?.series.map((series) => series.infoType)).toEqual(['CURRENCY#GBP']);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toContain(
      'ingest: 1 file(s), 3 rows read, 1 written (0 over OK values), 0 skipped (already OK), 2 rejected',
    );
    expect(text.out).toMatch(/lake export: \d+ partition\(s\) written/);
    const report = await readFile(join(dir, 'json', 'report.html'), 'utf8');
    expect(report).toContain('<code>incoming/gbp history.csv</code>');
    expect(report).toContain('<dt>Rows rejected</dt><dd>2</dd>');
    expect(report).toContain('<dt>Partitions exported</dt>');
  }, 120_000);
});
