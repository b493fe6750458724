import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { parseIsoDate } from './dates.js';
import { ItemStatus } from './item.js';
import {
  fingerprintRows,
  fnv1a64,
  nextMarker,
  planPartitions,
  type ExportMarker,
} from './lakeFingerprint.js';
import type { LakeRow } from './lakePartitions.js';

const encode = (text: string) => new TextEncoder().encode(text);

/** FNV-1a 64 the plain way, on BigInt: the reference the limb arithmetic must agree with. */
function referenceFnv1a64(bytes: Uint8Array): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of bytes) hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return hash.toString(16).padStart(16, '0');
}

const row = (date: string, overrides: Partial<LakeRow> = {}): LakeRow => ({
  day: parseIsoDate(date),
  value: 4.8916,
  status: ItemStatus.Ok,
  source: 'bcb-sgs',
  updatedAtMs: Date.parse('2024-06-01T00:00:00.000Z'),
  ...overrides,
});

const arbitraryRow = fc.record({
  day: fc.integer({ min: parseIsoDate('2015-01-01'), max: parseIsoDate('2026-12-31') }),
  value: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true })),
  status: fc.constantFrom(ItemStatus.Ok, ItemStatus.Absent, ItemStatus.Quarantined, ItemStatus.Retry),
  source: fc.option(fc.constantFrom('bcb-sgs', 'bcb-ptax')),
  updatedAtMs: fc.integer({ min: 0, max: 4_102_444_800_000 }),
});

describe('fnv1a64', () => {
  it.each([
    ['', 'cbf29ce484222325'],
    ['a', 'af63dc4c8601ec8c'],
    ['foobar', '85944171f73967e8'],
  ])('gives the published FNV-1a 64 of %j', (text, expected) => {
    // Act
    const hash = fnv1a64(encode(text));

    // Assess
    expect(hash).toBe(expected);
  });

  test.prop([fc.uint8Array({ maxLength: 300 })])('agrees with the BigInt computation', (bytes) => {
    // Act
    const hash = fnv1a64(bytes);

    // Assess
    expect(hash).toBe(referenceFnv1a64(bytes));
  });
});

describe('fingerprintRows', () => {
  it('counts the rows', () => {
    // Act
    const fingerprint = fingerprintRows([row('2024-01-02'), row('2024-01-03')]);

    // Assess
    expect(fingerprint.rows).toBe(2);
    expect(fingerprint.hash).toMatch(/^[0-9a-f]{16}$/);
  });

  const fieldChanges: [string, (original: LakeRow) => LakeRow][] = [
    ['day', (original) => ({ ...original, day: original.day + 1 })],
    // -x, not x + 1: adding 1 to a double beyond 2^53 gives it back unchanged.
    ['value', (original) => ({ ...original, value: original.value ? -original.value : 1 })],
    ['value to null', (original) => ({ ...original, value: original.value === null ? 1 : null })],
    [
      'status',
      (original) => ({
        ...original,
        status: original.status === ItemStatus.Ok ? ItemStatus.Absent : ItemStatus.Ok,
      }),
    ],
    ['source', (original) => ({ ...original, source: original.source === null ? 'x' : null })],
    ['updatedAtMs', (original) => ({ ...original, updatedAtMs: original.updatedAtMs + 1 })],
  ];
  test.prop([
    fc.array(arbitraryRow, { minLength: 1, maxLength: 50 }),
    fc.nat(),
    fc.constantFrom(...fieldChanges),
  ])('changes when any column of any row changes', (rows, at, [, change]) => {
    // Prepare
    const index = at % rows.length;
    const changed = rows.map((original, i) => (i === index ? change(original) : original));

    // Act
    const before = fingerprintRows(rows);
    const after = fingerprintRows(changed);

    // Assess
    expect(after.hash).not.toBe(before.hash);
  });
});

