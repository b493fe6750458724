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

describe('the log volume the deployment would ingest', () => {
  it('counts lines at the deployed level while showing only those at the asked level', () => {
    // Prepare: the user asked for WARN, the deployment logs at INFO.
    const echoed: string[] = [];
    const log = openFunctionLog(undefined, (line) => echoed.push(line), { show: 'WARN', count: 'INFO' });
    const sink = log.sink('data_clustering');
    const info = JSON.stringify({ level: 'INFO', message: 'series clustered' });
    const debug = JSON.stringify({ level: 'DEBUG', message: 'detail' });
    const warn = JSON.stringify({ level: 'WARN', message: 'lease exists' });
    const emf = JSON.stringify(emfLine({ MessagesSent: 2 }));

    // Act
    for (const line of [info, debug, warn, emf, 'plain text']) sink(line);

    // Assess: every line but DEBUG is counted, with its newline; INFO is not shown.
    const counted = [info, warn, emf, 'plain text'].reduce(
      (sum, line) => sum + Buffer.byteLength(line) + 1,
      0,
    );
    expect(log.volume()).toEqual({
      bytes: { data_clustering: counted },
      emfBytes: Buffer.byteLength(emf) + 1,
      metrics: ['Gapless|MessagesSent|service=scraper'],
    });
    expect(echoed.map((line) => line.split('\t')[1])).toEqual([warn, emf, 'plain text']);
  });

  it('tells metrics apart by name, namespace and the values of their dimensions', () => {
    // Prepare
    const log = openFunctionLog(undefined, undefined, { count: 'INFO' });

    // Act
    log.sink('scraper')(JSON.stringify(emfLine({ ItemsWritten: 1, BatchWriteCalls: 1 })));
    log.sink('scraper')(JSON.stringify(emfLine({ ItemsWritten: 3 })));
    log.sink('retry_recheck')(JSON.stringify({ ...emfLine({ ItemsWritten: 1 }), service: 'retry_recheck' }));

    // Assess
    expect(log.volume().metrics).toEqual([
      'Gapless|BatchWriteCalls|service=scraper',
      'Gapless|ItemsWritten|service=retry_recheck',
      'Gapless|ItemsWritten|service=scraper',
    ]);
  });
});
