import { describe, expect, it } from 'vitest';
import { parseOptions, parseRollbackOptions } from './options.js';

const base = ['--role-arn', 'arn:aws:iam::123456789012:role/deploy', '--allowed-account-ids', '123456789012'];

describe('parseOptions', () => {
  it('reads a CI command line, with the region from AWS_REGION and the defaults', () => {
    // Act
    const options = parseOptions([...base, '--affected'], { AWS_REGION: 'sa-east-1' });

    // Assess
    expect(options).toEqual({
      selection: 'affected',
      functions: [],
      roleArn: 'arn:aws:iam::123456789012:role/deploy',
      durationSeconds: 900,
      useDefaultCredentials: false,
      allowedAccountIds: ['123456789012'],
      region: 'sa-east-1',
      alias: 'live',
      dryRun: false,
      watchMinutes: 0,
      concurrency: 3,
      maxAttempts: 5,
      appsDir: 'apps',
      distDir: 'dist/apps',
    });
  });

  it('reads a list of functions, an alias and a watch', () => {
    // Act
    const options = parseOptions(
      [
        ...base,
        '--functions',
        'scraper, retry_recheck',
        '--alias',
        'canary',
        '--watch-minutes',
        '10',
        '--region',
        'us-east-1',
      ],
      {},
    );

    // Assess
    expect(options).toMatchObject({
      selection: 'list',
      functions: ['scraper', 'retry_recheck'],
      alias: 'canary',
      watchMinutes: 10,
    });
  });

  it('reads the rollback command: one function name and the same credentials options', () => {
    // Act
    const options = parseRollbackOptions(['scraper', ...base], { AWS_REGION: 'sa-east-1' });

    // Assess
    expect(options).toEqual({
      functionName: 'scraper',
      roleArn: 'arn:aws:iam::123456789012:role/deploy',
      durationSeconds: 900,
      useDefaultCredentials: false,
      allowedAccountIds: ['123456789012'],
      region: 'sa-east-1',
      alias: 'live',
      maxAttempts: 5,
      appsDir: 'apps',
    });
    expect(() => parseRollbackOptions([...base], { AWS_REGION: 'x' })).toThrow(
      'rollback takes exactly one function name, got 0',
    );
  });

  it.each([
    [['--all', '--affected'], '--affected|--functions|--all choose exactly one'],
    [[], '--affected|--functions|--all choose exactly one'],
    [['--all', '--alias', '7'], '--alias must be an alias name, not a version, got "7"'],
    [['--all', '--watch-minutes', '61'], '--watch-minutes must be an integer from 0 to 60, got "61"'],
    [['--all', '--role-arn', ''], '--role-arn must be an IAM role ARN, got ""'],
    [['--all', '--concurrency', '0'], '--concurrency must be an integer from 1 to 50, got "0"'],
    [
      ['--all', '--allowed-account-ids', '12345'],
      '--allowed-account-ids has "12345", not a 12-digit account id',
    ],
  ])('refuses %j', (extra, message) => {
    // Act / Assess
    expect(() => parseOptions([...base, ...extra], { AWS_REGION: 'us-east-1' })).toThrow(message);
  });

  it('requires the allowed accounts, a role (or the explicit default chain) and a region', () => {
    // Prepare
    const role = ['--role-arn', 'arn:aws:iam::123456789012:role/d'];

    // Act / Assess
    expect(() => parseOptions(['--all', ...role], { AWS_REGION: 'x' })).toThrow(
      '--allowed-account-ids is required',
    );
    expect(() =>
      parseOptions(['--all', '--allowed-account-ids', '123456789012'], { AWS_REGION: 'x' }),
    ).toThrow('--role-arn is required');
    expect(() => parseOptions([...base, '--all'], {})).toThrow('--region is required');
    expect(
      parseOptions(['--all', '--use-default-credentials', '--allowed-account-ids', '123456789012'], {
        AWS_REGION: 'x',
      }).roleArn,
    ).toBeUndefined();
  });
});
