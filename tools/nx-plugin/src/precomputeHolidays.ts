import { pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';

/** The pipeline's holiday module, which the bundles carry as a table (see `libs/pipeline-core/src/brazilHolidays.ts`). */
const brazilHolidaysFile = /[\\/]pipeline-core[\\/]src[\\/]brazilHolidays\.ts$/;

/** What the holiday module must export for its table to be computed. */
interface BrazilHolidaysModule {
  readonly brazilHolidayYears: { readonly first: number; readonly last: number };
  brazilClosedDays(year: number): readonly number[];
}

function isBrazilHolidaysModule(value: unknown): value is BrazilHolidaysModule {
  const candidate = value as Partial<BrazilHolidaysModule> | null;
  return (
    typeof candidate?.brazilClosedDays === 'function' &&
    Number.isInteger(candidate.brazilHolidayYears?.first) &&
    Number.isInteger(candidate.brazilHolidayYears?.last)
  );
}

/**
 * The source of a module with the same exports as the holiday module, answering from `offsets` (per year
 * from `first`, the closed days as offsets from 1 January) and refusing any other year loudly. The table
 * is one string (two base-36 digits per day, a space between years): a string literal costs the parser
 * next to nothing at cold start, where an array literal of thousands of numbers is parsed eagerly.
 */
export function holidayTableModule(first: number, offsets: readonly (readonly number[])[]): string {
  const last = first + offsets.length - 1;
  const table = offsets
    .map((days) => days.map((offset) => offset.toString(36).padStart(2, '0')).join(''))
    .join(' ');
  return `import { dayFromCivil } from './dates.js';
export const brazilHolidayYears = { first: ${first}, last: ${last} };
const table = ${JSON.stringify(table)}.split(' ');
export function brazilClosedDays(year) {
  const days = Number.isInteger(year) ? table[year - ${first}] : undefined;
  if (days === undefined) throw new RangeError('Brazilian holidays are bundled for ${first}-${last} only, not ' + year);
  const start = dayFromCivil(year, 1, 1);
  const closed = [];
  for (let i = 0; i < days.length; i += 2) closed.push(start + parseInt(days.slice(i, i + 2), 36));
  return closed;
}
`;
}

/** Runs the real module at build time over its years and returns the table module's source. */
export async function computeHolidayTable(modulePath: string): Promise<string> {
  const loaded: unknown = await import(pathToFileURL(modulePath).href);
  if (!isBrazilHolidaysModule(loaded)) {
    throw new Error(`${modulePath} must export brazilHolidayYears {first, last} and brazilClosedDays(year)`);
  }
  const { first, last } = loaded.brazilHolidayYears;
  const offsets: number[][] = [];
  for (let year = first; year <= last; year += 1) {
    const start = Date.UTC(year, 0, 1) / 86_400_000;
    offsets.push(loaded.brazilClosedDays(year).map((day) => day - start));
  }
  return holidayTableModule(first, offsets);
}

/**
 * esbuild plugin: bundles the pipeline's Brazilian holidays as a table computed, at build time, by the
 * module it replaces (same `date-holidays` version, same rules). The calendar then needs neither
 * `date-holidays` nor moment, moment-timezone and astronomia behind it: ~240 KB less code to ship, parse
 * and run at every cold start. The calendar refuses years outside the table before it asks for them.
 */
export function precomputeHolidays(): Plugin {
  return {
    name: 'precompute-holidays',
    setup(build) {
      build.onLoad({ filter: brazilHolidaysFile }, async ({ path }) => ({
        contents: await computeHolidayTable(path),
        loader: 'js',
      }));
    },
  };
}
