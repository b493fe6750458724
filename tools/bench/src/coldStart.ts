import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { unzipSync } from 'fflate';
import { bundleLambda, lambdaBuildOptions } from '@gapless/nx-plugin/bundleLambda';
import { defaultZipBudgetBytes, zipBudgetOf } from '@gapless/nx-plugin/zip-budgets';
import { bundleImports, sdkAndPowertoolsEntry, sdkOnlyEntry } from './coldStartBaselines.js';
import { round, verdict } from './figures.js';
import { lambdaApps, workspaceRoot } from './lambdaApps.js';
import { median, quantile } from './stats.js';
import type { SectionResult, SectionRow } from './section.js';

const run = promisify(execFile);
/**
 * Where the baselines resolve their packages from: where the functions' SDK clients resolve (the adapters
 * library, which declares them; its S3 client is its own copy, not the root's).
 */
const baselineResolveDir = join(workspaceRoot, 'libs', 'aws-adapters');

/**
 * Issue 3 ("Size"): each zip at most 200 KB, each cold import at most 1.15x its SDK-only bundle's. The zip
 * figure is the pipeline's own (the functions on the default budget); a function with a budget of its own
 * (`@gapless/nx-plugin/zip-budgets`, issue 15) is reported against that one.
 */
const TARGETS = { ratio_to_sdk_only: 1.15, max_zip_bytes: defaultZipBudgetBytes } as const;
/** Fresh processes per bundle; odd, so the median is one real run. */
const RUNS = Number(process.env['COLD_START_RUNS'] ?? 21);
/** The quantile the quiet figures are taken at (see {@link FunctionColdStart.quiet_ratio}). */
const QUIET_QUANTILE = 0.1;

/** One function's figures: its cold import, its two baselines', and the ratios. */
export interface FunctionColdStart {
  readonly median_ms: number;
  readonly sdk_only_median_ms: number;
  /** The figure the target is set on: median over median. */
  readonly ratio: number;
  /**
   * The same ratio taken on each side's 10th percentile: the runs the machine disturbed least. On a shared
   * machine the median of tens of runs moves by +-0.1 between runs of the benchmark; this moves far less.
   */
  readonly quiet_ratio: number;
  /** The SDK-only bundle plus the Powertools utilities the function builds at init, built the same way. */
  readonly sdk_and_powertools_median_ms: number;
  /** Where any function using those utilities starts: their share of the ratio, before a line of ours. */
  readonly powertools_floor: number;
  readonly powertools_quiet_floor: number;
  /** The function against the SDK plus Powertools: what the pipeline's own code adds to a Powertools function. */
  readonly ratio_to_sdk_and_powertools: number;
}

/** What the benchmark reports, as it appears in the JSON line. */
export interface ColdStartFigures {
  readonly cold_start: {
    readonly ratio_to_sdk_only: number;
    readonly per_function: Record<string, FunctionColdStart>;
    readonly runs: number;
    readonly target: number;
    readonly met: boolean;
  };
  readonly bundle: {
    /** The largest zip among the functions held to the default budget (the pipeline's three). */
    readonly max_zip_bytes: number;
    readonly per_function: Record<string, FunctionZip>;
    readonly target: number;
    /** Every function within its own budget. */
    readonly met: boolean;
  };
}

/** One function's zip against its budget. */
export interface FunctionZip {
  readonly zip_bytes: number;
  readonly sdk_only_bytes: number;
  readonly budget_bytes: number;
  readonly met: boolean;
}

/** The three files one function is measured with, and the sizes reported. */
interface Contender {
  readonly name: string;
  readonly files: Readonly<Record<Variant, string>>;
  readonly zipBytes: number;
  readonly sdkOnlyBytes: number;
}
type Variant = 'bundle' | 'sdkOnly' | 'sdkAndPowertools';
const variants: readonly Variant[] = ['bundle', 'sdkOnly', 'sdkAndPowertools'];

/**
 * Builds each function's zip exactly as `nx build` does, and two comparison bundles with the same esbuild
 * options: only the SDK clients and commands the function's bundle holds, and those plus the Powertools
 * utilities it builds at init (see coldStartBaselines.ts). Then imports each in fresh Node processes, the
 * three in rotating order, and compares the median import times. The import is timed inside the child
 * (`performance.now()` around it), so Node's own start-up is left out and what remains is loading,
 * compiling and running the module: the part of a Lambda cold start the bundle decides.
 */
export async function coldStart(runs = RUNS): Promise<ColdStartFigures> {
  const scratch = mkdtempSync(join(tmpdir(), 'gapless-cold-start-'));
  try {
    const contenders: Contender[] = [];
    for (const name of lambdaApps()) contenders.push(await prepare(name, scratch));
    const times = await measureInterleaved(contenders, runs);
    return figures(contenders, times, runs);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Builds one function's zip and its two comparison bundles, each written out as `index.mjs`. */
async function prepare(name: string, scratch: string): Promise<Contender> {
  const appDir = join(workspaceRoot, 'apps', name);
  const bundle = await bundleLambda(appDir, join(scratch, 'zips', name));
  const bundlePath = join(scratch, name, 'index.mjs');
  mkdirSync(join(scratch, name), { recursive: true });
  writeFileSync(bundlePath, unzipSync(readFileSync(bundle.zipPath))['index.mjs'] as Uint8Array);

  const options = lambdaBuildOptions(appDir);
  const imports = bundleImports(bundle.inputs.keys());
  const buildEntry = async (contents: string, dir: string): Promise<{ path: string; bytes: number }> => {
    const path = join(scratch, dir, 'index.mjs');
    const result = await build({
      ...options,
      entryPoints: undefined,
      stdin: { contents, resolveDir: baselineResolveDir, loader: 'js' },
      outfile: path,
      write: true,
    });
    return { path, bytes: Object.values(result.metafile?.outputs ?? {})[0]?.bytes ?? 0 };
  };
  const sdkOnly = await buildEntry(sdkOnlyEntry(imports), `${name}-sdk-only`);
  const sdkAndPowertools = await buildEntry(sdkAndPowertoolsEntry(imports), `${name}-sdk-and-powertools`);
  return {
    name,
    files: { bundle: bundlePath, sdkOnly: sdkOnly.path, sdkAndPowertools: sdkAndPowertools.path },
    zipBytes: bundle.bytes,
    sdkOnlyBytes: sdkOnly.bytes,
  };
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
      LAKE_BUCKET: 'cold-start-lake',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'cold-start',
      AWS_SECRET_ACCESS_KEY: 'cold-start',
    },
  });
  return (JSON.parse(stdout) as { import_ms: number }).import_ms;
}

