import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Holidays from 'date-holidays';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleLambda } from '../src/bundleLambda.js';

// A real app directory under apps/ proves the whole path: inference by Nx, bundling of the workspace
// library, the zip, and a handler that runs in a Node process that has never seen the sources.
const workspaceRoot = resolve(import.meta.dirname, '..', '..', '..');
const name = `zz_probe_${randomBytes(4).toString('hex')}`;
const appDir = join(workspaceRoot, 'apps', name);
const scratch = mkdtempSync(join(tmpdir(), 'nx-plugin-probe-'));
const nxEnv = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_USE_LOCAL: 'true' };

const probeHandler = `import Holidays from 'date-holidays';
import { formatIsoDate, parseIsoDate } from '@gapless/pipeline-core';

/** Answers the day after the scheduled time's date, through the library, and Brazil's holidays. */
export const handler = async (event: { time: string }) => ({
  next: formatIsoDate(parseIsoDate(event.time.slice(0, 10)) + 1),
  holidays: listHolidays(Holidays),
});

// Contextually typed, so the function copied from the test type-checks without annotations of its own.
const listHolidays: (holidays: typeof Holidays) => string[] = ${brazilHolidays.toString()};
`;
// Present only so that anyone running every app's tests while the probe exists does not trip on it.
const probeTest = `import { expect, it } from 'vitest';
import { handler } from './index.js';

it('answers the next day', async () => {
  // Act
  const answer = await handler({ time: '2024-02-28T10:00:00Z' });

  // Assess
  expect(answer).toMatchObject({ next: '2024-02-29' });
});
`;

/** Brazil's holidays over decades, as date-holidays computes them; runs both here and inside the bundle. */
function brazilHolidays(HolidaysClass: typeof Holidays): string[] {
  const calendar = new HolidaysClass('BR');
  const found: string[] = [];
  for (let year = 1990; year <= 2060; year += 1) {
    for (const holiday of calendar.getHolidays(year)) {
      found.push(`${holiday.date} ${holiday.start.toISOString()} ${holiday.type} ${holiday.name}`);
    }
  }
  return found;
}

const scheduledEvent = {
  version: '0',
  id: 'probe-1',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2024-12-31T06:00:00Z',
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:123456789012:rule/probe'],
  detail: {},
};

/** Builds through the same CLI the Nx target runs, in a fresh process with the given time zone. */
function buildInChild(outDir: string, tz: string): string {
  const tsx = join(workspaceRoot, 'node_modules', '.bin', 'tsx');
  const cli = join(workspaceRoot, 'tools', 'nx-plugin', 'bin', 'buildLambda.ts');
  execFileSync(tsx, [cli, `apps/${name}`, '--out', outDir], {
    cwd: workspaceRoot,
    env: { ...process.env, TZ: tz },
  });
  return join(outDir, `${name}.zip`);
}

/** Extracts the zip and calls its handler from a fresh Node process; returns what the handler returned. */
function invokeInFreshNode(zipPath: string): unknown {
  const files = unzipSync(readFileSync(zipPath));
  const runDir = join(scratch, `run-${randomBytes(4).toString('hex')}`);
  mkdirSync(runDir);
  writeFileSync(join(runDir, 'index.mjs'), files['index.mjs'] as Uint8Array);
  const script = `const { handler } = await import(${JSON.stringify(join(runDir, 'index.mjs'))});
process.stdout.write(JSON.stringify(await handler(JSON.parse(process.argv[1]))));`;
  const stdout = execFileSync(
    process.execPath,
    ['--input-type=module', '-e', script, JSON.stringify(scheduledEvent)],
    {
      cwd: runDir,
      encoding: 'utf8',
    },
  );
  return JSON.parse(stdout);
}

describe('a directory under apps/ is a Lambda', () => {
  beforeAll(() => {
    mkdirSync(join(appDir, 'src'), { recursive: true });
    writeFileSync(join(appDir, 'src', 'index.ts'), probeHandler);
    writeFileSync(join(appDir, 'src', 'index.test.ts'), probeTest);
  });

  afterAll(() => {
    rmSync(appDir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  it('gets build, test and lint from Nx without any configuration', () => {
    // Act
    const stdout = execFileSync('npx', ['nx', 'show', 'project', name, '--json'], {
      cwd: workspaceRoot,
      env: nxEnv,
      encoding: 'utf8',
    });

    // Assess
    const project = JSON.parse(stdout);
    expect(project).toMatchObject({
      name,
      root: `apps/${name}`,
      projectType: 'application',
      tags: ['type:app', `fn:${name}`],
    });
    expect(Object.keys(project.targets).sort()).toEqual(['build', 'lint', 'test']);
  }, 120_000);

  it('bundles into a zip holding only index.mjs whose handler runs in a fresh Node process', async () => {
    // Act
    const bundle = await bundleLambda(appDir, join(scratch, 'in-process'));

    // Assess
    expect(Object.keys(unzipSync(readFileSync(bundle.zipPath)))).toEqual(['index.mjs']);
    expect(bundle.bytes).toBeLessThan(200 * 1024);
    // The files whose code the bundle holds, each with its bytes: the app's entry and the library it calls.
    expect(bundle.inputs.get(`apps/${name}/src/index.ts`)).toBeGreaterThan(0);
    expect([...bundle.inputs.keys()].some((path) => path.includes('node_modules/date-holidays/'))).toBe(true);
    expect([...bundle.inputs.values()].every((bytes) => bytes > 0)).toBe(true);
    // The bundle carries only Brazil's slice of date-holidays; it must still give the library's answers.
    expect(invokeInFreshNode(bundle.zipPath)).toEqual({
      next: '2025-01-01',
      holidays: brazilHolidays(Holidays),
    });
  }, 60_000);

  it('builds byte-for-byte the same zip in every process and time zone', async () => {
    // Prepare
    const reference = await bundleLambda(appDir, join(scratch, 'reference'));

    // Act
    const zips = [
      buildInChild(join(scratch, 'utc'), 'UTC'),
      buildInChild(join(scratch, 'utc-again'), 'UTC'),
      buildInChild(join(scratch, 'los-angeles'), 'America/Los_Angeles'),
      buildInChild(join(scratch, 'tokyo'), 'Asia/Tokyo'),
    ];

    // Assess
    for (const zipPath of zips) {
      expect(Buffer.from(readFileSync(zipPath)).equals(readFileSync(reference.zipPath))).toBe(true);
    }
  }, 120_000);
});
