import { build } from 'esbuild';
import { zipSync } from 'fflate';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The naive design's functions, under the names the local stack runs (its zips replace the pipeline's). */
export const naiveFunctions = ['data_clustering', 'scraper', 'retry_recheck'] as const;

/** The function every local run ends with, whatever the design (the lake export; the naive usage drops it). */
const sharedFunctions = ['lake_export'] as const;

// Bundled CommonJS dependencies call `require` for Node built-ins; an ES module has none, so give it one.
const requireBanner =
  "import{createRequire as __naiveRequire}from'node:module';const require=__naiveRequire(import.meta.url);";

/**
 * Builds the naive handlers (`src/naive/<name>/src/index.ts`) into `<outDir>/<name>/<name>.zip` (one ES
 * module `index.mjs` exporting `handler`, as the pipeline's zips), and copies the shared functions' zips
 * from `distDir`, so that `--dist-dir outDir` runs the naive design through the same local stack. esbuild
 * directly, not the Nx plugin's bundler: the plugin's tests run the local stack, which prices its runs with
 * this package, so depending on the plugin would close a cycle. Its size trims (holidays, credentials)
 * are not applied: the naive bundles load a little slower, which only touches their cold starts.
 */
export async function buildNaiveDist(outDir: string, distDir: string): Promise<string> {
  for (const name of naiveFunctions) {
    const result = await build({
      entryPoints: [fileURLToPath(new URL(`./naive/${name}/src/index.ts`, import.meta.url))],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node22',
      minify: true,
      mainFields: ['module', 'main'],
      banner: { js: requireBanner },
      logLevel: 'warning',
    });
    const code = result.outputFiles[0]?.contents;
    if (!code) throw new Error(`esbuild produced no output for the naive ${name}`);
    await mkdir(join(outDir, name), { recursive: true });
    await writeFile(join(outDir, name, `${name}.zip`), zipSync({ 'index.mjs': code }));
  }
  for (const name of sharedFunctions) {
    await mkdir(join(outDir, name), { recursive: true });
    await copyFile(join(distDir, name, `${name}.zip`), join(outDir, name, `${name}.zip`));
  }
  return outDir;
}
