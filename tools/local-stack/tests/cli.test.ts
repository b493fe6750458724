import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readFile } from 'node:fs/promises';
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
