import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { computeHolidayTable, holidayTableModule } from './precomputeHolidays.js';

const libSource = resolve(import.meta.dirname, '..', '..', '..', 'libs', 'pipeline-core', 'src');
const holidayModule = join(libSource, 'brazilHolidays.ts');
const scratch = mkdtempSync(join(tmpdir(), 'precompute-holidays-'));

interface HolidayExports {
  readonly brazilHolidayYears: { readonly first: number; readonly last: number };
  brazilClosedDays(year: number): number[];
}

/** Bundles a generated table module next to the library's dates.ts and imports it, as a Lambda would. */
async function loadTable(source: string, name: string): Promise<HolidayExports> {
  const outfile = join(scratch, `${name}.mjs`);
  await build({
    stdin: { contents: source, resolveDir: libSource, loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile,
    logLevel: 'silent',
  });
  return (await import(pathToFileURL(outfile).href)) as HolidayExports;
}

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('precomputed Brazilian holidays', () => {
  it('answer exactly what date-holidays answers, for every year the calendar accepts', async () => {
    // Prepare
    const real = (await import(pathToFileURL(holidayModule).href)) as HolidayExports;

    // Act
    const table = await loadTable(await computeHolidayTable(holidayModule), 'real');

    // Assess
    expect(table.brazilHolidayYears).toEqual(real.brazilHolidayYears);
    const { first, last } = real.brazilHolidayYears;
    for (let year = first; year <= last; year += 1) {
      expect(table.brazilClosedDays(year)).toEqual(real.brazilClosedDays(year));
    }
  }, 60_000);

  it('refuse a year outside the table instead of answering "no holidays"', async () => {
    // Prepare
    const table = await loadTable(holidayTableModule(2000, [[0, 365]]), 'small');

    // Act / Assess
    expect(table.brazilClosedDays(2000)).toEqual([10957, 11322]);
    expect(() => table.brazilClosedDays(2001)).toThrow('bundled for 2000-2000 only, not 2001');
    expect(() => table.brazilClosedDays(1999.5)).toThrow(RangeError);
  });

  it('fail the build when the module no longer exports what the table needs', async () => {
    // Prepare
    const changed = join(scratch, 'changed.mjs');
    writeFileSync(changed, 'export const somethingElse = 1;\n');

    // Act / Assess
    await expect(computeHolidayTable(changed)).rejects.toThrow(/must export brazilHolidayYears/);
  });
});
