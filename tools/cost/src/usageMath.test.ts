import { describe, expect, it } from 'vitest';
import { countersOf, fitLinear, withCounters } from './usageMath.js';
import { functionUsage, usageOf } from './testUsage.js';

describe('fitLinear', () => {
  it('splits a counter into per series and per date from two windows', () => {
    // Prepare: 2 series; 5 per series and 1 per date: 510 over 500 dates, 1,010 over 1,000.
    const small = { value: 2 * 5 + 500, dates: 500 };
    const large = { value: 2 * 5 + 1_000, dates: 1_000 };

    // Act
    const fit = fitLinear(small, large, 2);

    // Assess: 300 series over 750,000 dates
    expect(fit).toEqual({ perUnit: 5, perDate: 1 });
    expect(300 * fit.perUnit + 750_000 * fit.perDate).toBe(751_500);
  });

  it('gives everything to the series when noise makes the per-date part negative', () => {
    // Act
    const fit = fitLinear({ value: 100, dates: 500 }, { value: 90, dates: 1_000 }, 2);

    // Assess
    expect(fit).toEqual({ perUnit: 45, perDate: 0 });
  });

  it('gives everything to the dates when the per-series part would be negative', () => {
    // Act
    const fit = fitLinear({ value: 10, dates: 500 }, { value: 100, dates: 1_000 }, 2);

    // Assess
    expect(fit).toEqual({ perUnit: 0, perDate: 0.1 });
  });
});

describe('countersOf and withCounters', () => {
  it('round-trips every number of a usage by its path', () => {
    // Prepare
    const usage = usageOf({
      lambda: { scraper: functionUsage({ invocations: 2, billedMs: 30 }) },
      sqs: { billedRequests: 3, requests: { SendMessageBatch: 1 } },
    });

    // Act
    const counters = countersOf(usage);
    counters.set('lambda.scraper.billedMs', 60);
    const changed = withCounters(usage, counters);

    // Assess
    expect(counters.get('sqs.requests.SendMessageBatch')).toBe(1);
    expect(changed.lambda.scraper?.billedMs).toBe(60);
    expect(usage.lambda.scraper?.billedMs).toBe(30);
  });
});
