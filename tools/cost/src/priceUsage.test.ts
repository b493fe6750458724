import { describe, expect, it } from 'vitest';
import { loadPriceTable } from './priceTable.js';
import { priceUsage } from './priceUsage.js';
import { functionUsage, testDeployment, usageOf } from './testUsage.js';

const usEast = loadPriceTable('us-east-1');
const GB = 1024 ** 3;
const HOURS_PER_MONTH = (365.25 / 12) * 24;
const RETENTION_SHARE = 30 / (365.25 / 12);
const ARM_GBS = 0.0000133334;

function serviceUsd(cost: ReturnType<typeof priceUsage>, name: string): number | null | undefined {
  return cost.services.find((service) => service.service === name)?.usd;
}

/** One backfill of one series: 2,500 dates in one stream, each function invoked once, all cold. */
const backfillOfOneSeries = usageOf({
  lambda: {
    data_clustering: functionUsage({ invocations: 1, billedMs: 800, coldStarts: 1, initBilledMs: 300 }),
    scraper: functionUsage({ invocations: 1, billedMs: 1_500, coldStarts: 1, initBilledMs: 400 }),
    retry_recheck: functionUsage({ invocations: 1, billedMs: 100, coldStarts: 1, initBilledMs: 250 }),
  },
  dynamodb: { writeUnits: 2_506, readUnits: 3, indexWriteUnits: 2, items: 2_501, itemBytes: 200_000 },
  sqs: { billedRequests: 3 },
  scheduledInvocations: 2,
  metrics: { distinct: ['a', 'b', 'c', 'd'] },
  hours: 1,
});

describe('priceUsage: one backfill of one series (us-east-1), by hand', () => {
  const cost = priceUsage(backfillOfOneSeries, usEast, testDeployment);

  it('prices Lambda: 3 requests, and GB-seconds of invoke plus INIT at each memory', () => {
    // Prepare: (800 + 300) ms x 0.5 GB + (1500 + 400) ms x 0.5 GB + (100 + 250) ms x 0.25 GB = 1.5875 GB-s
    const gbSeconds = 1.1 * 0.5 + 1.9 * 0.5 + 0.35 * 0.25;

    // Assess
    expect(gbSeconds).toBeCloseTo(1.5875, 12);
    expect(serviceUsd(cost, 'lambda')).toBeCloseTo(3 * 0.0000002 + gbSeconds * ARM_GBS, 9);
  });

  it('prices DynamoDB: write units, read units, and a month of the items with 100 bytes of overhead each', () => {
    // Prepare
    const storageGb = (200_000 + 2_501 * 100) / GB;

    // Assess
    expect(serviceUsd(cost, 'dynamodb')).toBeCloseTo(
      2_506 * 0.000000625 + 3 * 0.000000125 + storageGb * 0.25,
      9,
    );
  });

  it('prices SQS per billed request, scheduled rule events at nothing, metrics by the hour', () => {
    // Assess
    expect(serviceUsd(cost, 'sqs')).toBeCloseTo(3 * 0.0000004, 12);
    expect(serviceUsd(cost, 'eventbridge')).toBe(0);
    expect(serviceUsd(cost, 'cloudwatch_metrics')).toBeCloseTo((4 * 0.3) / HOURS_PER_MONTH, 9);
  });

  it("prices the logs: Lambda's own lines (no function lines here), ingested and kept a month", () => {
    // Prepare: START 66 + END 52 + REPORT (142 at 12.34 ms and 2-digit billed ms) + Init Duration 25, where
    // "800.00"/"800" add 2 bytes, "1500.00"/"1500" add 4 and "100.00"/"100" add 2.
    const bytes = 66 + 52 + 144 + 25 + (66 + 52 + 146 + 25) + (66 + 52 + 144 + 25);

    // Assess
    expect(cost.services.find((s) => s.service === 'cloudwatch_logs')?.units.ingested_gb).toBeCloseTo(
      bytes / GB,
      15,
    );
    expect(serviceUsd(cost, 'cloudwatch_logs')).toBeCloseTo(
      (bytes / GB) * 0.5 + (bytes / GB) * RETENTION_SHARE * 0.03,
      9,
    );
  });

  it('has one entry per service, S3 only when used, and a total that sums them', () => {
    // Assess
    expect(cost.services.map((service) => service.service)).toEqual([
      'lambda',
      'dynamodb',
      'sqs',
      'eventbridge',
      'cloudwatch_logs',
      'cloudwatch_metrics',
    ]);
    const sum = cost.services.reduce((total, service) => total + (service.usd ?? 0), 0);
    expect(cost.total_usd).toBeCloseTo(sum, 8);
    expect(cost.total_usd).toBeGreaterThan(0);
  });

  it('shows the free tier apart: it covers everything but the request units, and the total keeps them', () => {
    // Prepare: on-demand request units have no free allowance; everything else here is under its allowance.
    const requestUnits = 2_506 * 0.000000625 + 3 * 0.000000125;
    const eventbridge = 0;

    // Assess
    expect(cost.free_tier.applied).toBe(false);
    expect(cost.free_tier.covers_usd).toBeCloseTo(cost.total_usd - requestUnits - eventbridge, 8);
    expect(cost.free_tier.lines.map((line) => line.service)).toEqual([
      'lambda',
      'lambda',
      'dynamodb',
      'sqs',
      'cloudwatch_logs',
      'cloudwatch_metrics',
    ]);
  });
});

