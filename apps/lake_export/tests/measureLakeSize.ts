// Prints what the lake costs in files and bytes: `npx tsx apps/lake_export/tests/measureLakeSize.ts`.
// - bytes per 10,000 values, as lake_export lays them out (one file per year) and as one file, for Snappy
//   (what it writes), no compression and gzip (for comparison; gzip would need a compressor passed in);
// - files and bytes per series of the bundled catalog, from its first date to today, with simulated values.
import { DEFAULT_CATALOG } from '@gapless/catalog';
import {
  exportedRowsByYear,
  expectedDates,
  ItemStatus,
  parseIsoDate,
  type LakeRow,
} from '@gapless/pipeline-core';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { gzipSync } from 'node:zlib';
import { encodePartition, lakeFileSchema } from '../src/parquetPartition.js';

type Codec = 'SNAPPY' | 'UNCOMPRESSED' | 'GZIP';

/** Rows as the pipeline writes them: a seeded walk with four decimals, stamped in batches of 25. */
function walk(days: ArrayLike<number>, seed: number): LakeRow[] {
  let state = seed;
  let value = 5;
  const rows: LakeRow[] = [];
  for (let index = 0; index < days.length; index += 1) {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    value = Math.max(0.5, Math.round((value + (state / 2_147_483_648 - 0.5) * 0.06) * 10_000) / 10_000);
    rows.push({
      day: days[index] as number,
      value,
      status: ItemStatus.Ok,
      source: 'bcb-sgs',
      updatedAtMs: Date.UTC(2024, 0, 2) + Math.floor(index / 25) * 180,
    });
  }
  return rows;
}

function encode(rows: readonly LakeRow[], codec: Codec): number {
  if (codec === 'SNAPPY') return encodePartition(rows).byteLength;
  const columns = lakeFileSchema.slice(1).map((element) => element.name);
  const data: Record<string, unknown[]> = {
    date: rows.map((row) => row.day),
    value: rows.map((row) => row.value),
    status: rows.map((row) => row.status),
    source: rows.map((row) => row.source),
    updated_at: rows.map((row) => row.updatedAtMs),
  };
  const buffer = parquetWriteBuffer({
    columnData: columns.map((name) => ({
      name,
      data: data[name] as unknown[],
      ...(name === 'date' || name === 'updated_at' ? { encoding: 'DELTA_BINARY_PACKED' as const } : {}),
    })),
    schema: lakeFileSchema,
    codec,
    compressors: { GZIP: (input: Uint8Array) => new Uint8Array(gzipSync(input)) },
    rowGroupSize: 1_000_000,
  });
  return buffer.byteLength;
}

/** Bytes of the lake's files for `rows`, one per year. */
function lakeBytes(rows: readonly LakeRow[], codec: Codec): { files: number; bytes: number } {
  const byYear = exportedRowsByYear(rows);
  let bytes = 0;
  for (const yearRows of byYear.values()) bytes += encode(yearRows, codec);
  return { files: byYear.size, bytes };
}

// 10,000 weekdays back from the end of 2025: about 38 years of a business-day series.
const weekdays: number[] = [];
for (let day = parseIsoDate('2025-12-31'); weekdays.length < 10_000; day -= 1) {
  const weekday = (((day + 4) % 7) + 7) % 7;
  if (weekday !== 0 && weekday !== 6) weekdays.unshift(day);
}
const tenThousand = walk(weekdays, 7);
console.log('bytes per 10,000 values (weekday series, 4-decimal values)');
for (const codec of ['SNAPPY', 'UNCOMPRESSED', 'GZIP'] as const) {
  const layout = lakeBytes(tenThousand, codec);
  console.log(
    `  ${codec.padEnd(12)} one file per year: ${layout.bytes} bytes in ${layout.files} files; one file: ${encode(tenThousand, codec)} bytes`,
  );
}

console.log('\nthe bundled catalog, exported today (simulated values, Snappy)');
console.log('  series          values  files   bytes  bytes/10k values');
const now = new Date();
for (const [index, series] of DEFAULT_CATALOG.entries()) {
  const rows = walk(expectedDates(series, now), index + 1);
  const { files, bytes } = lakeBytes(rows, 'SNAPPY');
  const per10k = rows.length === 0 ? 0 : Math.round((bytes / rows.length) * 10_000);
  console.log(
    `  ${series.infoType.padEnd(15)} ${String(rows.length).padStart(6)} ${String(files).padStart(6)} ${String(bytes).padStart(7)} ${String(per10k).padStart(17)}`,
  );
}
