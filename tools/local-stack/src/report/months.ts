import { InvalidDateError } from '@gapless/pipeline-core';

const MONTH = /^(\d{4})-(\d{2})/;

/**
 * A month as a count of months since year 0 (January = 0), so a span of months is plain integer
 * arithmetic. Accepts `YYYY-MM` and `YYYY-MM-DD` (the day is ignored).
 */
export function monthIndex(text: string): number {
  const match = MONTH.exec(text);
  const month = Number(match?.[2]);
  if (!match || month < 1 || month > 12) {
    throw new InvalidDateError(text, 'expected a month YYYY-MM or a date YYYY-MM-DD');
  }
  return Number(match[1]) * 12 + month - 1;
}

/** The `YYYY-MM` form of a {@link monthIndex}. */
export function monthLabel(index: number): string {
  const month = (index % 12) + 1;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}`;
}

/** Every month from `first` to `last` inclusive, as `YYYY-MM`; empty when `last` comes first. */
export function monthRange(first: string, last: string): string[] {
  const from = monthIndex(first);
  const to = monthIndex(last);
  const months: string[] = [];
  for (let index = from; index <= to; index += 1) months.push(monthLabel(index));
  return months;
}
