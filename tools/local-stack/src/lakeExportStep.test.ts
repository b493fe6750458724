import { describe, expect, it } from 'vitest';
import { InvocationError } from './errors.js';
import { runLakeExport } from './lakeExportStep.js';

const target = (invoke: (event: unknown) => Promise<unknown>) => ({
  region: 'us-east-1',
  lakeBucket: 'gapless-lake',
  lakeExport: { invoke },
});

const usd = {
  infoType: 'CURRENCY#USD',
  partitionsWritten: 2,
  partitionsUnchanged: 9,
  rows: 500,
  bytesWritten: 7000,
  keys: [
    'lake/series=CURRENCY%23USD/year=2025/part-0.parquet',
    'lake/series=CURRENCY%23USD/year=2026/part-0.parquet',
  ],
};
const eur = {
  ...usd,
  infoType: 'CURRENCY#EUR',
  partitionsWritten: 1,
  partitionsUnchanged: 0,
  rows: 20,
  bytesWritten: 900,
  keys: ['k'],
};

describe('runLakeExport', () => {
  it('invokes lake_export with the scheduled event of its daily rule and sums its report', async () => {
    // Prepare
    const events: unknown[] = [];

    // Act
    const summary = await runLakeExport(
      target(async (event) => {
        events.push(event);
        return { series: [usd, eur], partitionsWritten: 3, bytesWritten: 7900 };
      }),
    );

    // Assess
    expect(events).toEqual([
      expect.objectContaining({
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        region: 'us-east-1',
        detail: {},
      }),
    ]);
    expect(summary).toEqual({
      bucket: 'gapless-lake',
      prefix: 'lake/',
      partitionsWritten: 3,
      partitionsUnchanged: 9,
      bytesWritten: 7900,
      rows: 520,
      series: [usd, eur],
    });
  });

  it('returns a failed invocation as an error with zero figures, without throwing', async () => {
    // Act
    const summary = await runLakeExport(
      target(async () => {
        throw new InvocationError('lake_export', 'error', 'LAKE_BUCKET is required');
      }),
    );

    // Assess
    expect(summary).toMatchObject({ partitionsWritten: 0, bytesWritten: 0, series: [] });
    expect(summary.error).toContain('LAKE_BUCKET is required');
  });

  it('names what is wrong in a report of another shape', async () => {
    // Act
    const summary = await runLakeExport(target(async () => ({ series: [{ infoType: 'X', rows: 1 }] })));

    // Assess
    expect(summary.error).toContain('a series entry without infoType, keys or partitionsWritten');
    expect(summary.error).toContain('"infoType":"X"');
  });
});
