import { exportedRowsByYear, type LakeRow } from './lakePartitions.js';

/**
 * The version of what a lake file holds and how (its columns, their types and encoding). It seeds every
 * fingerprint, so raising it makes every partition differ from its marker: the next run rewrites them all
 * in the new layout, and a partition whose write failed keeps an old fingerprint that matches nothing.
 */
export const LAKE_LAYOUT_VERSION = 1;

/** What a partition's file held when it was written: its row count and a hash of its rows. */
export interface PartitionFingerprint {
  readonly rows: number;
  /** FNV-1a 64 of the layout version and every row, as 16 hex digits. */
  readonly hash: string;
}

/** What was exported of one series: the fingerprint of each year's file. */
export type ExportMarker = ReadonlyMap<number, PartitionFingerprint>;

/** One partition of a series in a run: its rows now, their fingerprint, and whether its file must be written. */
export interface PartitionPlan {
  readonly year: number;
  readonly rows: readonly LakeRow[];
  readonly fingerprint: PartitionFingerprint;
  readonly changed: boolean;
}

const encoder = new TextEncoder();

/**
 * FNV-1a, 64 bits, of `bytes`, as 16 hex digits. Computed on four 16-bit limbs so every product stays an
 * exact double: the prime is 2^40 + 0x1b3, so `h * prime` is `h * 0x1b3 + (h << 40)`, modulo 2^64.
 */
export function fnv1a64(bytes: Uint8Array): string {
  // Offset basis 0xcbf29ce484222325, lowest limb first.
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  for (const byte of bytes) {
    h0 ^= byte;
    const t0 = h0 * 0x1b3;
    const t1 = h1 * 0x1b3 + (t0 >>> 16);
    const t2 = h2 * 0x1b3 + (t1 >>> 16) + ((h0 << 8) & 0xffff);
    const t3 = h3 * 0x1b3 + (t2 >>> 16) + (h0 >>> 8) + ((h1 & 0xff) << 8);
    h0 = t0 & 0xffff;
    h1 = t1 & 0xffff;
    h2 = t2 & 0xffff;
    h3 = t3 & 0xffff;
  }
  return [h3, h2, h1, h0].map((limb) => limb.toString(16).padStart(4, '0')).join('');
}

/**
 * The fingerprint of a partition's rows (in the order the file holds them): every column of every row
 * counts, so any change a query could see changes it, and nothing else does.
 */
export function fingerprintRows(rows: readonly LakeRow[]): PartitionFingerprint {
  const lines = rows.map((row) =>
    JSON.stringify([row.day, row.value, row.status, row.source, row.updatedAtMs]),
  );
  const text = `gapless-lake/${LAKE_LAYOUT_VERSION}\n${lines.join('\n')}`;
  return { rows: rows.length, hash: fnv1a64(encoder.encode(text)) };
}

function sameFingerprint(a: PartitionFingerprint | undefined, b: PartitionFingerprint): boolean {
  return a !== undefined && a.rows === b.rows && a.hash === b.hash;
}

/**
 * The partitions of a series for one run: every year that has exported rows now, plus every year the
 * marker holds that has none any more (its file is rewritten empty, so no stale row stays queryable). A
 * partition is `changed` when its fingerprint differs from the marker's, or always when `full`.
 */
export function planPartitions(
  rows: readonly LakeRow[],
  marker: ExportMarker | undefined,
  full: boolean,
): PartitionPlan[] {
  const byYear = exportedRowsByYear(rows);
  for (const year of marker?.keys() ?? []) if (!byYear.has(year)) byYear.set(year, []);
  return [...byYear]
    .sort(([a], [b]) => a - b)
    .map(([year, yearRows]) => {
      const fingerprint = fingerprintRows(yearRows);
      return {
        year,
        rows: yearRows,
        fingerprint,
        changed: full || !sameFingerprint(marker?.get(year), fingerprint),
      };
    });
}

/**
 * The marker after a run: the new fingerprint of every partition written or found unchanged, and the old
 * one of a partition whose write failed (so the next run finds it changed and writes it again).
 */
export function nextMarker(
  previous: ExportMarker | undefined,
  plans: readonly PartitionPlan[],
  written: ReadonlySet<number>,
): Map<number, PartitionFingerprint> {
  const marker = new Map<number, PartitionFingerprint>();
  for (const plan of plans) {
    const kept = plan.changed && !written.has(plan.year) ? previous?.get(plan.year) : plan.fingerprint;
    if (kept !== undefined) marker.set(plan.year, kept);
  }
  return marker;
}
