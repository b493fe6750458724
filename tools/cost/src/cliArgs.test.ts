import { describe, expect, it } from 'vitest';
import { parseCostCli } from './cliArgs.js';
import { CliUsageError } from './errors.js';

describe('parseCostCli', () => {
  it('reads a catalog size, years, region and --json, with the measuring defaults', () => {
    // Act
    const command = parseCostCli(
      ['--series', '300', '--years', '10', '--region', 'sa-east-1', '--json'],
      '/repo',
    );

    // Assess
    expect(command).toEqual({
      kind: 'estimate',
      options: { series: 300, years: 10, region: 'sa-east-1', json: true, sampleSeries: 2, windowDays: 365 },
    });
  });

  it('resolves --catalog against the working directory', () => {
    // Act
    const command = parseCostCli(['--catalog', 'my/catalog.json', '--years', '0.5'], '/repo');

    // Assess
    expect(command).toMatchObject({
      options: { catalogFile: '/repo/my/catalog.json', years: 0.5, region: 'us-east-1' },
    });
  });

  it.each([
    [['--years', '10'], '--series N (a catalog of N series) or --catalog FILE is required'],
    [['--series', '3'], '--years Y is required'],
    [['--series', '3', '--catalog', 'c.json', '--years', '1'], 'give --series N or --catalog FILE, not both'],
    [['--series', 'many', '--years', '1'], '--series must be an integer from 1 to 100000, got "many"'],
    [['--series', '0', '--years', '1'], '--series must be an integer from 1 to 100000, got "0"'],
    [['--series', '3', '--years=-2'], '--years must be a number of years above 0 and at most 100, got "-2"'],
    [['--series', '3', '--years', '-2'], "Option '--years' argument is ambiguous"],
    [['--series', '3', '--years', '1', '--region', 'eu-west-9'], '--region must be one with a price table'],
    [
      ['--series', '3', '--years', '1', '--window-days', '5'],
      '--window-days must be an integer from 14 to 3650',
    ],
    [['--series', '3', '--years', '1', '--colour'], "Unknown option '--colour'"],
  ])('refuses %j, naming the flag', (argv, message) => {
    // Act and Assess
    expect(() => parseCostCli(argv)).toThrow(CliUsageError);
    expect(() => parseCostCli(argv)).toThrow(message);
  });
});
