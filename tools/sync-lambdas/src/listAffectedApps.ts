import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SyncError } from './errors.js';

const execFileAsync = promisify(execFile);

/** Runs a command and resolves with its stdout; injected so tests need no Nx. */
export type RunCommand = (command: string, args: readonly string[]) => Promise<string>;

const runWithExecFile: RunCommand = async (command, args) => {
  const { stdout } = await execFileAsync(command, [...args], { maxBuffer: 8 * 1024 * 1024 });
  return stdout;
};

/**
 * The app projects Nx considers affected (base and head from `NX_BASE`/`NX_HEAD`, which
 * `nrwl/nx-set-shas` exports in CI).
 */
export async function listAffectedApps(run: RunCommand = runWithExecFile): Promise<string[]> {
  const stdout = await run('npx', ['nx', 'show', 'projects', '--affected', '--type', 'app', '--json']);
  // Nx may print notices before the JSON; the answer is the last line.
  const lastLine = stdout.trim().split('\n').at(-1) ?? '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(lastLine);
  } catch (error) {
    throw new SyncError(`nx show projects --affected did not answer JSON: ${lastLine.slice(0, 200)}`, {
      cause: error,
    });
  }
  if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === 'string')) {
    throw new SyncError('nx show projects --affected did not answer a list of names');
  }
  return parsed;
}
