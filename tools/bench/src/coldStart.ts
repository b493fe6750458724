import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { unzipSync } from 'fflate';
import { bundleLambda, lambdaBuildOptions } from '@gapless/nx-plugin/bundleLambda';
import { median } from './median.js';
import type { SectionResult, SectionRow } from './section.js';

const run = promisify(execFile);
const workspaceRoot = resolve(import.meta.dirname, '..', '..', '..');

/** The SDK clients each function calls: its comparison bundle holds exactly these, and nothing else. */
const sdkClientsOf: Readonly<Record<string, readonly SdkClient[]>> = {
  data_clustering: ['DynamoDBClient', 'SQSClient'],
  scraper: ['DynamoDBClient'],
  retry_recheck: ['DynamoDBClient', 'SQSClient'],
};
type SdkClient = 'DynamoDBClient' | 'SQSClient';
const clientPackage: Readonly<Record<SdkClient, string>> = {
  DynamoDBClient: '@aws-sdk/client-dynamodb',
  SQSClient: '@aws-sdk/client-sqs',
};

/** Issue 3 ("Size"): each zip at most 200 KB, each cold import at most 1.15x its SDK-only bundle's. */
const TARGETS = { ratio_to_sdk_only: 1.15, max_zip_bytes: 200_000 } as const;
/** Fresh processes per bundle; odd, so the median is one real run. */
const RUNS = Number(process.env['COLD_START_RUNS'] ?? 15);

/** What the benchmark reports, as it appears in the JSON line. */
export interface ColdStartFigures {
  readonly cold_start: {
    readonly ratio_to_sdk_only: number;
    readonly per_function: Record<string, { median_ms: number; sdk_only_median_ms: number; ratio: number }>;
    readonly runs: number;
    readonly target: number;
    readonly met: boolean;
  };
  readonly bundle: {
    readonly max_zip_bytes: number;
    readonly per_function: Record<string, { zip_bytes: number; sdk_only_bytes: number }>;
    readonly target: number;
    readonly met: boolean;
  };
}

/** The two files one function is measured with, and their sizes. */
interface Contender {
  readonly name: string;
  readonly bundlePath: string;
  readonly sdkOnlyPath: string;
  readonly zipBytes: number;
  readonly sdkOnlyBytes: number;
}

/**
 * Builds each function's zip exactly as `nx build` does, and a bundle of only the SDK clients it needs
 * (same esbuild options), then imports each in fresh Node processes, the two alternating, and compares
 * the median import times. The import is timed inside the child (`performance.now()` around it), so
 * Node's own start-up is left out and what remains is loading, compiling and running the module: the
 * part of a Lambda cold start the bundle decides.
 */
