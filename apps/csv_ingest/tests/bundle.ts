import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';

const run = promisify(execFile);
export const workspaceRoot = resolve(import.meta.dirname, '..', '..', '..');

/** The zip as `nx build csv_ingest` writes it, built into `dir`, and its `index.mjs` unpacked beside it. */
export interface BuiltBundle {
  readonly zipPath: string;
  readonly zipBytes: number;
  readonly indexFile: string;
}

/**
 * Builds csv_ingest's zip with the build target's own script (the same esbuild options, plugins and
 * reproducible zip) into `dir`, and unpacks its one file, which a fresh process can then import.
 */
export async function buildBundle(dir: string): Promise<BuiltBundle> {
  const tsx = join(workspaceRoot, 'node_modules', '.bin', 'tsx');
  await run(tsx, ['tools/nx-plugin/bin/buildLambda.ts', 'apps/csv_ingest', '--out', dir], {
    cwd: workspaceRoot,
  });
  const zipPath = join(dir, 'csv_ingest.zip');
  const zip = readFileSync(zipPath);
  const files = unzipSync(zip);
  const unpacked = join(dir, 'unpacked');
  mkdirSync(unpacked, { recursive: true });
  const indexFile = join(unpacked, 'index.mjs');
  writeFileSync(indexFile, files['index.mjs'] as Uint8Array);
  return { zipPath, zipBytes: zip.length, indexFile };
}

/** What one invocation in a fresh process gave: the handler's result, its log lines, its peak memory. */
export interface BundleRun {
  readonly result: unknown;
  readonly logLines: Record<string, unknown>[];
  /** The process' peak resident memory after the invocation, in bytes: Linux's `VmHWM` (else getrusage's maxRSS). */
  readonly maxRssBytes: number;
  /** Time inside the handler. */
  readonly handlerMs: number;
  /** CPU time of the whole process (user and system), loading the bundle included. */
  readonly cpuMs: number;
  /**
   * The largest of each `process.memoryUsage()` figure, sampled every 20 ms during the handler, in bytes:
   * where the peak sits (V8's heap, or Buffers and other memory outside it).
   */
  /** When the sampled RSS peaked, in ms after the handler was called. */
  readonly rssPeakAtMs: number;
  readonly sampledPeaks: Readonly<
    Record<'rss' | 'heapTotal' | 'heapUsed' | 'external' | 'arrayBuffers', number>
  >;
}

/**
 * Imports the bundle in a fresh Node process that has never seen the sources, with only `env` (as Lambda
 * gives a function its variables), calls its handler once with `event`, and reports what it returned and
 * the process' peak resident memory.
 */
export async function invokeBundle(
  indexFile: string,
  event: unknown,
  env: Record<string, string>,
): Promise<BundleRun> {
  const script = `const { handler } = await import(${JSON.stringify(indexFile)});
const sampledPeaks = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
let rssPeakAtMs = 0;
const sample = () => { const now = process.memoryUsage(); if (now.rss > sampledPeaks.rss) rssPeakAtMs = performance.now() - started; for (const k of Object.keys(sampledPeaks)) sampledPeaks[k] = Math.max(sampledPeaks[k], now[k]); };
const started = performance.now();
const sampler = setInterval(sample, 20);
const result = await handler(JSON.parse(process.argv[1]), { getRemainingTimeInMillis: () => 900000 });
const handlerMs = performance.now() - started;
clearInterval(sampler);
sample();
const usage = process.resourceUsage();
// Linux's VmHWM is this process' own peak; getrusage's maxRSS also counts the parent's resident memory at
// the fork that started it (the kernel keeps the pre-exec peak), so a large parent inflates it.
const { readFileSync } = await import('node:fs');
const hwm = (() => { try { return Number(/^VmHWM:\\s+(\\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]); } catch { return NaN; } })();
process.stdout.write('\\n' + JSON.stringify({ result, handlerMs, maxRssKb: Number.isFinite(hwm) ? hwm : usage.maxRSS, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, sampledPeaks, rssPeakAtMs }));`;
  const { stdout } = await run(
    process.execPath,
    ['--no-warnings', '--input-type=module', '-e', script, JSON.stringify(event)],
    { env: { PATH: process.env['PATH'] ?? '', ...env }, maxBuffer: 256 * 1024 * 1024 },
  );
  const lines = stdout
    .trimEnd()
    .split('\n')
    .filter((line) => line.trim() !== '');
  const last = JSON.parse(lines.at(-1) ?? '{}') as {
    result: unknown;
    handlerMs: number;
    maxRssKb: number;
    cpuMs: number;
    sampledPeaks: BundleRun['sampledPeaks'];
    rssPeakAtMs: number;
  };
  return {
    result: last.result,
    logLines: lines.slice(0, -1).map((line) => JSON.parse(line) as Record<string, unknown>),
    maxRssBytes: last.maxRssKb * 1024,
    handlerMs: last.handlerMs,
    cpuMs: last.cpuMs,
    sampledPeaks: last.sampledPeaks,
    rssPeakAtMs: last.rssPeakAtMs,
  };
}
