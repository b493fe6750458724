import { describe, expect, it } from 'vitest';
import { round, verdict } from './figures.js';

describe('verdict', () => {
  it('says "target not met" for a miss, so a reader cannot take it for a pass', () => {
    // Act
    const missed = verdict(false, '<= 1.3');
    const met = verdict(true, '<= 1.3');

    // Assess
    expect(missed).toBe('(target <= 1.3: target not met)');
    expect(met).toBe('(target <= 1.3)');
  });
});

describe('round', () => {
  it('keeps the asked number of decimals', () => {
    // Act
    const twoDecimals = round(2.3456, 2);
    const noDecimals = round(2392.5, 0);

    // Assess
    expect(twoDecimals).toBe(2.35);
    expect(noDecimals).toBe(2393);
  });
});
