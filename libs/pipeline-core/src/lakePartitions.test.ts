import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { formatIsoDate, parseIsoDate } from './dates.js';
import { ItemStatus } from './item.js';
import {
  exportedRowsByYear,
  hivePathEscape,
  isExportedRow,
  partitionKey,
  partitionPath,
  yearOf,
  type LakeRow,
} from './lakePartitions.js';

/** Hive's unescaping (FileUtils.unescapePathName): `%XX` back to its character. */
const hiveUnescape = (path: string) =>
  path.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

const row = (date: string, overrides: Partial<LakeRow> = {}): LakeRow => ({
  day: parseIsoDate(date),
  value: 5,
  status: ItemStatus.Ok,
  source: 'bcb-sgs',
  updatedAtMs: Date.parse('2024-06-01T00:00:00.000Z'),
  ...overrides,
});

/** info_types as the catalog accepts them (`FAMILY#NAME`, upper case, digits and `_`). */
const infoTypes = fc
  .tuple(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,11}$/), fc.stringMatching(/^[A-Z0-9][A-Z0-9_]{0,11}$/))
  .map(([family, name]) => `${family}#${name}`);

const statuses = fc.constantFrom(...Object.values(ItemStatus));
const rows = fc.array(
  fc.record({
    day: fc.integer({ min: parseIsoDate('1999-01-01'), max: parseIsoDate('2031-12-31') }),
    value: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true })),
    status: statuses,
    source: fc.option(fc.constantFrom('bcb-sgs', 'bcb-ptax', 'file:incoming/a.csv')),
    updatedAtMs: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  }),
  { maxLength: 200 },
);

describe('partitionPath', () => {
  it('writes the # of an info_type Hive-escaped and the year in four digits', () => {
    // Act
    const path = partitionPath('CURRENCY#USD', 2024);

    // Assess
    expect(path).toBe('series=CURRENCY%23USD/year=2024/');
  });

  it('puts the file under the prefix', () => {
    // Act
    const key = partitionKey('lake/', 'FUEL#DIESEL', 2003);

    // Assess
    expect(key).toBe('lake/series=FUEL%23DIESEL/year=2003/part-0.parquet');
  });

  it('refuses a year that is not a four-digit year, naming the series', () => {
    // Act
    const build = () => partitionPath('CURRENCY#USD', 12345);

    // Assess
    expect(build).toThrow('partition year 12345 of CURRENCY#USD is not a year 0000-9999');
  });

  test.prop([infoTypes, fc.integer({ min: 0, max: 9999 })])(
    'reads back, the Hive way, to the info_type and year it was built from',
    (infoType, year) => {
      // Act
      const [series, yearPart, rest] = partitionPath(infoType, year).split('/');

      // Assess
      expect(rest).toBe('');
      expect(series?.startsWith('series=')).toBe(true);
      expect(hiveUnescape(series?.slice('series='.length) ?? '')).toBe(infoType);
      expect(Number(yearPart?.slice('year='.length))).toBe(year);
    },
  );
});

describe('hivePathEscape', () => {
  it("escapes Hive's set and leaves the rest", () => {
    // Act
    const escaped = hivePathEscape('a#b%c/d=e:f?g*h\'i"j\\k{l[m]n^o\u0001p\u007fq r-s_t.u');

    // Assess
    expect(escaped).toBe('a%23b%25c%2Fd%3De%3Af%3Fg%2Ah%27i%22j%5Ck%7Bl%5Bm%5Dn%5Eo%01p%7Fq r-s_t.u');
  });

  test.prop([fc.string({ unit: 'binary' })])('is undone by Hive’s unescaping', (value) => {
    // Act
    const escaped = hivePathEscape(value);

    // Assess
    expect(escaped).not.toMatch(/[#/=?:*]/);
    expect(hiveUnescape(escaped)).toBe(value);
  });
});

describe('exportedRowsByYear', () => {
  it('keeps OK, ABSENT and QUARANTINED dates and leaves out RETRY and PENDING', () => {
    // Prepare
    const input = [
      row('2024-01-02'),
      row('2024-01-03', { status: ItemStatus.Retry, value: null }),
      row('2024-01-04', { status: ItemStatus.Pending, value: null }),
      row('2024-01-05', { status: ItemStatus.Absent, value: null, source: null }),
      row('2024-01-08', { status: ItemStatus.Quarantined, value: null, source: null }),
    ];

    // Act
    const byYear = exportedRowsByYear(input);

    // Assess
    expect([...byYear.keys()]).toEqual([2024]);
    expect(byYear.get(2024)?.map((kept) => formatIsoDate(kept.day))).toEqual([
      '2024-01-02',
      '2024-01-05',
      '2024-01-08',
    ]);
  });

  it('splits at the turn of the year', () => {
    // Act
    const byYear = exportedRowsByYear([row('2024-01-02'), row('2023-12-29'), row('2023-12-28')]);

    // Assess
    expect([...byYear.keys()]).toEqual([2023, 2024]);
    expect(byYear.get(2023)?.map((kept) => formatIsoDate(kept.day))).toEqual(['2023-12-28', '2023-12-29']);
  });

  test.prop([rows])('holds every exported date once, in its own year, sorted, and nothing else', (input) => {
    // Act
    const byYear = exportedRowsByYear(input);

    // Assess
    const expectedDays = new Set(input.filter(isExportedRow).map((one) => one.day));
    const years = [...byYear.keys()];
    expect(years).toEqual([...years].sort((a, b) => a - b));
    const seen: number[] = [];
    for (const [year, group] of byYear) {
      expect(group.length).toBeGreaterThan(0);
      for (const kept of group) {
        expect(yearOf(kept.day)).toBe(year);
        expect(isExportedRow(kept)).toBe(true);
      }
      const days = group.map((kept) => kept.day);
      expect(days).toEqual([...days].sort((a, b) => a - b));
      seen.push(...days);
    }
    expect(seen.length).toBe(expectedDays.size);
    expect(new Set(seen)).toEqual(expectedDays);
  });
});
