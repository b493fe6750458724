import { describe, expect, it } from 'vitest';
import { addMetrics, openFunctionLog } from './functionLog.js';

function emfLine(values: Record<string, number | number[]>) {
  return {
    _aws: {
      Timestamp: 0,
      CloudWatchMetrics: [
        {
          Namespace: 'Gapless',
          Dimensions: [['service']],
          Metrics: Object.keys(values).map((Name) => ({ Name, Unit: 'Count' })),
        },
      ],
    },
    service: 'scraper',
    ...values,
  };
}

describe('addMetrics', () => {
  it('sums single values and the arrays Powertools prints for repeated metrics', () => {
    // Prepare
    const totals: Record<string, number> = { SourceRequests: 1 };

    // Act
    addMetrics(totals, emfLine({ SourceRequests: [1, 1, 1], ItemsWritten: 25 }));

    // Assess
    expect(totals).toEqual({ SourceRequests: 4, ItemsWritten: 25 });
  });

  it('ignores values the directive does not name', () => {
    // Prepare
    const totals: Record<string, number> = {};

    // Act
    addMetrics(totals, { ...emfLine({ ItemsWritten: 2 }), retry_count: 7 });

    // Assess
    expect(totals).toEqual({ ItemsWritten: 2 });
  });
});

describe('openFunctionLog', () => {
  it('keeps metrics and error lines of JSON output and skips plain text', () => {
    // Prepare
    const echoed: string[] = [];
    const log = openFunctionLog(undefined, (line) => echoed.push(line));
    const sink = log.sink('scraper');

    // Act
    sink('plain warning text');
    sink(JSON.stringify(emfLine({ BatchWriteCalls: 3 })));
    sink(JSON.stringify({ level: 'ERROR', message: 'record failed' }));

    // Assess
    expect(log.metrics()).toEqual({ BatchWriteCalls: 3 });
    expect(log.errors()).toEqual(['scraper: record failed']);
    expect(echoed[0]).toBe('scraper\tplain warning text');
  });
});
