import { describe, expect, it } from 'vitest';
import { parseOptions } from './options.js';

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
      dryRun: false,
      publish: false,
      concurrency: 3,
      maxAttempts: 5,
      appsDir: 'apps',
      distDir: 'dist/apps',
    });
  });

  it('reads a list of functions, publish and alias', () => {
    // Act
    const options = parseOptions(
      [
        ...base,
        '--functions',
        'scraper, retry_recheck',
        '--publish',
        '--alias',
        'live',
        '--region',
        'us-east-1',
      ],
      {},
    );

    // Assess
    expect(options).toMatchObject({
      selection: 'list',
      functions: ['scraper', 'retry_recheck'],
      publish: true,
      alias: 'live',
    });
  });

  it.each([
    [['--all', '--affected'], '--affected|--functions|--all choose exactly one'],
    [[], '--affected|--functions|--all choose exactly one'],
    [['--all', '--alias', 'live'], '--alias needs --publish'],
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
