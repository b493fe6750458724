import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleLambda } from '../src/bundleLambda.js';

// The build target of every app runs this from the workspace root: `tsx tools/nx-plugin/bin/buildLambda.ts apps/<name>`.
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { out: { type: 'string' } },
});
const [appDir] = positionals;
if (!appDir || positionals.length !== 1) {
  console.error('usage: buildLambda.ts <apps/name> [--out <dir>]');
  process.exit(2);
}
const name = basename(resolve(appDir));
const outDir = values.out ?? join('dist', 'apps', name);
const bundle = await bundleLambda(appDir, outDir);
console.log(`${bundle.zipPath}  ${bundle.bytes} bytes  CodeSha256 ${bundle.sha256}`);