describe('planPartitions', () => {
  const rows = [row('2023-12-29'), row('2024-01-02'), row('2024-01-03')];
  const markerOf = (input: readonly LakeRow[]): ExportMarker =>
    new Map(planPartitions(input, undefined, false).map((plan) => [plan.year, plan.fingerprint]));

  it('marks every partition changed when the series has no marker yet', () => {
    // Act
    const plans = planPartitions(rows, undefined, false);

    // Assess
    expect(plans.map(({ year, changed, rows: kept }) => [year, changed, kept.length])).toEqual([
      [2023, true, 1],
      [2024, true, 2],
    ]);
  });

  it('marks only the partition whose rows changed since the marker', () => {
    // Prepare
    const marker = markerOf(rows);
    const now = [rows[0] as LakeRow, rows[1] as LakeRow, row('2024-01-03', { value: 4.9 })];

    // Act
    const plans = planPartitions(now, marker, false);

    // Assess
    expect(plans.map(({ year, changed }) => [year, changed])).toEqual([
      [2023, false],
      [2024, true],
    ]);
  });

  it('marks every partition changed when asked for a full export', () => {
    // Act
    const plans = planPartitions(rows, markerOf(rows), true);

    // Assess
    expect(plans.every((plan) => plan.changed)).toBe(true);
  });

  it('ignores a date that only moved from RETRY to RETRY (work in progress is not exported)', () => {
    // Prepare
    const retry = row('2024-01-04', { status: ItemStatus.Retry, value: null });
    const marker = markerOf([...rows, retry]);

    // Act
    const plans = planPartitions(
      [...rows, { ...retry, updatedAtMs: retry.updatedAtMs + 60_000 }],
      marker,
      false,
    );

    // Assess
    expect(plans.some((plan) => plan.changed)).toBe(false);
  });

  it('plans an empty file for a year the marker holds that has no exported row any more', () => {
    // Prepare: 2023's only date was quarantined, then released (RETRY): nothing of 2023 is exported now.
    const quarantined = row('2023-12-29', { status: ItemStatus.Quarantined, value: null });
    const marker = markerOf([quarantined, rows[1] as LakeRow]);
    const released = { ...quarantined, status: ItemStatus.Retry };

    // Act
    const first = planPartitions([released, rows[1] as LakeRow], marker, false);
    const nextRun = planPartitions(
      [released, rows[1] as LakeRow],
      nextMarker(marker, first, new Set([2023])),
      false,
    );

    // Assess
    expect(first.map(({ year, changed, rows: kept }) => [year, changed, kept.length])).toEqual([
      [2023, true, 0],
      [2024, false, 1],
    ]);
    expect(nextRun.some((plan) => plan.changed)).toBe(false);
  });

  test.prop([fc.array(arbitraryRow, { maxLength: 80 }), fc.boolean()])(
    'finds nothing changed against the marker of the same rows, in any order',
    (input, reverse) => {
      // Prepare
      const unique = [...new Map(input.map((one) => [one.day, one])).values()];
      const marker = markerOf(unique);
      const again = reverse ? [...unique].reverse() : unique;

      // Act
      const plans = planPartitions(again, marker, false);

      // Assess
      expect(plans.filter((plan) => plan.changed)).toEqual([]);
    },
  );
});

describe('nextMarker', () => {
  it('keeps the old fingerprint of a partition whose write failed, so the next run writes it again', () => {
    // Prepare
    const old = new Map(
      planPartitions([row('2023-12-29'), row('2024-01-02')], undefined, false).map((p) => [
        p.year,
        p.fingerprint,
      ]),
    );
    const now = [row('2023-12-29', { value: 1 }), row('2024-01-02', { value: 2 })];
    const plans = planPartitions(now, old, false);

    // Act
    const marker = nextMarker(old, plans, new Set([2024]));
    const nextRun = planPartitions(now, marker, false);

    // Assess
    expect(marker.get(2023)).toEqual(old.get(2023));
    expect(marker.get(2024)).toEqual(plans[1]?.fingerprint);
    expect(nextRun.map(({ year, changed }) => [year, changed])).toEqual([
      [2023, true],
      [2024, false],
    ]);
  });

  it('leaves out a new partition whose first write failed', () => {
    // Prepare
    const plans = planPartitions([row('2024-01-02')], undefined, false);

    // Act
    const marker = nextMarker(undefined, plans, new Set());

    // Assess
    expect(marker.size).toBe(0);
  });
});
