import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { catalogOrigin, loadCatalog } from '@gapless/catalog';
import {
  formatIsoDate,
  parseCatalogText,
  PipelineError,
  type SeriesDefinition,
} from '@gapless/pipeline-core';
import { LocalStackError } from './errors.js';
import { catalogEntry } from './functionEnv.js';

/** Where the catalog in force comes from: `SERIES_CATALOG` when set, else the catalog file. */
export function catalogInForce(env: Readonly<Record<string, string | undefined>>): {
  readonly origin: string;
  readonly catalog: readonly SeriesDefinition[];
} {
  return { origin: catalogOrigin(env), catalog: loadCatalog(env) };
}

/** The catalog in its JSON form (snake_case, as the file holds it), for `--json`. */
export function catalogJson(catalog: readonly SeriesDefinition[]): string {
  return `${JSON.stringify(catalog.map(catalogEntry), null, 2)}\n`;
}

/** The catalog as a table: one row per series, its source parameters and its value rule. */
export function catalogTable(catalog: readonly SeriesDefinition[], origin: string): string {
  const rows = catalog.map((series) => [
    series.infoType,
    series.source,
    String(series.code ?? (series.currency ? `${series.currency} ${series.side ?? 'sell'}` : '-')),
    series.calendar,
    formatIsoDate(series.start),
    String(series.publicationLagDays),
    series.bounds ? `[${series.bounds.min}, ${series.bounds.max}]` : (series.sign ?? 'positive'),
  ]);
  const header = ['series', 'source', 'code', 'calendar', 'start', 'lag days', 'values'];
  const widths = header.map((_, column) =>
    Math.max(...[header, ...rows].map((row) => row[column]?.length ?? 0)),
  );
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    line(header),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map(line),
    '',
    `${catalog.length} series, from ${origin}`,
    '',
  ].join('\n');
}

/**
 * Validates a catalog file as the functions would load it: the JSON, every entry's schema, its source and
 * calendar, a start its calendar covers, unique info_types. Throws the error naming the entry and field.
 */
export async function checkCatalogFile(path: string, cwd: string): Promise<readonly SeriesDefinition[]> {
  const absolute = resolve(cwd, path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    throw new LocalStackError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return parseCatalogText(text, path);
  } catch (error) {
    if (!(error instanceof PipelineError)) throw error;
    throw new LocalStackError(`${path}: ${error.message}`, { cause: error });
  }
}
