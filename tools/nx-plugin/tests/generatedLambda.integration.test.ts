import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// The front door, walked for real: the generator writes a new function under apps/, and Nx then builds,
// tests and lints it with nothing else edited.
const workspaceRoot = resolve(import.meta.dirname, '..', '..', '..');
const name = `zz_generated_${randomBytes(4).toString('hex')}`;
const nxEnv = {
  ...process.env,
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  NX_USE_LOCAL: 'true',
  NX_SKIP_NX_CACHE: 'true',
  FORCE_COLOR: '0',
  NO_COLOR: '1',
};

/** Runs Nx in the workspace; throws (failing the test) when Nx exits non-zero. Colours stripped. */
function nx(args: string[]): string {
  const output = execFileSync(join(workspaceRoot, 'node_modules', '.bin', 'nx'), args, {
    cwd: workspaceRoot,
    env: nxEnv,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return stripVTControlCharacters(output);
}

afterAll(() => {
  rmSync(join(workspaceRoot, 'apps', name), { recursive: true, force: true });
  rmSync(join(workspaceRoot, 'dist', 'apps', name), { recursive: true, force: true });
});

describe('a generated function', () => {
  it('builds, tests and lints green with nothing else edited', () => {
    // Act
    nx(['g', '@gapless/nx-plugin:lambda', name, '--no-interactive']);
    const output = nx(['run-many', '-t', 'build,test,lint', '-p', name, '--outputStyle=static']);

    // Assess
    expect(readdirSync(join(workspaceRoot, 'apps', name, 'src')).sort()).toEqual([
      'handler.test.ts',
      'handler.ts',
      'index.ts',
      'reportDay.test.ts',
      'reportDay.ts',
    ]);
    expect(output).toContain(`Successfully ran targets build, test, lint for project ${name}`);
    expect(existsSync(join(workspaceRoot, 'dist', 'apps', name, `${name}.zip`))).toBe(true);
  }, 300_000);
});
