import type { SeriesDefinition } from './series.js';

/**
 * Why a value from a source may not be stored as `OK`, or undefined when it may. A value must be a finite
 * positive number inside the series' bounds; anything else goes to the retry path with this reason.
 */
export function valueProblem(series: SeriesDefinition, value: number | null | undefined): string | undefined {
  if (value === undefined) return 'the source returned no row for this date';
  if (value === null) return 'the source returned the date without a value';
  if (!Number.isFinite(value)) return `value ${value} is not a finite number`;
  if (value <= 0) return `value ${value} is not positive`;
  const bounds = series.bounds;
  if (bounds && (value < bounds.min || value > bounds.max)) {
    return `value ${value} is outside the series' bounds [${bounds.min}, ${bounds.max}]`;
  }
  return undefined;
}
