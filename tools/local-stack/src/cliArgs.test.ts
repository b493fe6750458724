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
  ])('refuses %j with a specific message', (argv, message) => {
    // Act / Assess
    expect(() => parseCli(argv, cwd)).toThrow(UsageError);
    expect(() => parseCli(argv, cwd)).toThrow(message);
  });
});
