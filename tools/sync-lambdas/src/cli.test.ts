import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from './cli.js';

describe('sync-lambdas CLI', () => {
  let written: string[];
  beforeEach(() => {
    written = [];
    const capture = (chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  });
  afterEach(() => vi.restoreAllMocks());

  it('exits 2 with the usage on an unknown option', async () => {
    // Act
    const code = await main(['--everything'], {});

    // Assess
    expect(code).toBe(2);
    expect(written.join('')).toMatch(/^sync-lambdas: Unknown option '--everything'[^]*Usage: sync-lambdas/);
  });

  it('exits 2 naming a function it refuses, before asking for credentials', async () => {
    // Prepare
    const argv = [
      '--functions',
      'no_such_app',
      '--use-default-credentials',
      '--allowed-account-ids',
      '123456789012',
    ];

    // Act
    const code = await main([...argv, '--apps-dir', '/nonexistent/apps'], { AWS_REGION: 'us-east-1' });

    // Assess
    expect(code).toBe(2);
    expect(written.join('')).toBe(
      'sync-lambdas: refusing to deploy "no_such_app": no directory /nonexistent/apps/no_such_app\n',
    );
  });

  it('prints the usage with --help', async () => {
    // Act
    const code = await main(['--help'], {});

    // Assess
    expect(code).toBe(0);
    expect(written.join('')).toContain('--allowed-account-ids');
  });

  it('exits 2 with the usage when rollback is not given exactly one function', async () => {
    // Act
    const code = await main(
      ['rollback', '--use-default-credentials', '--allowed-account-ids', '123456789012'],
      {
        AWS_REGION: 'us-east-1',
      },
    );

    // Assess
    expect(code).toBe(2);
    expect(written.join('')).toMatch(
      /^sync-lambdas: rollback takes exactly one function name, got 0[^]*or: sync-lambdas rollback NAME/,
    );
  });
});
