import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EstimateDocument } from '../src/estimate.js';

const cliPath = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Runs `npm run cost`'s command in its own process, as the npm script does after building. */
function runCost(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', tsx, cliPath, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gapless-cost-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('npm run cost, as a process', () => {
  it('refuses a bad flag with a usage error that names it, exit code 2, nothing on stdout', async () => {
    // Act
    const result = await runCost(['--series', '3', '--years', 'ten']);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('--years must be a number of years above 0 and at most 100, got "ten"');
    expect(result.stderr).toContain('Usage: npm run cost');
  });

  it("prints one JSON document whose estimate comes from the run's own counts: another catalog, another estimate", async () => {
    // Prepare: two one-series catalogs of the simulated source, daily and weekly.
    const daily = join(dir, 'daily.json');
    const weekly = join(dir, 'weekly.json');
    const series = (calendar: string) => [
      { info_type: 'SIM#A', source: 'simulated', calendar, start: '2020-01-01' },
    ];
    await writeFile(daily, JSON.stringify(series('daily')));
    await writeFile(weekly, JSON.stringify(series('weekly')));
    const args = ['--years', '2', '--json', '--sample-series', '1', '--window-days', '14'];

    // Act
    const first = await runCost(['--catalog', daily, ...args]);
    const second = await runCost(['--catalog', weekly, ...args]);

    // Assess
    expect(first.code, first.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    const [a, b] = [first, second].map((result) => JSON.parse(result.stdout) as EstimateDocument);
    for (const doc of [a, b]) {
      expect(doc?.backfill_usd).toBeGreaterThan(0);
      expect(doc?.monthly_usd).toBeGreaterThan(0);
      expect(doc?.naive.backfill_usd).toBeGreaterThan(0);
      expect(doc?.ours.measured.map((run) => run.window_days)).toEqual([14, 28]);
    }
    // The daily catalog measured and estimated about seven times the dates of the weekly one.
    expect(a?.ours.measured[1]?.dates).toBeGreaterThan(3 * (b?.ours.measured[1]?.dates ?? Infinity));
    expect(a?.ours.usage.backfill.dynamodb.writeUnits).toBeGreaterThan(
      b?.ours.usage.backfill.dynamodb.writeUnits ?? Infinity,
    );
    expect(a?.backfill_usd).not.toBe(b?.backfill_usd);
    expect(first.stderr).toContain('measuring ours');
  }, 600_000);
});
