import { describe, expect, it } from 'vitest';
import { billedMs, gbSeconds } from './lambdaBilling.js';

describe('billedMs', () => {
  it.each([
    [0.2, 1],
    [1, 1],
    [1.0001, 2],
    [12.5, 13],
    [999.999, 1000],
  ])('rounds %f ms up to %i ms', (measured, billed) => {
    // Act
    const result = billedMs(measured);

    // Assess
    expect(result).toBe(billed);
  });

  it('refuses a negative or missing duration, naming it', () => {
    // Act and Assess
    expect(() => billedMs(-1)).toThrow('a duration must be a number >= 0 ms, got -1');
    expect(() => billedMs(Number.NaN)).toThrow('got NaN');
  });
});

describe('gbSeconds', () => {
  it('is billed seconds times the configured memory in GB of 1,024 MB', () => {
    // Act
    const half = gbSeconds(100, 512);
    const quarter = gbSeconds(2_000, 256);

    // Assess: 0.1 s x 0.5 GB, 2 s x 0.25 GB
    expect(half).toBeCloseTo(0.05, 12);
    expect(quarter).toBeCloseTo(0.5, 12);
  });
});
