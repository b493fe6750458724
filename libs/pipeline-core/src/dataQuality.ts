import { SignRule, type SeriesDefinition } from './series.js';

/**
 * Why a value from a source may not be stored as `OK`, or undefined when it may. A value must be a finite
 * number; then the series' `bounds` alone decide when it has them, else its sign rule (`positive` unless the
 * catalog says `non-negative` or `any`). A date the source left out, or gave without a value, is never a 0:
 * it goes to the retry path with this reason, as does any value its series refuses.
 */
export function valueProblem(series: SeriesDefinition, value: number | null | undefined): string | undefined {
  if (value === undefined) return 'the source returned no row for this date';
  if (value === null) return 'the source returned the date without a value';
  if (!Number.isFinite(value)) return `value ${value} is not a finite number`;
  const bounds = series.bounds;
  if (bounds) {
    if (value < bounds.min || value > bounds.max)
      return `value ${value} is outside the series' bounds [${bounds.min}, ${bounds.max}]`;
    return undefined;
  }
  const sign = series.sign ?? SignRule.Positive;
  if (sign === SignRule.Positive && value <= 0)
    return `value ${value} is not positive (the series' sign rule)`;
  if (sign === SignRule.NonNegative && value < 0)
    return `value ${value} is negative (the series' sign rule is non-negative)`;
  return undefined;
}
