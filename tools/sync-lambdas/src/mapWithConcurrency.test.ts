import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { mapWithConcurrency } from './mapWithConcurrency.js';

test.prop([fc.array(fc.nat({ max: 5 }), { maxLength: 30 }), fc.integer({ min: 1, max: 8 })])(
  'keeps input order and never runs more than `limit` tasks at once',
  async (delays, limit) => {
    // Prepare
    let running = 0;
    let peak = 0;
    const task = async (delay: number) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, delay));
      running -= 1;
      return delay * 2;
    };

    // Act
    const results = await mapWithConcurrency(delays, limit, task);

    // Assess
    expect(results).toEqual(delays.map((d) => d * 2));
    expect(peak).toBeLessThanOrEqual(limit);
    if (delays.length > 0) expect(peak).toBe(Math.min(limit, delays.length));
  },
);
