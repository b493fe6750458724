import type { LakeRow } from '@gapless/pipeline-core';
import { parquetWriteBuffer } from 'hyparquet-writer';

type Schema = NonNullable<Parameters<typeof parquetWriteBuffer>[0]['schema']>;

/**
 * The schema of every lake file, written explicitly so every file has the same types whatever its values
 * (a value of 5 is a DOUBLE 5.0, never an INT; an all-null column keeps its type):
 * - `date`: INT32 DATE (days since 1970-01-01), required;
 * - `value`: DOUBLE, optional (null on ABSENT and QUARANTINED dates);
 * - `status`, `source`: UTF-8 strings, `source` optional;
 * - `updated_at`: INT64 TIMESTAMP(MILLIS, adjusted to UTC), required. Athena reads it into a `timestamp`
 *   column (UTC), DuckDB as TIMESTAMP WITH TIME ZONE, so time filters and ordering work without parsing.
 * The partition columns (`series`, `year`) are not in the file: they come from its key, Hive style.
 */
export const lakeFileSchema: Schema = [
  { name: 'root', num_children: 5 },
  {
    name: 'date',
    type: 'INT32',
    converted_type: 'DATE',
    logical_type: { type: 'DATE' },
    repetition_type: 'REQUIRED',
  },
  { name: 'value', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
  {
    name: 'status',
    type: 'BYTE_ARRAY',
    converted_type: 'UTF8',
    logical_type: { type: 'STRING' },
    repetition_type: 'REQUIRED',
  },
  {
    name: 'source',
    type: 'BYTE_ARRAY',
    converted_type: 'UTF8',
    logical_type: { type: 'STRING' },
    repetition_type: 'OPTIONAL',
  },
  {
    name: 'updated_at',
    type: 'INT64',
    converted_type: 'TIMESTAMP_MILLIS',
    logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
    repetition_type: 'REQUIRED',
  },
];

/**
 * One partition's rows as the bytes of a Parquet file: one row group, Snappy-compressed (Athena's default
 * codec for Parquet, and the one hyparquet-writer carries in pure JS: no other compressor is bundled), with
 * min/max statistics so a query on `date` can skip whole files. The same rows always give the same bytes.
 */
export function encodePartition(rows: readonly LakeRow[]): Uint8Array {
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: 'date', data: Int32Array.from(rows, (row) => row.day), encoding: 'DELTA_BINARY_PACKED' },
      { name: 'value', data: rows.map((row) => row.value) },
      { name: 'status', data: rows.map((row) => row.status) },
      { name: 'source', data: rows.map((row) => row.source) },
      { name: 'updated_at', data: rows.map((row) => row.updatedAtMs), encoding: 'DELTA_BINARY_PACKED' },
    ],
    schema: lakeFileSchema,
    codec: 'SNAPPY',
    statistics: true,
    // A year of daily values is a few hundred rows: one row group, one page per column.
    rowGroupSize: 1_000_000,
    createdBy: 'gapless lake_export (hyparquet-writer)',
  });
  return new Uint8Array(buffer);
}
