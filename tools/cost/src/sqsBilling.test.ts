import { describe, expect, it } from 'vitest';
import { billedSqsRequests } from './sqsBilling.js';

describe('billedSqsRequests', () => {
  it.each([
    [0, 1, 'a call without payload (a delete, an empty receive)'],
    [1_000, 1, 'a small batch'],
    [65_536, 1, 'exactly one 64 KB chunk'],
    [65_537, 2, 'one byte into the second chunk'],
    [262_144, 4, 'a 256 KB message'],
    [1_048_576, 16, 'a 1 MiB message'],
  ])('bills %i payload bytes as %i request(s): %s', (bytes, requests) => {
    // Act
    const billed = billedSqsRequests(bytes);

    // Assess
    expect(billed).toBe(requests);
  });

  it('refuses a negative payload', () => {
    // Act and Assess
    expect(() => billedSqsRequests(-5)).toThrow('a payload must be >= 0 bytes, got -5');
  });
});
