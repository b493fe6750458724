import { calendarCoverage, calendarFor } from './calendars.js';
import { formatIsoDate, parseIsoDate, type Day } from './dates.js';
import { valueProblem } from './dataQuality.js';
import { InvalidDateError } from './errors.js';
import type { SeriesDefinition } from './series.js';

// The rules of a history file (csv_ingest): its header, its decimal rule and what makes one row good. Pure:
// the function streams the file and asks these about each line.

/** The columns a history file may have: the first three are required, in any order. */
export const FileColumn = {
  InfoType: 'info_type',
  Date: 'date',
  Value: 'value',
  /** Free text on where the rows come from, kept on each item after `file:<key>|`. */
  Source: 'source',
  /** `true` lets the row replace an OK value that came from the series' own source. */
  Overwrite: 'overwrite',
} as const;
export type FileColumn = (typeof FileColumn)[keyof typeof FileColumn];

const REQUIRED: readonly FileColumn[] = [FileColumn.InfoType, FileColumn.Date, FileColumn.Value];
const KNOWN: readonly string[] = Object.values(FileColumn);

/** The longest `source` text a row may carry (it is stored on every item the row writes). */
export const MAX_SOURCE_TEXT = 200;

/**
 * How a file writes its numbers, fixed by its separator: `,`-separated files use a decimal point (`4.8916`),
 * `;`-separated files a decimal comma (`4,8916`), as spreadsheets set to Brazilian Portuguese export them.
 * Neither accepts a thousands separator.
 */
export type FileDelimiter = ',' | ';';

/** Where each column is in a file's rows, and the file's separator and decimal mark. */
export interface FileLayout {
  readonly delimiter: FileDelimiter;
  readonly decimal: '.' | ',';
  /** How many fields every row must have: the header's. */
  readonly width: number;
  readonly columns: {
    readonly infoType: number;
    readonly date: number;
    readonly value: number;
    readonly source?: number;
    readonly overwrite?: number;
  };
}

/** A file-level problem: the whole file is refused with it and nothing is written. */
export interface FileProblem {
  readonly problem: string;
}

/**
 * The separator of a file from its header line: the one of `,` and `;` that the line holds. A line with
 * both, or neither, cannot be a header of at least three columns.
 */
export function detectDelimiter(headerLine: string): FileDelimiter | FileProblem {
  const commas = headerLine.includes(',');
  const semicolons = headerLine.includes(';');
  if (commas && !semicolons) return ',';
  if (semicolons && !commas) return ';';
  return {
    problem: `header ${JSON.stringify(headerLine.slice(0, 120))} must be info_type,date,value separated by "," or by ";" (one of them, not both)`,
  };
}

/**
 * Reads a header row (its fields as parsed): the names are compared trimmed and in lower case; `info_type`,
 * `date` and `value` are required, `source` and `overwrite` optional, in any order; any other name, or one
 * name twice, refuses the file.
 */
export function readFileHeader(
  fields: readonly string[],
  delimiter: FileDelimiter,
): FileLayout | FileProblem {
  const names = fields.map((field) => field.trim().toLowerCase());
  const expected = `expected ${REQUIRED.join(delimiter)} and optionally ${FileColumn.Source}, ${FileColumn.Overwrite}`;
  const at = new Map<string, number>();
  for (const [index, name] of names.entries()) {
    if (!KNOWN.includes(name))
      return {
        problem: `header column ${index + 1} ${JSON.stringify(fields[index])} is unknown (${expected})`,
      };
    if (at.has(name)) return { problem: `header names ${JSON.stringify(name)} twice (${expected})` };
    at.set(name, index);
  }
  const missing = REQUIRED.filter((name) => !at.has(name));
  if (missing.length > 0) return { problem: `header lacks ${missing.join(', ')} (${expected})` };
  const source = at.get(FileColumn.Source);
  const overwrite = at.get(FileColumn.Overwrite);
  return {
    delimiter,
    decimal: delimiter === ',' ? '.' : ',',
    width: names.length,
    columns: {
      infoType: at.get(FileColumn.InfoType) as number,
      date: at.get(FileColumn.Date) as number,
      value: at.get(FileColumn.Value) as number,
      ...(source === undefined ? {} : { source }),
      ...(overwrite === undefined ? {} : { overwrite }),
    },
  };
}

const POINT_NUMBER = /^[+-]?\d+(\.\d+)?$/;
const COMMA_NUMBER = /^[+-]?\d+(,\d+)?$/;

/**
 * A value as the file's decimal rule reads it: an optional sign, digits, and an optional decimal mark with
 * digits after it; no exponent, no thousands separator, no currency sign.
 */
export function parseFileValue(text: string, decimal: '.' | ','): number | FileProblem {
  if (text === '') return { problem: 'value is empty (a file cannot declare a value missing)' };
  const pattern = decimal === '.' ? POINT_NUMBER : COMMA_NUMBER;
  if (pattern.test(text)) return Number(decimal === '.' ? text : text.replace(',', '.'));
  const other = decimal === '.' ? ',' : '.';
  if (text.includes(other)) {
    const separated = decimal === '.' ? '","-separated' : '";"-separated';
    return {
      problem: `value ${JSON.stringify(text)} has a "${other}": ${separated} files take a decimal "${decimal}" and no thousands separator`,
    };
  }
  return {
    problem: `value ${JSON.stringify(text)} is not a number (digits, an optional sign and an optional decimal "${decimal}")`,
  };
}

