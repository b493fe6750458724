import { fc, test } from '@fast-check/vitest';
import { ItemStatus, LAKE_COLUMNS, parseIsoDate, type LakeRow } from '@gapless/pipeline-core';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { encodePartition, lakeFileSchema } from './parquetPartition.js';

const DAY_MS = 86_400_000;

const row = (date: string, overrides: Partial<LakeRow> = {}): LakeRow => ({
  day: parseIsoDate(date),
  value: 4.8916,
  status: ItemStatus.Ok,
  source: 'bcb-sgs',
  updatedAtMs: Date.parse('2024-01-03T10:00:00.123Z'),
  ...overrides,
});

/** The file's own bytes as the ArrayBuffer hyparquet reads. */
const fileOf = (bytes: Uint8Array): ArrayBuffer =>
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

/** Reads a file back with hyparquet (the reader, not the writer): rows as plain values. */
async function readBack(bytes: Uint8Array): Promise<LakeRow[]> {
  const objects = await parquetReadObjects({ file: fileOf(bytes) });
  return objects.map((object) => ({
    day: (object['date'] as Date).getTime() / DAY_MS,
    value: object['value'] as number | null,
    status: object['status'] as LakeRow['status'],
    source: object['source'] as string | null,
    updatedAtMs: (object['updated_at'] as Date).getTime(),
  }));
}

const arbitraryRows = fc.array(
  fc.record({
    day: fc.integer({ min: parseIsoDate('1990-01-01'), max: parseIsoDate('2040-12-31') }),
    value: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true })),
    status: fc.constantFrom(ItemStatus.Ok, ItemStatus.Absent, ItemStatus.Quarantined),
    source: fc.option(fc.string({ maxLength: 30 })),
    updatedAtMs: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  }),
  { maxLength: 400 },
);

describe('encodePartition', () => {
  it('writes the five columns with their Parquet types, the same in every file', () => {
    // Act
    const bytes = encodePartition([row('2024-01-02', { value: 5 })]);

    // Assess
    const schema = parquetSchema(parquetMetadata(fileOf(bytes)));
    expect(
      schema.children.map(({ element }) => [
        element.name,
        element.type,
        element.converted_type,
        element.repetition_type,
      ]),
    ).toEqual([
      ['date', 'INT32', 'DATE', 'REQUIRED'],
      ['value', 'DOUBLE', undefined, 'OPTIONAL'],
      ['status', 'BYTE_ARRAY', 'UTF8', 'REQUIRED'],
      ['source', 'BYTE_ARRAY', 'UTF8', 'OPTIONAL'],
      ['updated_at', 'INT64', 'TIMESTAMP_MILLIS', 'REQUIRED'],
    ]);
    expect(schema.children.at(-1)?.element.logical_type).toEqual({
      type: 'TIMESTAMP',
      isAdjustedToUTC: true,
      unit: 'MILLIS',
    });
  });

  it('holds the columns the Glue table declares, in its order', () => {
    // Act
    const names = lakeFileSchema.slice(1).map((element) => element.name);

    // Assess
    expect(names).toEqual(LAKE_COLUMNS.map((column) => column.name));
  });

  it('is compressed with Snappy, in one row group', () => {
    // Act
    const metadata = parquetMetadata(fileOf(encodePartition([row('2024-01-02'), row('2024-01-03')])));

    // Assess
    expect(metadata.row_groups).toHaveLength(1);
    expect(metadata.row_groups[0]?.columns.map((column) => column.meta_data?.codec)).toEqual(
      Array.from({ length: 5 }, () => 'SNAPPY'),
    );
  });

  it('round-trips nulls, whole numbers as doubles, and millisecond timestamps', async () => {
    // Prepare
    const rows = [
      row('2024-01-02', { value: 5 }),
      row('2024-01-03', { value: null, status: ItemStatus.Absent, source: null }),
      row('2024-01-04', { value: -0.0001, status: ItemStatus.Ok, updatedAtMs: 1 }),
    ];

    // Act
    const read = await readBack(encodePartition(rows));

    // Assess
    expect(read).toEqual(rows);
  });

  it('writes a file with no rows that still has the schema', async () => {
    // Act
    const bytes = encodePartition([]);

    // Assess
    expect(await readBack(bytes)).toEqual([]);
    expect(parquetSchema(parquetMetadata(fileOf(bytes))).children).toHaveLength(5);
  });

  it('gives the same bytes for the same rows', () => {
    // Act
    const first = encodePartition([row('2024-01-02'), row('2024-01-03')]);
    const second = encodePartition([row('2024-01-02'), row('2024-01-03')]);

    // Assess
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
  });

  test.prop([arbitraryRows], { numRuns: 50 })('reads back to the rows it was given', async (rows) => {
    // Act
    const read = await readBack(encodePartition(rows));

    // Assess
    expect(read).toEqual(rows);
  });
});
