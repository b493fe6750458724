import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../src/cli.js';
import { runNpm } from './npmScript.js';

const scratch: string[] = [];
afterAll(async () => {
  await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function runCli(argv: string[], env: Record<string, string | undefined> = {}, cwd = process.cwd()) {
  const output = { out: '', err: '' };
  const io: CliIo = { out: (text) => (output.out += text), err: (text) => (output.err += text), env, cwd };
  const code = await main(argv, io);
  return { code, ...output };
}

async function catalogFile(entries: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gapless-catalog-'));
  scratch.push(dir);
  const path = join(dir, 'series.json');
  await writeFile(path, typeof entries === 'string' ? entries : JSON.stringify(entries));
  return path;
}

const usd = {
  info_type: 'CURRENCY#USD',
  source: 'bcb-sgs',
  code: 1,
  calendar: 'BR-business',
  start: '2015-01-02',
};

describe('npm run catalog', () => {
  it('--json prints only the catalog in force as JSON: real sources, a real FUEL#DIESEL', async () => {
    // Act: the real command path, as a user types it
    const result = await runNpm(['run', '-s', 'catalog', '--', '--json']);

    // Assess
    expect(result.code, result.stderr).toBe(0);
    const catalog = JSON.parse(result.stdout) as { info_type: string; source: string }[];
    expect(catalog.map((entry) => entry.source)).not.toContain('simulated');
    expect(catalog.find((entry) => entry.info_type === 'FUEL#DIESEL')?.source).toBe('ipea');
  }, 60_000);

  it('prints a table of the catalog in force, naming where it comes from', async () => {
    // Act
    const fromFile = await runCli(['catalog']);
    const overridden = await runCli(['catalog'], { SERIES_CATALOG: JSON.stringify([usd]) });

    // Assess
    expect(fromFile.code).toBe(0);
    expect(fromFile.out).toMatch(/^series +source +code +calendar +start +lag days +values$/m);
    expect(fromFile.out).toMatch(/^INFLATION#IPCA +bcb-sgs +433 +monthly +2015-01-01 +45 +any$/m);
    expect(fromFile.out).toContain('from libs/catalog/series.json');
    expect(overridden.out).toMatch(/^CURRENCY#USD +bcb-sgs +1 +BR-business +2015-01-02 +1 +positive$/m);
    expect(overridden.out).toContain('1 series, from SERIES_CATALOG');
  });

  it('--check says a valid file is valid', async () => {
    // Prepare
    const path = await catalogFile([usd]);

    // Act
    const result = await runCli(['catalog', '--check', path]);

    // Assess
    expect(result).toEqual({ code: 0, out: `${path}: 1 series, valid\n`, err: '' });
  });

  it.each([
    [
      'a start before the calendar covers',
      [{ ...usd, start: '1899-12-01' }],
      /catalog entry CURRENCY#USD: start 1899-12-01 is outside/,
    ],
    ['an unknown source', [{ ...usd, source: 'bcb' }], /catalog entry CURRENCY#USD: unknown source "bcb"/],
    ['a series twice', [usd, usd], /catalog entry CURRENCY#USD: .*#0 and #1/],
    ['bounds and a sign', [{ ...usd, bounds: { min: 1, max: 2 }, sign: 'any' }], /give "bounds" or "sign"/],
    [
      'a typo in a field',
      [{ ...usd, calender: 'daily' }],
      /catalog entry CURRENCY#USD: unknown field "calender"/,
    ],
    ['not JSON', '[{"info_type":', /is not valid JSON/],
  ])('--check refuses %s, naming the file, the entry and the field (exit 1)', async (_, entries, message) => {
    // Prepare
    const path = await catalogFile(entries);

    // Act
    const result = await runCli(['catalog', '--check', path]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    expect(result.err.startsWith(`${path}: `)).toBe(true);
    expect(result.err).toMatch(message);
  });

  it('--check names a file it cannot read', async () => {
    // Act
    const result = await runCli(['catalog', '--check', 'no/such/catalog.json']);

    // Assess
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^cannot read no\/such\/catalog.json: /);
  });
});
