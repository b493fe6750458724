import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { synthesizedTemplate } from './synthesizedTemplate.js';

const require = createRequire(import.meta.url);
const { load } = require('js-yaml') as { load: (source: string) => unknown };

const root = resolve(import.meta.dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};
const major = (version: string) => Number(/(\d+)/.exec(version)?.[1]);

/**
 * The one Node major: the one whose binary the `node` devDependency pins (npm scripts put it first on
 * PATH). Everything else must agree with it, and so with Lambda's runtime of the same major.
 */
const NODE = major(manifest.devDependencies.node ?? '');

describe('one Node major everywhere', () => {
  it('pins the node package exactly, at the major Lambda runs', () => {
    // Assess
    expect(manifest.devDependencies.node).toMatch(/^\d+\.\d+\.\d+$/);
    expect(NODE).toBe(22);
    expect(major(manifest.devDependencies['@types/node'] ?? '')).toBe(NODE);
  });

  it('runs npm scripts, and these tests when npm or npx started them, on that Node', () => {
    // Act
    const underNpm = execFileSync('npm', ['exec', '--offline', '--', 'node', '-p', 'process.versions.node'], {
      cwd: root,
      encoding: 'utf8',
    }).trim();

    // Assess
    expect(major(underNpm)).toBe(NODE);
    if (process.env.npm_command !== undefined) expect(major(process.versions.node)).toBe(NODE);
  });

  it('declares it in engines', () => {
    // Assess
    expect(manifest.engines.node).toMatch(new RegExp(`^\\^${NODE}\\.\\d+\\.\\d+$`));
  });

  it('sets it up in every workflow', () => {
    // Act
    const versions = readdirSync(join(root, '.github', 'workflows')).flatMap((file) => {
      const workflow = load(readFileSync(join(root, '.github', 'workflows', file), 'utf8')) as {
        jobs: Record<string, { steps: { uses?: string; with?: { 'node-version'?: unknown } }[] }>;
      };
      return Object.values(workflow.jobs)
        .flatMap((job) => job.steps)
        .filter((step) => step.uses?.startsWith('actions/setup-node@'))
        .map((step) => [file, step.with?.['node-version']]);
    });

    // Assess
    expect(versions.length).toBeGreaterThanOrEqual(3);
    for (const [file, version] of versions) expect([file, version]).toEqual([file, NODE]);
  });

  it('runs every function on the Lambda runtime of that major', async () => {
    // Prepare
    const { template } = await synthesizedTemplate();

    // Act
    const runtimes = Object.values(template.findResources('AWS::Lambda::Function')).map(
      (fn) => (fn.Properties as { Runtime: string }).Runtime,
    );

    // Assess
    expect(runtimes.length).toBeGreaterThan(0);
    expect(new Set(runtimes)).toEqual(new Set([`nodejs${NODE}.x`]));
  });
});