export async function coldStart(runs = RUNS): Promise<ColdStartFigures> {
  const scratch = mkdtempSync(join(tmpdir(), 'gapless-cold-start-'));
  try {
    const contenders: Contender[] = [];
    for (const name of Object.keys(sdkClientsOf)) contenders.push(await prepare(name, scratch));
    const times = await measureInterleaved(contenders, runs);
    return figures(contenders, times, runs);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Builds one function's zip and its SDK-only comparison, both written out as `index.mjs`. */
async function prepare(name: string, scratch: string): Promise<Contender> {
  const appDir = join(workspaceRoot, 'apps', name);
  const bundle = await bundleLambda(appDir, join(scratch, 'zips', name));
  const bundlePath = join(scratch, name, 'index.mjs');
  mkdirSync(join(scratch, name), { recursive: true });
  writeFileSync(bundlePath, unzipSync(readFileSync(bundle.zipPath))['index.mjs'] as Uint8Array);

  const clients = sdkClientsOf[name] ?? [];
  const entry = clients
    .map((client) => `import { ${client} } from '${clientPackage[client]}';\nnew ${client}({});`)
    .join('\n');
  const sdkOnlyPath = join(scratch, `${name}-sdk-only`, 'index.mjs');
  const options = lambdaBuildOptions(appDir);
  const sdkOnly = await build({
    ...options,
    entryPoints: undefined,
    stdin: { contents: entry, resolveDir: workspaceRoot, loader: 'js' },
    outfile: sdkOnlyPath,
    write: true,
  });
  const sdkOnlyBytes = Object.values(sdkOnly.metafile?.outputs ?? {})[0]?.bytes ?? 0;
  return { name, bundlePath, sdkOnlyPath, zipBytes: bundle.bytes, sdkOnlyBytes };
}

/** Milliseconds to import `file` in a fresh Node process, measured inside it. */
async function importMs(file: string): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)});
process.stdout.write(JSON.stringify({ import_ms: performance.now() - t }));`;
  const { stdout } = await run(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], {
    // What Lambda always sets, plus the functions' required variables (dummies: nothing is called).
    env: {
      PATH: process.env['PATH'] ?? '',
      TABLE_NAME: 'cold-start-table',
      QUEUE_URL: 'http://127.0.0.1:9/000000000000/cold-start-queue',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'cold-start',
      AWS_SECRET_ACCESS_KEY: 'cold-start',
    },
  });
  return (JSON.parse(stdout) as { import_ms: number }).import_ms;
}

/**
 * Imports every bundle `runs` times, round-robin across functions, the function's bundle and its SDK-only
 * bundle back to back in alternating order, so a busy spell of the machine hits both sides alike.
 */
async function measureInterleaved(
  contenders: readonly Contender[],
  runs: number,
): Promise<Map<string, { bundle: number[]; sdkOnly: number[] }>> {
  const times = new Map(contenders.map((c) => [c.name, { bundle: [] as number[], sdkOnly: [] as number[] }]));
  // One uncounted round first: the first read of each freshly written file would pay for the disk.
  for (const contender of contenders) {
    await importMs(contender.bundlePath);
    await importMs(contender.sdkOnlyPath);
  }
  for (let round = 0; round < runs; round += 1) {
    for (const contender of contenders) {
      const slot = times.get(contender.name)!;
      if (round % 2 === 0) {
        slot.bundle.push(await importMs(contender.bundlePath));
        slot.sdkOnly.push(await importMs(contender.sdkOnlyPath));
      } else {
        slot.sdkOnly.push(await importMs(contender.sdkOnlyPath));
        slot.bundle.push(await importMs(contender.bundlePath));
      }
    }
  }
  return times;
}

const round2 = (value: number): number => Math.round(value * 100) / 100;

function figures(
  contenders: readonly Contender[],
  times: Map<string, { bundle: number[]; sdkOnly: number[] }>,
  runs: number,
): ColdStartFigures {
  const coldPer: ColdStartFigures['cold_start']['per_function'] = {};
  const sizePer: ColdStartFigures['bundle']['per_function'] = {};
  for (const { name, zipBytes, sdkOnlyBytes } of contenders) {
    const slot = times.get(name)!;
    const ours = median(slot.bundle);
    const sdk = median(slot.sdkOnly);
    coldPer[name] = { median_ms: round2(ours), sdk_only_median_ms: round2(sdk), ratio: round2(ours / sdk) };
    sizePer[name] = { zip_bytes: zipBytes, sdk_only_bytes: sdkOnlyBytes };
  }
  const ratio = Math.max(...Object.values(coldPer).map((f) => f.ratio));
  const maxZip = Math.max(...contenders.map((c) => c.zipBytes));
  return {
    cold_start: {
      ratio_to_sdk_only: ratio,
      per_function: coldPer,
      runs,
      target: TARGETS.ratio_to_sdk_only,
      met: ratio <= TARGETS.ratio_to_sdk_only,
    },
    bundle: {
      max_zip_bytes: maxZip,
      per_function: sizePer,
      target: TARGETS.max_zip_bytes,
      met: maxZip <= TARGETS.max_zip_bytes,
    },
  };
}

/** The benchmark as a section of `main.ts`: its table, `cold_start` as its key and `bundle` beside it. */
export async function coldStartSection(): Promise<SectionResult> {
  const result = await coldStart();
  const rows: SectionRow[] = [];
  for (const [name, f] of Object.entries(result.cold_start.per_function)) {
    const size = result.bundle.per_function[name]!;
    rows.push([
      name,
      `import ${f.median_ms} ms vs SDK-only ${f.sdk_only_median_ms} ms = ${f.ratio}x; zip ${size.zip_bytes} B`,
    ]);
  }
  rows.push([
    'worst',
    `${result.cold_start.ratio_to_sdk_only}x (target <= ${TARGETS.ratio_to_sdk_only}); largest zip ${result.bundle.max_zip_bytes} B (target <= ${TARGETS.max_zip_bytes})`,
  ]);
  return {
    title: `cold start: median import of each function vs only its SDK clients (${result.cold_start.runs} fresh processes each, interleaved)`,
    rows,
    figures: result.cold_start,
    siblings: { bundle: result.bundle },
  };
}
