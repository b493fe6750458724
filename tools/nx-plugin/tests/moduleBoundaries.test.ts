import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');

/** Lints `code` as if it were the file at `path` (relative to the workspace root), with the workspace's config. */
async function ruleIdsFor(path: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message);
}

describe('module boundaries', () => {
  beforeAll(() => {
    // The rule reads Nx's cached project graph and silently skips itself without one (a fresh clone).
    execFileSync('npx', ['nx', 'show', 'projects'], {
      cwd: root,
      stdio: 'ignore',
      env: { ...process.env, NX_DAEMON: 'false' },
    });
  }, 120_000);

  it.each([
    [
      'an app importing another app',
      'apps/scraper/src/zz.ts',
      "export { handler } from '../../data_clustering/src/index.js';\n",
    ],
    [
      'a lib importing an app',
      'libs/pipeline-core/src/zz.ts',
      "export { handler } from '../../../apps/scraper/src/index.js';\n",
    ],
    [
      'a tool importing an app',
      'tools/bench/src/zz.ts',
      "export { handler } from '../../../apps/scraper/src/index.js';\n",
    ],
  ])('refuse %s', async (_, path, code) => {
    expect(await ruleIdsFor(path, code)).toContain('@nx/enforce-module-boundaries');
  });

  it('allow an app to import the library by its package name', async () => {
    const code = "export { formatIsoDate } from '@gapless/pipeline-core';\n";
    expect(await ruleIdsFor('apps/scraper/src/zz.ts', code)).not.toContain('@nx/enforce-module-boundaries');
  });
});
