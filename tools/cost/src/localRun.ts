import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MeasurementError } from './errors.js';
import type { RunUsage } from './usage.js';

/** One measuring run of the local stack. */
export interface LocalRunRequest {
  /** A catalog file in its JSON form. */
  readonly catalogFile: string;
  /** First date of every series (ISO): the window starts here and ends today. */
  readonly from: string;
  /** Where the zips are (`<dir>/<function>/<function>.zip`). */
  readonly distDir: string;
  /** The table's directory: a second run on it finds everything present (the idle run). */
  readonly dataDir: string;
  /** Where the run's report and function log go. */
  readonly workDir: string;
}

/** What the cost tool reads back from a run's summary. */
export interface LocalRunResult {
  readonly usage: RunUsage;
  readonly expected: number;
  readonly ok: number;
  readonly converged: boolean;
}

export type LocalRunner = (request: LocalRunRequest) => Promise<LocalRunResult>;

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const stackCli = join(repoRoot, 'tools/local-stack/src/cli.ts');

/**
 * Runs the local stack's own command line (`npm start`'s, `--json`) in a child process and reads the run's
 * `usage` from its summary. A process of its own: the local stack prices its runs with this package, so
 * this package drives it from outside rather than importing it.
 */
export function processRunner(): LocalRunner {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return (request) =>
    new Promise((resolve, reject) => {
      const args = [
        '--import',
        tsx,
        stackCli,
        'run',
        '--json',
        '--quiet',
        ...['--catalog', request.catalogFile, '--from', request.from],
        ...['--dist-dir', request.distDir, '--data-dir', request.dataDir],
        ...[
          '--report',
          join(request.workDir, 'report.html'),
          '--log',
          join(request.workDir, 'functions.log'),
        ],
      ];
      const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.once('error', reject);
      child.once('close', (code) => {
        if (code !== 0) {
          reject(
            new MeasurementError(`the local stack run failed (exit ${code}): ${stderr.trim().slice(-2000)}`),
          );
          return;
        }
        try {
          resolve(readSummary(stdout));
        } catch (error) {
          reject(error);
        }
      });
    });
}

/** The parts of `npm start -- --json`'s summary the estimate uses. */
export function readSummary(stdout: string): LocalRunResult {
  const summary = JSON.parse(stdout) as {
    usage?: RunUsage;
    converged?: boolean;
    totals?: { expected?: number; ok?: number };
  };
  if (summary.usage === undefined) throw new MeasurementError('the local stack summary has no usage');
  return {
    usage: summary.usage,
    expected: summary.totals?.expected ?? 0,
    ok: summary.totals?.ok ?? 0,
    converged: summary.converged === true,
  };
}
