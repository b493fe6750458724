import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The workspace the benchmarks measure. */
export const workspaceRoot = resolve(import.meta.dirname, '..', '..', '..');

/** Every function: each directory under `apps/` with `src/index.ts`, as the Nx plugin finds them. */
export function lambdaApps(): string[] {
  const apps = join(workspaceRoot, 'apps');
  return readdirSync(apps)
    .filter((name) => existsSync(join(apps, name, 'src', 'index.ts')))
    .sort();
}