/**
 * Imports every bundle `runs` times, round-robin across functions, a function's three bundles back to back
 * in an order that rotates each round, so a busy spell of the machine hits every side alike.
 */
async function measureInterleaved(
  contenders: readonly Contender[],
  runs: number,
): Promise<Map<string, Record<Variant, number[]>>> {
  const times = new Map(
    contenders.map((c) => [
      c.name,
      { bundle: [], sdkOnly: [], sdkAndPowertools: [] } as Record<Variant, number[]>,
    ]),
  );
  // One uncounted round first: the first read of each freshly written file would pay for the disk.
  for (const contender of contenders) {
    for (const variant of variants) await importMs(contender.files[variant]);
  }
  for (let round = 0; round < runs; round += 1) {
    for (const contender of contenders) {
      const slot = times.get(contender.name)!;
      for (let i = 0; i < variants.length; i += 1) {
        const variant = variants[(round + i) % variants.length]!;
        slot[variant].push(await importMs(contender.files[variant]));
      }
    }
  }
  return times;
}

function figures(
  contenders: readonly Contender[],
  times: Map<string, Record<Variant, number[]>>,
  runs: number,
): ColdStartFigures {
  const coldPer: Record<string, FunctionColdStart> = {};
  const sizePer: ColdStartFigures['bundle']['per_function'] = {};
  for (const { name, zipBytes, sdkOnlyBytes } of contenders) {
    const slot = times.get(name)!;
    const ours = median(slot.bundle);
    const sdk = median(slot.sdkOnly);
    const powertools = median(slot.sdkAndPowertools);
    const quiet = (variant: Variant): number => quantile(slot[variant], QUIET_QUANTILE);
    coldPer[name] = {
      median_ms: round(ours, 2),
      sdk_only_median_ms: round(sdk, 2),
      ratio: round(ours / sdk, 2),
      quiet_ratio: round(quiet('bundle') / quiet('sdkOnly'), 2),
      sdk_and_powertools_median_ms: round(powertools, 2),
      powertools_floor: round(powertools / sdk, 2),
      powertools_quiet_floor: round(quiet('sdkAndPowertools') / quiet('sdkOnly'), 2),
      ratio_to_sdk_and_powertools: round(ours / powertools, 2),
    };
    const budget = zipBudgetOf(name);
    sizePer[name] = {
      zip_bytes: zipBytes,
      sdk_only_bytes: sdkOnlyBytes,
      budget_bytes: budget,
      met: zipBytes <= budget,
    };
  }
  const ratio = Math.max(...Object.values(coldPer).map((f) => f.ratio));
  const onDefault = contenders.filter((c) => zipBudgetOf(c.name) === defaultZipBudgetBytes);
  const maxZip = Math.max(0, ...onDefault.map((c) => c.zipBytes));
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
      met: Object.values(sizePer).every((zip) => zip.met),
    },
  };
}

/** The benchmark as a section of `main.ts`: its table, `cold_start` as its key and `bundle` beside it. */
export async function coldStartSection(): Promise<SectionResult> {
  const result = await coldStart();
  const { cold_start: cold, bundle } = result;
  const rows: SectionRow[] = [];
  for (const [name, f] of Object.entries(cold.per_function)) {
    const zip = bundle.per_function[name]!;
    rows.push([
      name,
      `import ${f.median_ms} ms vs SDK-only ${f.sdk_only_median_ms} ms = ${f.ratio}x (quiet ${f.quiet_ratio}x); ` +
        `SDK + Powertools alone ${f.powertools_floor}x (quiet ${f.powertools_quiet_floor}x), ` +
        `the function ${f.ratio_to_sdk_and_powertools}x of that; ` +
        `zip ${zip.zip_bytes} B ${verdict(zip.met, `<= ${zip.budget_bytes}`)}`,
    ]);
  }
  const ownBudgets = Object.entries(bundle.per_function).filter(
    ([, z]) => z.budget_bytes !== TARGETS.max_zip_bytes,
  );
  rows.push([
    'worst',
    `${cold.ratio_to_sdk_only}x ${verdict(cold.met, `<= ${TARGETS.ratio_to_sdk_only}`)}; largest zip on the ` +
      `${TARGETS.max_zip_bytes} B budget ${bundle.max_zip_bytes} B; ` +
      `every zip within its budget: ${bundle.met ? 'yes' : 'no: target not met'}` +
      (ownBudgets.length > 0
        ? ` (own budgets: ${ownBudgets.map(([n, z]) => `${n} ${z.budget_bytes} B`).join(', ')})`
        : ''),
  ]);
  return {
    title: `cold start: median import of each function vs its SDK clients and commands alone (${cold.runs} fresh processes each, interleaved)`,
    rows,
    figures: cold,
    siblings: { bundle },
  };
}
