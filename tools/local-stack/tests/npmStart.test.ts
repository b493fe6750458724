import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunSummary } from '../src/runSummary.js';
import { temporaryDir } from './helpers.js';
import { runNpm } from './npmScript.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('npm start -s -- --json', () => {
  it('prints exactly one JSON document on stdout; the builds and Nx go to stderr', async () => {
    // Prepare
    const { dir, remove } = await temporaryDir();
    cleanups.push(remove);
    const files = ['--report', join(dir, 'report.html'), '--log', join(dir, 'functions.log')];

    // Act: the real command path (the zips' build through Nx, then the CLI), on one short series.
    const result = await runNpm([
      'start',
      '-s',
      '--',
      '--json',
      '--series',
      'CURRENCY#GBP',
      '--from',
      '2026-09-01',
      ...files,
    ]);

    // Assess
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as RunSummary;
    expect(summary.series.map((series) => series.infoType)).toEqual(['CURRENCY#GBP']);
    expect(summary.reportPath).toBe(join(dir, 'report.html'));
    expect(result.stderr).toContain('data_clustering:build');
    // The run's estimated AWS cost, from its own counts: every service once, a positive total.
    const services = summary.cost?.services.map((service) => service.service) ?? [];
    expect(summary.cost?.total_usd).toBeGreaterThan(0);
    expect(new Set(services).size).toBe(services.length);
    expect(services).toEqual(
      expect.arrayContaining([
        'lambda',
        'dynamodb',
        'sqs',
        'eventbridge',
        'cloudwatch_logs',
        'cloudwatch_metrics',
      ]),
    );
    expect(summary.usage?.dynamodb.writeUnits).toBeGreaterThan(0);
    expect(summary.cost?.region).toBe('us-east-1');
    // Every run ends with a lake export, built like the others.
    expect(result.stderr).toContain('lake_export:build');
    expect(summary.lakeExport?.error).toBeUndefined();
    expect(summary.lakeExport?.partitionsWritten).toBeGreaterThan(0);
  }, 180_000);
});
