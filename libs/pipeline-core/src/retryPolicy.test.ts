import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_RETRIES,
  decideDueItem,
  DueItemDecision,
  effectiveAttempt,
  mayAttempt,
  retryBackoffMs,
  retryCountAfterFailure,
} from './retryPolicy.js';

const MINUTE = 60_000;

describe('effectiveAttempt', () => {
  it('adds the redeliveries to the message attempt', () => {
    // Act
    const firstDelivery = effectiveAttempt(0, 1);
    const thirdDelivery = effectiveAttempt(0, 3);
    const redeliveredRetry = effectiveAttempt(4, 2);

    // Assess
    expect(firstDelivery).toBe(0);
    expect(thirdDelivery).toBe(2);
    expect(redeliveredRetry).toBe(5);
  });

  it.each([
    [-1, 1, /attempt must be an integer >= 0/],
    [0, 0, /ApproximateReceiveCount must be an integer >= 1/],
    [1.5, 1, /attempt/],
    [0, Number.NaN, /ApproximateReceiveCount/],
  ])('refuses attempt %s with receive count %s', (attempt, receiveCount, reason) => {
    // Act
    const effective = () => effectiveAttempt(attempt, receiveCount);

    // Assess
    expect(effective).toThrow(reason);
  });
});

describe('mayAttempt and decideDueItem', () => {
  it('allows attempts 0..maxRetries and no more', () => {
    // Act
    const first = mayAttempt(0, 5);
    const last = mayAttempt(5, 5);
    const beyond = mayAttempt(6, 5);

    // Assess
    expect(first).toBe(true);
    expect(last).toBe(true);
    expect(beyond).toBe(false);
  });

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

  it('keeps the larger retry count after a failure', () => {
    // Act
    const laterAttempt = retryCountAfterFailure(2, 3);
    const staleAttempt = retryCountAfterFailure(3, 1);

    // Assess
    expect(laterAttempt).toBe(3);
    expect(staleAttempt).toBe(3);
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

/**
 * One date whose source always fails, run through the loop of DESIGN.md: the gap message (attempt 0), the
 * scraper, retry_recheck. A delivery may crash before the source call or after it (before the failure is
 * recorded): SQS then delivers the same message again with a higher receive count.
 */
type Delivery = 'ok' | 'crash-before-call' | 'crash-after-call';

function simulateAlwaysFailing(maxRetries: number, deliveries: readonly Delivery[]) {
  const item = { status: 'PENDING' as 'PENDING' | 'RETRY' | 'QUARANTINED', retryCount: 0 };
  let message: { attempt: number; receiveCount: number } | undefined = { attempt: 0, receiveCount: 0 };
  let sourceCalls = 0;
  let delivery = 0;
  for (let step = 0; step < 1000 && item.status !== 'QUARANTINED'; step += 1) {
    if (message === undefined) {
      // retry_recheck: the date is due (PENDING or RETRY).
      if (decideDueItem(item.retryCount, maxRetries) === DueItemDecision.Quarantine)
        item.status = 'QUARANTINED';
      else {
        item.retryCount += 1;
        message = { attempt: item.retryCount, receiveCount: 0 };
      }
      continue;
    }
    message.receiveCount += 1;
    const effective = effectiveAttempt(message.attempt, message.receiveCount);
    if (!mayAttempt(effective, maxRetries)) {
      item.status = 'QUARANTINED';
      message = undefined;
      continue;
    }
    const outcome = deliveries[delivery++] ?? 'ok';
    if (outcome !== 'crash-before-call') sourceCalls += 1;
    if (outcome === 'ok') {
      item.status = 'RETRY';
      item.retryCount = retryCountAfterFailure(item.retryCount, effective);
      message = undefined;
    }
  }
  return { ...item, sourceCalls };
}

describe('attempt accounting', () => {
  test.prop([fc.integer({ min: 0, max: 20 })])(
    'a date that always fails is attempted exactly 1 + maxRetries times, then quarantined at maxRetries',
    (maxRetries) => {
      // Act
      const result = simulateAlwaysFailing(maxRetries, []);

      // Assess
      expect(result).toEqual({ status: 'QUARANTINED', retryCount: maxRetries, sourceCalls: 1 + maxRetries });
    },
  );

  test.prop([
    fc.integer({ min: 0, max: 20 }),
    fc.array(fc.constantFrom<Delivery>('ok', 'crash-before-call', 'crash-after-call'), { maxLength: 60 }),
  ])(
    'with crashes and redeliveries it is attempted at most 1 + maxRetries times',
    (maxRetries, deliveries) => {
      // Act
      const result = simulateAlwaysFailing(maxRetries, deliveries);

      // Assess
      expect(result.status).toBe('QUARANTINED');
      expect(result.sourceCalls).toBeLessThanOrEqual(1 + maxRetries);
      expect(result.retryCount).toBeLessThanOrEqual(maxRetries);
    },
  );
});
