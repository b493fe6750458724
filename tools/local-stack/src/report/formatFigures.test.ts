import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { formatCount, formatDuration, formatPercent, formatTimestamp } from './formatFigures.js';

describe('formatFigures', () => {
  it.each([
    [850, '850 ms'],
    [12_340, '12.3 s'],
    [59_960, '1 min 00 s'],
    [245_000, '4 min 05 s'],
    [3_725_000, '1 h 02 min'],
    [-1, '—'],
  ])('formats %d ms as %s', (milliseconds, text) => {
    // Act
    const formatted = formatDuration(milliseconds);

    // Assess
    expect(formatted).toBe(text);
  });

  it('groups thousands, and shows an unknown count as a dash', () => {
    // Act
    const grouped = formatCount(1_234_567);
    const unknown = formatCount(null);
    const notANumber = formatCount(Number.NaN);

    // Assess
    expect(grouped).toBe('1,234,567');
    expect(unknown).toBe('—');
    expect(notANumber).toBe('—');
  });

  it('shows a UTC timestamp without the T and the milliseconds', () => {
    // Act
    const timestamp = formatTimestamp('2026-11-25T04:11:23.456Z');
    const notATimestamp = formatTimestamp('yesterday');

    // Assess
    expect(timestamp).toBe('2026-11-25 04:11:23 UTC');
    expect(notATimestamp).toBe('yesterday');
  });

  test.prop([fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 1_000_000 })])(
    'never rounds a shortfall up to 100%',
    (ok, expected) => {
      // Act
      const text = formatPercent(ok / expected);

      // Assess
      expect(text === '100%').toBe(ok >= expected);
    },
  );
});
