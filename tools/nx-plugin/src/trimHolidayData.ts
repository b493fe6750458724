import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Plugin } from 'esbuild';

/**
 * The countries whose public holidays a Lambda may ask `date-holidays` for. The pipeline's only holiday
 * calendar is Brazil's business days; a calendar for another country must add its code here, or its
 * Lambda will not know any of that country's holidays (the calendar's own tests run unbundled and will
 * not notice; the plugin's integration test compares the bundle with the library for these countries).
 */
export const holidayCountries: readonly string[] = ['BR'];

const dataModuleExport = 'export const data = ';
const holidayDataFile = /[\\/]date-holidays[\\/]src[\\/]data\.js$/;
const packedZonesFile = /[\\/]moment-timezone[\\/]data[\\/]packed[\\/]latest\.json$/;
const earthSeriesFile = /[\\/]astronomia[\\/]data[\\/]vsop87Bearth\.js$/;
/** Rules that need the sun's position (the 100 KB VSOP87 series of the Earth); Brazil has none. */
const astronomicalRule = /equinox|solstice/i;

/**
 * Stands in for the Earth's VSOP87 series when no kept country has an equinox or solstice rule: the
 * parser builds a `Planet` from it at load time (reading only `name` and `type`), and anything that would
 * really compute with it fails loudly instead of giving a wrong date.
 */
const earthSeriesStub = `export default new Proxy({ name: 'earth', type: 'B' }, {
  get(target, key) {
    if (key in target) return target[key];
    throw new Error('equinox and solstice holidays are not bundled: add the country to holidayCountries in tools/nx-plugin/src/trimHolidayData.ts');
  },
});
`;

interface TrimmedHolidays {
  readonly code: string;
  readonly zones: ReadonlySet<string>;
  readonly needsEarthSeries: boolean;
}

interface HolidayData {
  holidays: Record<string, { zones?: string[] }>;
  [key: string]: unknown;
}

interface PackedZones {
  version: string;
  zones: string[];
  links: string[];
  countries: string[];
}

/** Every time zone named anywhere inside the kept countries' data (the country, its states, regions). */
function zonesIn(value: unknown, found: Set<string>): Set<string> {
  if (Array.isArray(value)) {
    value.forEach((item) => zonesIn(item, found));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'zones' && Array.isArray(inner)) {
        inner.forEach((zone) => found.add(String(zone)));
      } else {
        zonesIn(inner, found);
      }
    }
  }
  return found;
}

/** Keeps the kept countries' holidays only; the other 200 countries are 95% of the library's size. */
export function trimHolidays(source: string, countries: readonly string[]): TrimmedHolidays {
  if (!source.startsWith(dataModuleExport)) {
    throw new Error(
      `date-holidays data module changed shape (expected it to start with "${dataModuleExport}")`,
    );
  }
  const data = JSON.parse(source.slice(dataModuleExport.length).replace(/;?\s*$/, '')) as HolidayData;
  const holidays: HolidayData['holidays'] = {};
  for (const country of countries) {
    const entry = data.holidays[country];
    if (!entry) {
      throw new Error(`date-holidays has no data for country "${country}"`);
    }
    holidays[country] = entry;
  }
  const kept = JSON.stringify({ ...data, holidays });
  return {
    code: `${dataModuleExport}${kept};\n`,
    zones: zonesIn(holidays, new Set(['Etc/UTC'])),
    needsEarthSeries: astronomicalRule.test(JSON.stringify(holidays)),
  };
}

/** Keeps the packed moment-timezone data of `zones` (and the links that lead to them). */
export function trimPackedZones(packed: PackedZones, zones: ReadonlySet<string>): PackedZones {
  const links = packed.links.filter((link) => link.split('|').some((name) => zones.has(name)));
  const needed = new Set([...zones, ...links.map((link) => link.split('|')[0] as string)]);
  return {
    version: packed.version,
    zones: packed.zones.filter((zone) => needed.has(zone.slice(0, zone.indexOf('|')))),
    links: links.filter((link) => needed.has(link.split('|')[0] as string)),
    // Only `zonesForCountry` reads these, and a country entry naming dropped zones would not load.
    countries: [],
  };
}

/**
 * esbuild plugin: bundles `date-holidays` with only `countries`' data, `moment-timezone` (which it uses
 * to place holidays in the country's zones) with only those countries' zones, and the Earth's VSOP87
 * series only when an equinox or solstice rule needs it. Without it a Lambda that touches a holiday
 * calendar carries every country's holidays, the whole tz database and a planetary theory (245 KB zipped).
 */
export function trimHolidayData(countries: readonly string[] = holidayCountries): Plugin {
  // Every hook derives from the same data file, whichever esbuild loads first, so the output never
  // depends on load order (the zip must be reproducible).
  const trimmedByPath = new Map<string, Promise<TrimmedHolidays>>();
  const trimmedAt = (path: string): Promise<TrimmedHolidays> => {
    let trimmed = trimmedByPath.get(path);
    if (!trimmed) {
      trimmed = readFile(path, 'utf8').then((source) => trimHolidays(source, countries));
      trimmedByPath.set(path, trimmed);
    }
    return trimmed;
  };
  return {
    name: 'trim-holiday-data',
    setup(build) {
      // A dependency of date-holidays finds the data module the way date-holidays' own import would;
      // when there is none (someone else's use of the dependency), the dependency is left whole.
      const trimmedNear = async (path: string): Promise<TrimmedHolidays | undefined> => {
        const options = { kind: 'import-statement', resolveDir: dirname(path) } as const;
        const data = await build.resolve('date-holidays/data', options);
        return holidayDataFile.test(data.path) ? trimmedAt(data.path) : undefined;
      };
      build.onLoad({ filter: holidayDataFile }, async ({ path }) => ({
        contents: (await trimmedAt(path)).code,
        loader: 'js',
      }));
      build.onLoad({ filter: packedZonesFile }, async ({ path }) => {
        const packed = JSON.parse(await readFile(path, 'utf8')) as PackedZones;
        const trimmed = await trimmedNear(path);
        return {
          contents: JSON.stringify(trimmed ? trimPackedZones(packed, trimmed.zones) : packed),
          loader: 'json',
        };
      });
      build.onLoad({ filter: earthSeriesFile }, async ({ path }) => {
        const trimmed = await trimmedNear(path);
        return trimmed && !trimmed.needsEarthSeries ? { contents: earthSeriesStub, loader: 'js' } : undefined;
      });
    },
  };
}
