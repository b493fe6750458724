import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { envCredentialsOnly } from './envCredentialsOnly.js';
import { precomputeHolidays } from './precomputeHolidays.js';
import { codeSha256, reproducibleZip } from './reproducibleZip.js';
import { trimHolidayData } from './trimHolidayData.js';

/** What a build produced: the zip, its size and the sha256 Lambda will report for it. */
export interface LambdaBundle {
  readonly zipPath: string;
  readonly bytes: number;
  /** Base64 sha256 of the zip, comparable with Lambda's `CodeSha256`. */
  readonly sha256: string;
  /** The files the bundle holds code of (workspace-relative), each with its minified bytes in it. */
  readonly inputs: ReadonlyMap<string, number>;
}

/** The file inside the zip; the Lambda handler string is therefore `index.handler`. */
export const bundleFileName = 'index.mjs';

// Bundled CommonJS dependencies call `require` for Node built-ins; an ES module has none, so give it one.
const requireBanner =
  "import{createRequire as __gaplessCreateRequire}from'node:module';const require=__gaplessCreateRequire(import.meta.url);";

/** esbuild options for one Lambda; exported so tests and benchmarks can see exactly what is built. */
export function lambdaBuildOptions(appDir: string): BuildOptions {
  const root = resolve(appDir);
  return {
    absWorkingDir: resolve(root, '..', '..'),
    entryPoints: [join(root, 'src', 'index.ts')],
    outfile: join(root, bundleFileName),
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    minify: true,
    treeShaking: true,
    // The AWS SDK and powertools ship ES module builds under `module`; they tree-shake far better.
    mainFields: ['module', 'main'],
    conditions: ['module'],
    legalComments: 'none',
    sourcemap: false,
    charset: 'utf8',
    banner: { js: requireBanner },
    // Lambda always puts the role's credentials in AWS_ACCESS_KEY_ID/SECRET/SESSION_TOKEN, so the SDK's
    // default credential chain (SSO, ini, process, web identity, IMDS and the STS/SSO clients behind them,
    // ~58 KB minified) is replaced by its env-only first link. Bundles fail with a clear error where no
    // such variables are set; see envCredentialsOnly.ts and tools/nx-plugin/README.md.
    plugins: [precomputeHolidays(), trimHolidayData(), envCredentialsOnly()],
    logLevel: 'warning',
  };
}

async function bundleSource(appDir: string): Promise<{ contents: Uint8Array; inputs: Map<string, number> }> {
  const options = lambdaBuildOptions(appDir);
  const result = await build(options);
  const [output] = result.outputFiles ?? [];
  if (!output) {
    throw new Error(`esbuild produced no output for ${appDir}`);
  }
  const outputKey = relative(options.absWorkingDir as string, options.outfile as string);
  const meta = result.metafile?.outputs[outputKey];
  const exported = meta?.exports ?? [];
  if (!exported.includes('handler')) {
    throw new Error(
      `${appDir}/src/index.ts must export "handler" (it exports: ${exported.join(', ') || 'nothing'})`,
    );
  }
  // The output's inputs, not the metafile's: those list every file parsed, tree-shaken away or not.
  const inputs = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(meta?.inputs ?? {})) {
    if (bytesInOutput > 0) inputs.set(path, bytesInOutput);
  }
  return { contents: output.contents, inputs };
}

/**
 * Bundles `<appDir>/src/index.ts` into one ES module and writes `<outDir>/<app>.zip` holding only
 * `index.mjs`. The zip is byte-for-byte reproducible, so an unchanged app keeps its `CodeSha256`.
 * `outDir` is emptied first so nothing stale is left next to the zip.
 */
export async function bundleLambda(appDir: string, outDir: string): Promise<LambdaBundle> {
  const { contents, inputs } = await bundleSource(appDir);
  const zip = reproducibleZip({ [bundleFileName]: contents });
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const zipPath = join(outDir, `${basename(resolve(appDir))}.zip`);
  writeFileSync(zipPath, zip);
  return { zipPath, bytes: zip.byteLength, sha256: codeSha256(zip), inputs };
}
