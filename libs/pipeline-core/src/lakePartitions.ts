import { civilFromDay, type Day } from './dates.js';
import { ItemStatus } from './item.js';

/**
 * One exported date of a series: a row of a lake file. `series` and `year` are not in it: they are the
 * partition (Hive style, read from the object's key).
 */
export interface LakeRow {
  readonly day: Day;
  /** The observation; null on ABSENT and QUARANTINED dates. */
  readonly value: number | null;
  readonly status: ItemStatus;
  /** The source that gave the value; null when the item names none. */
  readonly source: string | null;
  /** The item's `updated_at`, as milliseconds since the epoch (UTC). */
  readonly updatedAtMs: number;
}

/**
 * The statuses a lake file holds: the settled dates. `OK` with its value, and the dates given up on (`ABSENT`,
 * `QUARANTINED`) with a null value, so a query sees the hole and why. `RETRY` and `PENDING` are work in
 * progress: they change on every attempt and end as one of these, so they would only rewrite files for nothing.
 */
export const EXPORTED_STATUSES: readonly ItemStatus[] = [
  ItemStatus.Ok,
  ItemStatus.Absent,
  ItemStatus.Quarantined,
];

/** Whether a row belongs in the lake (see {@link EXPORTED_STATUSES}). */
export function isExportedRow(row: LakeRow): boolean {
  return EXPORTED_STATUSES.includes(row.status);
}

/** The lake file's columns, in order, with their Glue (Hive DDL) types: the table Athena reads is built from this. */
export const LAKE_COLUMNS = [
  { name: 'date', glueType: 'date' },
  { name: 'value', glueType: 'double' },
  { name: 'status', glueType: 'string' },
  { name: 'source', glueType: 'string' },
  { name: 'updated_at', glueType: 'timestamp' },
] as const;

/**
 * The partition columns, in key order, with their Glue types. `series` is an info_type (`CURRENCY#USD`);
 * `year` the calendar year of the rows' dates.
 */
export const LAKE_PARTITION_KEYS = [
  { name: 'series', glueType: 'string' },
  { name: 'year', glueType: 'int' },
] as const;

/** The one file of each partition, overwritten whole when the partition changes. */
export const LAKE_FILE_NAME = 'part-0.parquet';

/** Where the lake lives in its bucket unless `LAKE_PREFIX` says otherwise. */
export const DEFAULT_LAKE_PREFIX = 'lake/';

// Hive's escape set for partition directory names (its FileUtils.escapePathName): the control characters,
// DEL and " # % ' * / : = ? \ { [ ] ^. Athena's partition projection escapes projected values with the same
// set when it builds a partition's location from the table's (no `storage.location.template`).
const HIVE_ESCAPED_PUNCTUATION = new Set('"#%\'*/:=?\\{[]^');

function hiveEscapes(code: number): boolean {
  return code < 0x20 || code === 0x7f || HIVE_ESCAPED_PUNCTUATION.has(String.fromCharCode(code));
}

/** A partition value as Hive writes it in a path: `CURRENCY#USD` is `CURRENCY%23USD`. */
export function hivePathEscape(value: string): string {
  let escaped = '';
  for (const char of value) {
    const code = char.charCodeAt(0);
    escaped += hiveEscapes(code) ? `%${code.toString(16).toUpperCase().padStart(2, '0')}` : char;
  }
  return escaped;
}

/**
 * The directory of one partition, relative to the lake prefix: `series=CURRENCY%23USD/year=2024/`.
 *
 * The `#` of an info_type is written Hive-escaped (`%23`), not raw: Athena's partition projection, with the
 * table's default layout (`<location>/series=<value>/year=<value>/`, no `storage.location.template`), builds each
 * partition's location with Hive's escaping, so it looks under `series=CURRENCY%23USD/` and reports the
 * value `CURRENCY#USD`; DuckDB's `hive_partitioning` decodes `%23` back to `#` too. (A custom
 * `storage.location.template` would substitute raw values and miss these keys.) The year is four digits.
 */
export function partitionPath(infoType: string, year: number): string {
  if (!Number.isInteger(year) || year < 0 || year > 9999) {
    throw new RangeError(`partition year ${year} of ${infoType} is not a year 0000-9999`);
  }
  return `series=${hivePathEscape(infoType)}/year=${String(year).padStart(4, '0')}/`;
}

/** The object key of a partition's file under `prefix` (which ends with `/`, or is empty). */
export function partitionKey(prefix: string, infoType: string, year: number): string {
  return `${prefix}${partitionPath(infoType, year)}${LAKE_FILE_NAME}`;
}

/** The calendar year of a day. */
export function yearOf(day: Day): number {
  return civilFromDay(day).year;
}

/**
 * The exported rows (see {@link isExportedRow}) grouped by year, years ascending, each year's rows by date.
 * A date given twice keeps its last row (the table cannot hold two; this keeps a file's dates unique).
 */
export function exportedRowsByYear(rows: readonly LakeRow[]): Map<number, LakeRow[]> {
  const byDay = new Map<Day, LakeRow>();
  for (const row of rows) if (isExportedRow(row)) byDay.set(row.day, row);
  const sorted = [...byDay.values()].sort((a, b) => a.day - b.day);
  const byYear = new Map<number, LakeRow[]>();
  for (const row of sorted) {
    const year = yearOf(row.day);
    const group = byYear.get(year);
    if (group === undefined) byYear.set(year, [row]);
    else group.push(row);
  }
  return byYear;
}
