import { fc, test } from '@fast-check/vitest';
import { InvalidDateError } from '@gapless/pipeline-core';
import { describe, expect, it } from 'vitest';
import { monthIndex, monthLabel, monthRange } from './months.js';

describe('monthRange', () => {
  it('spans 2015-01 to 2026-11 in 143 months, across year ends', () => {
    // Act
    const months = monthRange('2015-01-02', '2026-11');

    // Assess
    expect(months).toHaveLength(143);
    expect(months.slice(11, 13)).toEqual(['2015-12', '2016-01']);
    expect(months.at(-1)).toBe('2026-11');
  });

  it('is one month when both ends fall in it, and empty when the end comes first', () => {
    // Act
    const single = monthRange('2024-02-01', '2024-02-29');
    const reversed = monthRange('2024-03', '2024-02');

    // Assess
    expect(single).toEqual(['2024-02']);
    expect(reversed).toEqual([]);
  });

  it.each(['2024-13', '2024-00', '24-01', 'January'])('refuses %j', (text) => {
    // Act / Assess
    expect(() => monthIndex(text)).toThrow(InvalidDateError);
  });

  test.prop([fc.integer({ min: 0, max: 9999 * 12 + 11 - 400 }), fc.integer({ min: 0, max: 400 })])(
    'lists consecutive months from first to last',
    (first, length) => {
      // Act
      const months = monthRange(monthLabel(first), monthLabel(first + length));

      // Assess
      expect(months).toHaveLength(length + 1);
      months.forEach((month, offset) => expect(monthIndex(month)).toBe(first + offset));
    },
  );
});