describe('priceUsage: one month of steady state (us-east-1), by hand', () => {
  // One series: 35 clustering runs (30 routine, 5 audit), 30 scraper invocations (one stream a business
  // day), 1,461 rechecks (every 30 minutes); 21 new dates; 6 metrics published all month.
  const month = usageOf({
    lambda: {
      data_clustering: functionUsage({
        invocations: 35,
        billedMs: 5_250,
        coldStarts: 35,
        initBilledMs: 10_500,
        logBytes: 8_750,
      }),
      scraper: functionUsage({ invocations: 30, billedMs: 3_600, coldStarts: 30, initBilledMs: 12_000 }),
      retry_recheck: functionUsage({
        invocations: 1_461,
        billedMs: 58_440,
        coldStarts: 30,
        initBilledMs: 9_000,
        logBytes: 292_200,
      }),
    },
    dynamodb: { writeUnits: 126, readUnits: 5_879, indexWriteUnits: 42, items: 2_521, itemBytes: 201_680 },
    sqs: { billedRequests: 90 },
    scheduledInvocations: 1_496,
    metrics: { distinct: ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'] },
    hours: HOURS_PER_MONTH,
  });
  const cost = priceUsage(month, usEast, testDeployment);

  it('prices the month service by service', () => {
    // Prepare: GB-s = (5,250 + 10,500) ms x 0.5 + (3,600 + 12,000) ms x 0.5 + (58,440 + 9,000) ms x 0.25
    const gbSeconds = 15.75 * 0.5 + 15.6 * 0.5 + 67.44 * 0.25;

    // Assess
    expect(gbSeconds).toBeCloseTo(32.535, 9);
    expect(serviceUsd(cost, 'lambda')).toBeCloseTo(1_526 * 0.0000002 + gbSeconds * ARM_GBS, 9);
    expect(serviceUsd(cost, 'dynamodb')).toBeCloseTo(
      126 * 0.000000625 + 5_879 * 0.000000125 + ((201_680 + 2_521 * 100) / GB) * 0.25,
      9,
    );
    expect(serviceUsd(cost, 'sqs')).toBeCloseTo(90 * 0.0000004, 12);
    expect(serviceUsd(cost, 'cloudwatch_metrics')).toBeCloseTo(6 * 0.3, 9);
  });

  it('lets the free tier cover the ten metrics it allows, shown apart', () => {
    // Act
    const metrics = cost.free_tier.lines.find((line) => line.service === 'cloudwatch_metrics');

    // Assess: six metric-months, all within the ten free ones.
    expect(metrics?.used).toBeCloseTo(6, 9);
    expect(metrics?.covers_usd).toBeCloseTo(1.8, 9);
    expect(cost.total_usd).toBeGreaterThan(1.8);
  });
});

describe('priceUsage in a region with unconfirmed prices', () => {
  it('leaves those services unpriced, out of the total, and says so', () => {
    // Act
    const cost = priceUsage(backfillOfOneSeries, loadPriceTable('sa-east-1'), testDeployment);

    // Assess
    expect(serviceUsd(cost, 'dynamodb')).toBeNull();
    expect(serviceUsd(cost, 'sqs')).toBeNull();
    expect(serviceUsd(cost, 'lambda')).toBeGreaterThan(0);
    expect(cost.total_usd).toBeCloseTo(serviceUsd(cost, 'lambda') ?? 0, 9);
    expect(cost.notes.join('\n')).toContain(
      'Not priced in sa-east-1: dynamodb, sqs, cloudwatch_logs, cloudwatch_metrics',
    );
  });
});

describe('priceUsage refusals', () => {
  it('names a function the deployment has no memory for', () => {
    // Prepare
    const usage = usageOf({ lambda: { mystery: functionUsage({ invocations: 1, billedMs: 1 }) } });

    // Act and Assess
    expect(() => priceUsage(usage, usEast, testDeployment)).toThrow(
      'function mystery has no deployed memory setting (known: data_clustering, scraper, retry_recheck)',
    );
  });
});
