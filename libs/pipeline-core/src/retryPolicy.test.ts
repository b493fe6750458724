import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_RETRIES, decideDueItem, DueItemDecision, retryBackoffMs } from './retryPolicy.js';

const MINUTE = 60_000;

describe('decideDueItem', () => {
  it('re-enqueues while retries are left, quarantines after', () => {
    // Act
    const firstTry = decideDueItem(0, 5);
    const lastRetryLeft = decideDueItem(4, 5);
    const retriesSpent = decideDueItem(5, 5);
    const noRetriesAllowed = decideDueItem(0, 0);

    // Assess
    expect(firstTry).toBe(DueItemDecision.Reenqueue);
    expect(lastRetryLeft).toBe('reenqueue');
    expect(retriesSpent).toBe('quarantine');
    expect(noRetriesAllowed).toBe('quarantine');
  });

  it('defaults to 5 retries', () => {
    // Assess
    expect(DEFAULT_MAX_RETRIES).toBe(5);
  });
});

describe('retryBackoffMs', () => {
  it('doubles from 5 minutes up to 6 hours', () => {
    // Act
    const waits = [0, 1, 2, 3, 4, 5, 6, 7, 100, 5000].map((count) => retryBackoffMs(count));

    // Assess
    expect(waits).toEqual([5, 10, 20, 40, 80, 160, 320, 360, 360, 360].map((minutes) => minutes * MINUTE));
  });

  it('takes its own base and cap', () => {
    // Act
    const capped = retryBackoffMs(3, { baseMs: 100, capMs: 500 });
    const uncapped = retryBackoffMs(2, { baseMs: 100, capMs: 500 });

    // Assess
    expect(capped).toBe(500);
    expect(uncapped).toBe(400);
  });

  test.prop([fc.nat({ max: 2000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })])(
    'with jitter, waits between half and all of the deterministic wait',
    (count, jitter) => {
      // Prepare
      const full = retryBackoffMs(count);

      // Act
      const jittered = retryBackoffMs(count, { random: () => jitter });

      // Assess
      expect(jittered).toBeGreaterThanOrEqual(full / 2 - 1);
      expect(jittered).toBeLessThanOrEqual(full);
    },
  );

  test.prop([fc.nat({ max: 60 })])('never shrinks as retries are spent', (count) => {
    // Act
    const next = retryBackoffMs(count + 1);
    const current = retryBackoffMs(count);

    // Assess
    expect(next).toBeGreaterThanOrEqual(current);
  });
});

describe('decideDueItem over a date that always fails', () => {
  test.prop([fc.integer({ min: 0, max: 20 })])(
    're-enqueues it maxRetries times, so it is asked 1 + maxRetries times in all, then quarantines it',
    (maxRetries) => {
      // Prepare: the first attempt failed; retry_count counts the retries spent (attempts - 1)
      let retryCount = 0;
      let asks = 1;

      // Act
      while (decideDueItem(retryCount, maxRetries) === DueItemDecision.Reenqueue && asks < 100) {
        asks += 1;
        retryCount += 1;
      }

      // Assess
      expect(asks).toBe(1 + maxRetries);
      expect(retryCount).toBe(maxRetries);
    },
  );
});
