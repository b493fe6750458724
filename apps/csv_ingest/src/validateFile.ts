import { checkFileRow, type DayRange, type FileLayout, type FileRowContext } from '@gapless/pipeline-core';
import { FileRowKeys } from './fileRowKeys.js';
import { openCsv } from './csvRecords.js';
import { FileRefusedError } from './errors.js';

/** What the first pass learnt of a file, in memory that does not grow with its rows. */
export interface FileValidation {
  readonly layout: FileLayout;
  readonly rowsRead: number;
  /** Per series, the first and last date of its good rows: the range its stored items are read over. */
  readonly ranges: ReadonlyMap<string, DayRange>;
  /** Every (series, date) key of the rows whose series and date were good, counted to spot duplicates. */
  readonly keys: FileRowKeys;
}

/**
 * The first pass: streams the whole file and checks every row, so that a file refused as a whole (not CSV
 * text, a wrong header, no rows) is known before anything is written. Rows are not kept: the second pass
 * reads the file again. Throws a {@link FileRefusedError} for a file-level problem.
 */
export async function validateFile(
  body: AsyncIterable<Uint8Array>,
  context: FileRowContext,
): Promise<FileValidation> {
  const { layout, rows } = await openCsv(body);
  const keys = new FileRowKeys();
  const ranges = new Map<string, { first: number; last: number }>();
  let rowsRead = 0;
  for await (const { fields } of rows) {
    rowsRead += 1;
    const row = checkFileRow(fields, layout, context);
    const key = row.ok ? row : row.key;
    if (key !== undefined) keys.add(key.infoType, key.day);
    if (!row.ok) continue;
    const range = ranges.get(row.infoType);
    if (range === undefined) ranges.set(row.infoType, { first: row.day, last: row.day });
    else {
      if (row.day < range.first) range.first = row.day;
      if (row.day > range.last) range.last = row.day;
    }
  }
  if (rowsRead === 0) throw new FileRefusedError('has a header but no data rows');
  return { layout, rowsRead, ranges, keys };
}