/** What a row needs to be judged: the catalog and each series' today (dates after it are refused). */
export interface FileRowContext {
  readonly catalog: ReadonlyMap<string, SeriesDefinition>;
  /** Today in the series' own time zone. */
  readonly todayOf: (series: SeriesDefinition) => Day;
}

/** A row the table may take (what is stored decides whether it does: see `decideFileRow`). */
export interface GoodFileRow {
  readonly ok: true;
  readonly infoType: string;
  readonly day: Day;
  readonly value: number;
  readonly overwrite: boolean;
  /** The row's `source` text, when it has one. */
  readonly note?: string;
}

/** A row refused for a reason of its own; `key` is set when its series and date were good. */
export interface BadFileRow {
  readonly ok: false;
  readonly reason: string;
  readonly key?: { readonly infoType: string; readonly day: Day };
}

export type CheckedFileRow = GoodFileRow | BadFileRow;

/**
 * Checks one row with the pipeline's rules: as many fields as the header; a series of the catalog; an ISO
 * date that exists, inside the calendar's coverage, on the series' calendar and not after its today (a date
 * before the series' `start` is history and welcome); a value by the file's decimal rule that passes the
 * series' data-quality rules; `overwrite` empty, `true` or `false`; `source` short and printable. The first
 * rule broken is the row's reason.
 */
export function checkFileRow(
  fields: readonly string[],
  layout: FileLayout,
  context: FileRowContext,
): CheckedFileRow {
  if (fields.length !== layout.width) {
    return { ok: false, reason: `has ${fields.length} fields, the header has ${layout.width}` };
  }
  const { columns } = layout;
  const infoType = fields[columns.infoType] as string;
  if (infoType === '') return { ok: false, reason: 'info_type is empty' };
  const series = context.catalog.get(infoType);
  if (series === undefined)
    return { ok: false, reason: `series ${JSON.stringify(infoType)} is not in the catalog` };
  const day = checkDate(fields[columns.date] as string, series, context);
  if (typeof day !== 'number') return { ok: false, reason: day.problem };
  const key = { infoType, day };
  const value = parseFileValue(fields[columns.value] as string, layout.decimal);
  if (typeof value !== 'number') return { ok: false, reason: value.problem, key };
  const quality = valueProblem(series, value);
  if (quality !== undefined) return { ok: false, reason: quality, key };
  const overwrite = readOverwrite(
    columns.overwrite === undefined ? '' : (fields[columns.overwrite] as string),
  );
  if (typeof overwrite !== 'boolean') return { ok: false, reason: overwrite.problem, key };
  const note = columns.source === undefined ? '' : (fields[columns.source] as string);
  const noteProblem = sourceTextProblem(note);
  if (noteProblem !== undefined) return { ok: false, reason: noteProblem, key };
  return { ok: true, infoType, day, value, overwrite, ...(note === '' ? {} : { note }) };
}

function checkDate(text: string, series: SeriesDefinition, context: FileRowContext): Day | FileProblem {
  if (text === '') return { problem: 'date is empty' };
  let day: Day;
  try {
    day = parseIsoDate(text);
  } catch (error) {
    if (error instanceof InvalidDateError) return { problem: error.message };
    throw error;
  }
  const coverage = calendarCoverage(series.calendar);
  if (coverage !== undefined && (day < coverage.first || day > coverage.last)) {
    return {
      problem: `date ${text} is outside the ${series.calendar} calendar's coverage (${formatIsoDate(coverage.first)} to ${formatIsoDate(coverage.last)})`,
    };
  }
  if (!calendarFor(series.calendar).contains(day))
    return { problem: `date ${text} is not on ${series.infoType}'s ${series.calendar} calendar` };
  const today = context.todayOf(series);
  if (day > today)
    return { problem: `date ${text} is after today (${formatIsoDate(today)}) in the series' time zone` };
  return day;
}

function readOverwrite(text: string): boolean | FileProblem {
  const lower = text.toLowerCase();
  if (lower === '' || lower === 'false') return false;
  if (lower === 'true') return true;
  return { problem: `overwrite ${JSON.stringify(text)} must be true, false or empty` };
}

// Control characters would be stored on every item of the row and break the log lines that quote them.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function sourceTextProblem(note: string): string | undefined {
  if (note.length > MAX_SOURCE_TEXT)
    return `source text is ${note.length} characters, more than ${MAX_SOURCE_TEXT}`;
  if (CONTROL.test(note)) return 'source text holds a control character (a line break, a tab...)';
  return undefined;
}

/** The `source` attribute of an item a file row writes: `file:<key>`, then `|<text>` when the row has one. */
export function fileItemSource(objectKey: string, note?: string): string {
  return note === undefined
    ? `${FILE_SOURCE_PREFIX}${objectKey}`
    : `${FILE_SOURCE_PREFIX}${objectKey}|${note}`;
}

/** Items written from a file carry a `source` that starts so; any other OK value came from a source. */
export const FILE_SOURCE_PREFIX = 'file:';
