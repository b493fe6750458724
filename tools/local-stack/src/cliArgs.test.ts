import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCli } from './cliArgs.js';
import { UsageError } from './errors.js';

const cwd = '/home/user/gapless';

describe('parseCli', () => {
  it('runs by default with the documented defaults', () => {
    // Act
    const command = parseCli([], cwd);

    // Assess
    expect(command).toMatchObject({
      kind: 'run',
      options: {
        quiet: false,
        json: false,
        reportPath: '/home/user/gapless/.local-stack/report.html',
        pipeline: { source: 'simulated', maxCycles: 50, seed: 42, concurrency: 2, logLevel: 'WARN' },
      },
    });
  });

  it('reads the run options', () => {
    // Act
    const command = parseCli(
      [
        'run',
        '--series',
        'CURRENCY#USD, FUEL#DIESEL',
        '--from',
        '2024-01-02',
        '--data-dir',
        'data',
        '--cycles',
        '5',
        '--fault-rate',
        '0.3',
        '--verbose',
      ],
      cwd,
    );

    // Assess
    expect(command).toMatchObject({
      kind: 'run',
      options: {
        verbose: true,
        pipeline: {
          series: ['CURRENCY#USD', 'FUEL#DIESEL'],
          from: '2024-01-02',
          dataDir: '/home/user/gapless/data',
          maxCycles: 5,
          logLevel: 'DEBUG',
          faults: { error: 0.06, timeout: 0.06, throttle: 0.06, null: 0.06, malformed: 0.06 },
        },
      },
    });
  });

  it('--chaos turns on every chaos hook and 30% source faults', () => {
    // Act
    const command = parseCli(['--chaos'], cwd);

    // Assess
    expect(command.kind === 'run' && command.options.pipeline.chaos).toEqual({
      unprocessedRate: 0.1,
      duplicateRate: 0.1,
      crashRate: 0.1,
    });
    expect(command.kind === 'run' && command.options.pipeline.faults?.error).toBeCloseTo(0.06);
  });

  it('reads quarantine release ranges', () => {
    // Act
    const single = parseCli(
      ['quarantine', 'release', '--series', 'CURRENCY#USD', '--date', '2024-01-02'],
      cwd,
    );
    const all = parseCli(['quarantine', 'release', '--series', 'X#Y', '--all'], cwd);

    // Assess
    expect(single).toMatchObject({
      kind: 'quarantine-release',
      series: 'CURRENCY#USD',
      range: { from: '2024-01-02', to: '2024-01-02' },
    });
    expect(all).toMatchObject({ range: {} });
  });

  it.each([
    [['--source', 'bcb'], '--source must be simulated or live'],
    [['--from', '2024-02-30'], '--from must be a date'],
    [['--cycles', '0'], '--cycles must be an integer from 1'],
    [['--faults', '{"errors":0.1}'], 'unknown key(s) errors'],
    [['--faults', '{}', '--fault-rate', '0.1'], 'not both'],
    [['quarantine', 'release', '--series', 'X#Y'], 'exactly one of'],
    [['quarantine'], 'list or release'],
    [['deploy'], 'unknown command "deploy"'],
    [['--ingest', 'missing.csv'], '--ingest missing.csv: no such file'],
  ])('refuses %j with a specific message', (argv, message) => {
    // Act / Assess
    expect(() => parseCli(argv, cwd)).toThrow(UsageError);
    expect(() => parseCli(argv, cwd)).toThrow(message);
  });

  it('takes --ingest more than once, as files resolved against the working directory', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'cli-args-'));
    writeFileSync(join(dir, 'a.csv'), 'info_type,date,value\n');
    writeFileSync(join(dir, 'b.csv'), 'info_type,date,value\n');

    // Act
    const command = parseCli(['--ingest', 'a.csv', '--ingest', join(dir, 'b.csv')], dir);
    const without = parseCli([], dir);
    rmSync(dir, { recursive: true });

    // Assess
    expect(command).toMatchObject({
      kind: 'run',
      options: { pipeline: { ingest: [join(dir, 'a.csv'), join(dir, 'b.csv')] } },
    });
    expect(without).not.toHaveProperty('options.pipeline.ingest');
  });
});

describe('parseCli: the cost options', () => {
  it('reads --region, --catalog and --dist-dir', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'gapless-cli-'));
    const catalog = [{ info_type: 'SIM#A', source: 'simulated', calendar: 'daily', start: '2026-01-01' }];
    writeFileSync(join(dir, 'catalog.json'), JSON.stringify(catalog));

    try {
      // Act
      const command = parseCli(
        ['--region', 'sa-east-1', '--catalog', 'catalog.json', '--dist-dir', 'zips'],
        dir,
      );

      // Assess
      expect(command).toMatchObject({
        kind: 'run',
        options: { pipeline: { region: 'sa-east-1', catalog, distDir: join(dir, 'zips') } },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a region without a price table and a catalog that is not a JSON array, naming the flag', () => {
    // Act and Assess
    expect(() => parseCli(['--region', 'mars-1'], cwd)).toThrow(UsageError);
    expect(() => parseCli(['--region', 'mars-1'], cwd)).toThrow(
      /--region must be one with a price table \(.*us-east-1.*\), got "mars-1"/,
    );
    expect(() => parseCli(['--catalog', '/nonexistent/catalog.json'], cwd)).toThrow(
      /^--catalog \/nonexistent\/catalog.json: /,
    );
  });
});
