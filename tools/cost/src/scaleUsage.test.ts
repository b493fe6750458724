import { describe, expect, it } from 'vitest';
import { type MeasuredRun, metricHours, scaleBackfill, scaleMonth } from './scaleUsage.js';
import { functionUsage, usageOf } from './testUsage.js';

/** A measured run where every counter is exactly 2 series x per-series + dates x per-date. */
function measured(dates: number): MeasuredRun {
  return {
    windowDays: dates,
    dates,
    backfill: usageOf({
      lambda: {
        data_clustering: functionUsage({
          invocations: 1,
          billedMs: 2 * 50 + dates,
          coldStarts: 1,
          initBilledMs: 300,
        }),
        scraper: functionUsage({
          invocations: 2,
          billedMs: 2 * 100 + 2 * dates,
          coldStarts: 1,
          initBilledMs: 400,
        }),
      },
      dynamodb: { writeUnits: 2 * 8 + dates, items: 2 + dates, itemBytes: 2 * 30 + 80 * dates },
      sqs: { billedRequests: 2 * 3 },
      scheduledInvocations: 1,
      metrics: {
        distinct: ['Gapless|MessagesSent|service=data_clustering', 'Gapless|ItemsWritten|service=scraper'],
      },
      hours: 1,
    }),
    idle: usageOf({
      lambda: {
        data_clustering: functionUsage({
          invocations: 1,
          billedMs: 2 * 40,
          coldStarts: 1,
          initBilledMs: 250,
        }),
      },
      dynamodb: {
        readUnits: 2 * 0.5,
        byFunction: { data_clustering: { readUnits: 2 * 0.5, writeUnits: 0 } },
      },
      scheduledInvocations: 1,
      hours: 1,
    }),
  };
}

const small = measured(250);
const large = measured(500);
const target = { series: 300, dates: 750_000, datesPerMonth: 6_300 };

describe('scaleBackfill', () => {
  it('evaluates each counter at the target, keeping per-run counters as measured', () => {
    // Act
    const usage = scaleBackfill(small, large, 2, target, ['data_clustering']);

    // Assess
    expect(usage.dynamodb.writeUnits).toBeCloseTo(300 * 8 + 750_000, 6);
    expect(usage.dynamodb.items).toBeCloseTo(300 + 750_000, 6);
    expect(usage.lambda.scraper?.billedMs).toBeCloseTo(300 * 100 + 2 * 750_000, 6);
    expect(usage.lambda.scraper?.invocations).toBeCloseTo(300, 6);
    expect(usage.lambda.data_clustering?.invocations).toBe(1);
    expect(usage.lambda.scraper?.coldStarts).toBe(1);
    expect(usage.sqs.billedRequests).toBeCloseTo(300 * 3, 6);
  });
});

describe('scaleMonth', () => {
  it('prices new dates as one-date streams, adds each scheduled run as the idle run scaled, keeps the storage', () => {
    // Prepare
    const backfill = scaleBackfill(small, large, 2, target, ['data_clustering']);

    // Act
    const month = scaleMonth(small, large, 2, target, { data_clustering: 30 }, [], backfill);

    // Assess: new dates: 6,300 x (8 + 1) write units; scheduled: 30 runs of 300 x 0.5 read units and 300 x 40 ms.
    expect(month.dynamodb.writeUnits).toBeCloseTo(6_300 * 9, 6);
    expect(month.dynamodb.readUnits).toBeCloseTo(30 * 300 * 0.5, 6);
    expect(month.lambda.data_clustering?.invocations).toBe(30);
    expect(month.lambda.data_clustering?.billedMs).toBeCloseTo(6_300 * (50 + 1) + 30 * 300 * 40, 6);
    expect(month.lambda.data_clustering?.coldStarts).toBe(30);
    expect(month.dynamodb.items).toBeCloseTo(backfill.dynamodb.items, 6);
    expect(month.scheduledInvocations).toBe(30);
  });

  it('counts a metric for the hours its function publishes in a month', () => {
    // Act: every 30 minutes is every hour; daily is 30 hours; the scraper follows the days of new data.
    const hours = metricHours(
      ['G|A|service=retry_recheck', 'G|B|service=data_clustering', 'G|C|service=scraper'],
      { retry_recheck: 1_461, data_clustering: 30 },
    );

    // Assess
    expect(hours).toBeCloseTo((365.25 / 12) * 24 + 30 + 365.25 / 12, 6);
  });
});
