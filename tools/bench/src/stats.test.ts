import { describe, expect, it } from 'vitest';
import { median, quantile } from './stats.js';

describe('median', () => {
  it('is the middle value of an odd count and the mean of the middle two of an even one', () => {
    // Act
    const odd = median([5, 1, 3]);
    const even = median([4, 1, 3, 2]);

    // Assess
    expect(odd).toBe(3);
    expect(even).toBe(2.5);
  });

  it('refuses no values', () => {
    // Act / Assess
    expect(() => median([])).toThrow(RangeError);
  });
});

describe('quantile', () => {
  it('is a measured value at the nearest rank', () => {
    // Prepare
    const runs = [50, 41, 44, 70, 42, 65, 43, 48, 75, 46];

    // Act / Assess
    expect(quantile(runs, 0.1)).toBe(41);
    expect(quantile(runs, 0.25)).toBe(43);
    expect(quantile(runs, 0.5)).toBe(46);
    expect(quantile(runs, 1)).toBe(75);
    expect(quantile(runs, 0)).toBe(41);
  });

  it('refuses no values and a fraction outside [0, 1]', () => {
    // Act / Assess
    expect(() => quantile([], 0.1)).toThrow(RangeError);
    expect(() => quantile([1], 1.5)).toThrow(/not in \[0, 1\]/);
    expect(() => quantile([1], Number.NaN)).toThrow(/not in \[0, 1\]/);
  });
});
