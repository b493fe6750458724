import catalogJson from '@gapless/catalog/series.json' with { type: 'json' };
import { CATALOG_FILE } from '@gapless/catalog';
import { expectedDates, parseCatalog, todayUtc, type SeriesDefinition } from '@gapless/pipeline-core';
import { readFileSync } from 'node:fs';
import { CliUsageError } from './errors.js';
import type { Target } from './scaleUsage.js';

/** A catalog in both forms: its JSON entries (what a run is given) and the parsed series. */
export interface CatalogChoice {
  readonly origin: string;
  readonly entries: readonly Record<string, unknown>[];
  readonly series: readonly SeriesDefinition[];
}

/** `--catalog FILE`, checked; or the built-in catalog. */
export function catalogChoice(file?: string): CatalogChoice {
  if (file === undefined) {
    const entries = catalogJson as Record<string, unknown>[];
    return { origin: CATALOG_FILE, entries, series: parseCatalog(entries, CATALOG_FILE) };
  }
  let entries: unknown;
  try {
    entries = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliUsageError(`--catalog ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new CliUsageError(`--catalog ${file}: must hold a non-empty JSON array of series`);
  }
  try {
    return {
      origin: file,
      entries: entries as Record<string, unknown>[],
      series: parseCatalog(entries, file),
    };
  } catch (error) {
    throw new CliUsageError(`--catalog ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * The target of an estimate, from the catalog's calendars: `series` of them (the catalog's own count, or
 * `seriesCount` series like the sample's), each backfilled over `years` up to today, and the new dates a
 * month after that.
 */
export function targetOf(
  choice: CatalogChoice,
  sample: readonly SeriesDefinition[],
  seriesCount: number | undefined,
  years: number,
  now: Date,
): Target {
  const today = todayUtc(now);
  const datesOver = (series: SeriesDefinition, days: number) =>
    expectedDates({ ...series, start: today - days }, now).length;
  const backfillDays = Math.round(years * 365.25);
  if (seriesCount === undefined) {
    return {
      series: choice.series.length,
      dates: choice.series.reduce((sum, series) => sum + datesOver(series, backfillDays), 0),
      datesPerMonth: choice.series.reduce((sum, series) => sum + datesOver(series, 365), 0) / 12,
    };
  }
  const mean = (days: number) =>
    sample.reduce((sum, series) => sum + datesOver(series, days), 0) / sample.length;
  return {
    series: seriesCount,
    dates: seriesCount * mean(backfillDays),
    datesPerMonth: (seriesCount * mean(365)) / 12,
  };
}
