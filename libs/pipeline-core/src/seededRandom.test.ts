import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { seededRandom } from './seededRandom.js';

describe('seededRandom', () => {
  it('replays the same sequence from the same seed, and another from another seed', () => {
    // Prepare
    const draw = (seed: number) => Array.from({ length: 5 }, seededRandom(seed));

    // Act
    const first = draw(7);
    const replay = draw(7);
    const other = draw(8);

    // Assess
    expect(first).toEqual(replay);
    expect(first).not.toEqual(other);
  });

  test.prop([fc.integer()])('draws in [0, 1)', (seed) => {
    // Prepare
    const next = seededRandom(seed);

    // Act
    const values = Array.from({ length: 100 }, () => next());

    // Assess
    for (const value of values) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });

  it('spreads its draws evenly over ten buckets', () => {
    // Prepare
    const next = seededRandom(42);
    const buckets = new Array<number>(10).fill(0);

    // Act
    for (let i = 0; i < 100_000; i += 1) buckets[Math.floor(next() * 10)]! += 1;

    // Assess
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });
});
