import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeSha256 } from '../src/codeSha256.js';
import type { SyncOptions } from '../src/options.js';

/** A temporary workspace with `apps/<name>/` directories and, for `built` ones, a zip of `zip-of-<name>`. */
export async function makeWorkspace(apps: readonly string[], built: readonly string[] = apps) {
  const root = await mkdtemp(join(tmpdir(), 'sync-lambdas-'));
  for (const name of apps) await mkdir(join(root, 'apps', name, 'src'), { recursive: true });
  for (const name of built) {
    await mkdir(join(root, 'dist', 'apps', name), { recursive: true });
    await writeFile(join(root, 'dist', 'apps', name, `${name}.zip`), zipBytes(name));
  }
  return { root, appsDir: join(root, 'apps'), distDir: join(root, 'dist', 'apps') };
}

/** The bytes of the fake zip of `name`. */
export function zipBytes(name: string): Uint8Array {
  return new TextEncoder().encode(`zip-of-${name}`);
}

/** The `CodeSha256` Lambda would report for the fake zip of `name`. */
export function shaOf(name: string): string {
  return codeSha256(zipBytes(name));
}

/** Options as parsed from a typical CI command line, overridable per test. */
export function makeOptions(overrides: Partial<SyncOptions> = {}): SyncOptions {
  return {
    selection: 'list',
    functions: ['scraper'],
    roleArn: 'arn:aws:iam::123456789012:role/gapless-deploy',
    durationSeconds: 900,
    useDefaultCredentials: false,
    allowedAccountIds: ['123456789012'],
    region: 'us-east-1',
    dryRun: false,
    alias: 'live',
    watchMinutes: 0,
    concurrency: 3,
    maxAttempts: 5,
    appsDir: 'apps',
    distDir: 'dist/apps',
    ...overrides,
  };
}

/** A retry policy that does not wait, for tests. */
export const instantRetry = {
  maxAttempts: 5,
  baseDelayMs: 1,
  maxDelayMs: 1,
  sleep: async () => undefined,
  random: () => 0.5,
};
