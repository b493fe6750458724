import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository's `apps/`: each directory holding `src/index.ts` is a Lambda function of that name. */
export const appsDir = resolve(import.meta.dirname, '..', '..', '..', 'apps');

/** Every function, sorted: the directories under `apps/` with `src/index.ts`, as the Nx plugin finds them. */
export function listFunctionApps(dir: string = appsDir): string[] {
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, 'src', 'index.ts')))
    .sort();
}
