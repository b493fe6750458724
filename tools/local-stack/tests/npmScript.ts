import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root, where the npm scripts are defined. */
export const workspaceRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface NpmResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `npm <args>` from the repository root as a user would, keeping stdout and stderr apart. */
export function runNpm(args: readonly string[]): Promise<NpmResult> {
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
