import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { format, resolveConfig } from 'prettier';
import { beforeEach, describe, expect, it } from 'vitest';
import { lambdaGenerator } from './lambdaGenerator.js';

describe('lambdaGenerator', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it('writes a wiring-only handler, a test and a vitest config', async () => {
    // Act
    await lambdaGenerator(tree, { name: 'fx_rates' });

    // Assess
    expect(tree.exists('apps/fx_rates/src/index.ts')).toBe(true);
    expect(tree.exists('apps/fx_rates/src/index.test.ts')).toBe(true);
    expect(tree.exists('apps/fx_rates/vitest.config.ts')).toBe(true);
    const handler = tree.read('apps/fx_rates/src/index.ts', 'utf-8');
    expect(handler).toContain("from '@gapless/pipeline-core'");
    expect(handler).toContain('export const handler');
    expect(tree.read('apps/fx_rates/src/index.test.ts', 'utf-8')).toContain("from './index.js'");
  });

  it('writes no project.json: the plugin infers the targets', async () => {
    // Act
    await lambdaGenerator(tree, { name: 'fx-rates' });

    // Assess
    expect(tree.exists('apps/fx-rates/project.json')).toBe(false);
    expect(tree.exists('apps/fx-rates/package.json')).toBe(false);
  });

  it.each(['FxRates', 'fx rates', '-fx', 'fx.rates', '', 'a/b', 'x'.repeat(65)])(
    'refuses the name %j',
    async (name) => {
      // Act
      const generate = lambdaGenerator(tree, { name });

      // Assess
      await expect(generate).rejects.toThrow(/lambda name/);
      expect(tree.exists('apps')).toBe(false);
    },
  );

  it('writes files exactly as Prettier formats them', async () => {
    // Act
    await lambdaGenerator(tree, { name: 'fx_rates' });

    // Assess
    for (const path of ['src/index.ts', 'src/index.test.ts', 'vitest.config.ts']) {
      const written = tree.read(`apps/fx_rates/${path}`, 'utf-8') ?? '';
      const filepath = `${import.meta.dirname}/../../../apps/fx_rates/${path}`;
      const config = (await resolveConfig(filepath)) ?? {};
      expect(await format(written, { ...config, filepath })).toBe(written);
    }
  });

  it('refuses an app that already exists and leaves it untouched', async () => {
    // Prepare
    tree.write('apps/scraper/src/index.ts', 'export const handler = () => 1;\n');

    // Act
    const generate = lambdaGenerator(tree, { name: 'scraper' });

    // Assess
    await expect(generate).rejects.toThrow('apps/scraper already exists');
    expect(tree.read('apps/scraper/src/index.ts', 'utf-8')).toBe('export const handler = () => 1;\n');
  });
});
