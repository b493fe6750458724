import { build } from 'esbuild';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const hostSource = fileURLToPath(new URL('./lambdaHost.ts', import.meta.url));

/** The lambda host as one plain JavaScript file, in a directory of its own. */
export interface CompiledHost {
  /** The path to hand `fork`. */
  readonly script: string;
  /** Removes the file and its directory; safe to call twice. */
  remove(): Promise<void>;
}

/**
 * Compiles `lambdaHost.ts` (and whatever it imports) to plain JavaScript, so that a host runs on plain
 * `node`. A host that first registered a TypeScript loader (tsx) was ready about 200 ms later and loaded
 * the function's bundle through the loader's hooks: a cost of the local stack, not of the function, that
 * every cold start paid and that Lambda's runtime does not have.
 */
export async function compileHost(): Promise<CompiledHost> {
  const dir = await mkdtemp(join(tmpdir(), 'gapless-lambda-host-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  const script = join(dir, 'lambdaHost.mjs');
  try {
    await build({
      entryPoints: [hostSource],
      outfile: script,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      logLevel: 'silent',
    });
  } catch (error) {
    await remove();
    throw error;
  }
  return { script, remove };
}
