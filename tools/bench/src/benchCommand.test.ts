import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const workspaceRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs `npm <args>` from the repository root as a user would, keeping stdout and stderr apart. */
function runNpm(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('npm', [...args], { cwd: workspaceRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run -s bench', () => {
  it('ends stdout with the JSON line; the builds and Nx go to stderr', async () => {
    // Act: the real command path (the zips' build through Nx, then main.ts) with one quick section.
    const result = await runNpm(['run', '-s', 'bench', '--', 'sync']);

    // Assess
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    const figures = JSON.parse(lines.at(-1) ?? '') as Record<string, unknown>;
    expect(Object.keys(figures)).toEqual(['sync']);
    expect(lines[0]).toMatch(/^node v/);
    expect(result.stdout).not.toMatch(/\bNX\b|nx run/);
    expect(result.stderr).toContain('data_clustering:build');
  }, 180_000);
});
