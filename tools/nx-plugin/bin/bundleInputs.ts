import { basename, resolve } from 'node:path';
import { build } from 'esbuild';
import { lambdaBuildOptions } from '../src/bundleLambda.js';

// Prints what takes the room in each Lambda bundle, from esbuild's metafile, largest first:
// `tsx tools/nx-plugin/bin/bundleInputs.ts apps/scraper [apps/data_clustering ...] [--files]`.
// Packages are summed unless `--files` asks for single input files. Minified bytes, before zipping.
const args = process.argv.slice(2);
const byFile = args.includes('--files');
const appDirs = args.filter((arg) => !arg.startsWith('--'));
if (appDirs.length === 0) {
  console.error('usage: bundleInputs.ts <apps/name>... [--files]');
  process.exit(2);
}

/** The npm package an input belongs to, or the workspace file itself. */
function ownerOf(path: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  return match ? (match[1] as string) : path;
}

for (const appDir of appDirs) {
  const result = await build(lambdaBuildOptions(resolve(appDir)));
  const [output] = Object.values(result.metafile?.outputs ?? {});
  if (!output) throw new Error(`esbuild produced no output for ${appDir}`);
  const sizes = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    const key = byFile ? path : ownerOf(path);
    sizes.set(key, (sizes.get(key) ?? 0) + bytesInOutput);
  }
  console.log(`\n${basename(resolve(appDir))}: ${output.bytes} bytes minified`);
  for (const [key, bytes] of [...sizes].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`  ${String(bytes).padStart(8)}  ${key}`);
  }
}
