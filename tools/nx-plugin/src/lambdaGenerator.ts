import type { Tree } from '@nx/devkit';
import { lambdaTemplates } from './lambdaTemplates.js';

/** Options of `nx g @gapless/nx-plugin:lambda <name>`. */
export interface LambdaGeneratorOptions {
  readonly name: string;
}

/** A Lambda name is also a directory and a function name: keep it portable and unambiguous. */
const lambdaNamePattern = /^[a-z0-9][a-z0-9_-]*$/;
/** Lambda function names are at most 64 characters. */
const maximumNameLength = 64;

/** Throws when `name` cannot be a new app: malformed, too long, or already under `apps/`. */
export function validateLambdaName(tree: Tree, name: unknown): string {
  if (typeof name !== 'string' || !lambdaNamePattern.test(name)) {
    throw new Error(
      `lambda name ${JSON.stringify(name)} must be lowercase letters, digits, '_' or '-', starting with a letter or digit`,
    );
  }
  if (name.length > maximumNameLength) {
    throw new Error(`lambda name "${name}" is longer than ${maximumNameLength} characters`);
  }
  if (tree.exists(`apps/${name}`)) {
    throw new Error(`apps/${name} already exists`);
  }
  return name;
}

/**
 * Writes `apps/<name>` with a wiring-only handler, a passing test and a vitest config. Nothing else is
 * needed: the local plugin infers build, test and lint from `src/index.ts`. The templates are already
 * formatted the way Prettier would (a test holds them to it), so no formatter runs here.
 */
export async function lambdaGenerator(tree: Tree, options: LambdaGeneratorOptions): Promise<void> {
  const name = validateLambdaName(tree, options.name);
  for (const [path, content] of Object.entries(lambdaTemplates(name))) {
    tree.write(`apps/${name}/${path}`, content);
  }
}

export default lambdaGenerator;
