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

  it('writes the entry, a handler with Powertools, a service, a test beside each and a vitest config', async () => {
    // Act
    await lambdaGenerator(tree, { name: 'fx_rates' });

    // Assess
    expect(tree.children('apps/fx_rates/src').sort()).toEqual([
      'handler.test.ts',
      'handler.ts',
      'index.ts',
      'reportDay.test.ts',
      'reportDay.ts',
    ]);
    expect(tree.exists('apps/fx_rates/vitest.config.ts')).toBe(true);
    const entry = tree.read('apps/fx_rates/src/index.ts', 'utf-8');
    expect(entry).toContain('export const handler = createHandler();');
    const handler = tree.read('apps/fx_rates/src/handler.ts', 'utf-8');
    expect(handler).toContain("from '@gapless/lambda-runtime'");
    expect(handler).toContain("createPowertoolsTelemetry('fx_rates')");
    expect(handler).toContain('metrics.publishStoredMetrics()');
    expect(tree.read('apps/fx_rates/src/reportDay.ts', 'utf-8')).toContain("from '@gapless/pipeline-core'");
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
    for (const path of tree
      .children('apps/fx_rates/src')
      .map((file) => `src/${file}`)
      .concat('vitest.config.ts')) {
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
