import { describe, expect, it } from 'vitest';
import { mapConcurrently } from './concurrency.js';

describe('mapConcurrently', () => {
  it('keeps input order and never runs more than the limit at once', async () => {
    // Prepare
    let running = 0;
    let peak = 0;
    const items = Array.from({ length: 20 }, (_, i) => i);

    // Act
    const results = await mapConcurrently(items, 3, async (item) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, (item * 7) % 5));
      running -= 1;
      return item * 2;
    });

    // Assess
    expect(results).toEqual(items.map((i) => i * 2));
    expect(peak).toBe(3);
  });

  it('rejects with the first failure', async () => {
    // Act
    const attempt = mapConcurrently([1, 2, 3], 2, async (item) => {
      if (item === 2) throw new Error('boom 2');
      return item;
    });

    // Assess
    await expect(attempt).rejects.toThrow('boom 2');
  });

  it('handles an empty list', async () => {
    // Act
    const results = await mapConcurrently([], 4, async () => 1);

    // Assess
    expect(results).toEqual([]);
  });
});
