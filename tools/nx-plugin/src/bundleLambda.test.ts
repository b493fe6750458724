import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lambdaBuildOptions } from './bundleLambda.js';

const root = resolve(import.meta.dirname, '..', '..', '..');

describe('lambdaBuildOptions', () => {
  it('bundles for the one Node major the repository pins (the `node` devDependency, that of nodejs22.x)', () => {
    // Prepare: tools/infra/tests/oneNode.test.ts holds everything else to this major.
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    const pinned = Number(/^(\d+)\./.exec(manifest.devDependencies.node ?? '')?.[1]);

    // Act
    const { target } = lambdaBuildOptions(join(root, 'apps', 'scraper'));

    // Assess
    expect(pinned).toBe(22);
    expect(target).toBe(`node${pinned}`);
  });
});
