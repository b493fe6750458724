import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createObservability, loggerForSeries, MetricName, metricsNamespace } from './observability.js';

/** Every line Powertools writes (warnings and errors go to stderr) while `act` runs, parsed as JSON. */
function captureOutput(act: () => void): Record<string, unknown>[] {
  const lines: string[] = [];
  const record = (chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(record),
    vi.spyOn(process.stderr, 'write').mockImplementation(record),
  ];
  try {
    act();
  } finally {
    spies.forEach((spy) => spy.mockRestore());
  }
  return lines
    .join('')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

interface EmfLine {
  _aws: {
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  [key: string]: unknown;
}

beforeEach(() => {
  // Dev mode sends Powertools to the global console (and disables metrics): measure the Lambda behaviour.
  vi.stubEnv('POWERTOOLS_DEV', '');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('createObservability', () => {
  it('flushes every pipeline metric as one EMF line in the Gapless namespace', () => {
    const { metrics } = createObservability('scraper');
    const names = Object.values(MetricName);

    const lines = captureOutput(() => {
      names.forEach((name, index) => metrics.addMetric(name, 'Count', index + 1));
      metrics.publishStoredMetrics();
    });

    expect(lines).toHaveLength(1);
    const emf = lines[0] as EmfLine;
    const directive = emf._aws.CloudWatchMetrics[0];
    expect(directive?.Namespace).toBe(metricsNamespace);
    expect(directive?.Namespace).toBe('Gapless');
    expect(directive?.Dimensions).toEqual([['service']]);
    expect(directive?.Metrics.map((metric) => metric.Name).sort()).toEqual([...names].sort());
    expect(directive?.Metrics.every((metric) => metric.Unit === 'Count')).toBe(true);
    names.forEach((name, index) => expect(emf[name]).toBe(index + 1));
    expect(emf.service).toBe('scraper');
  });

  it('names exactly the nine metrics of the contract', () => {
    expect(Object.values(MetricName)).toEqual([
      'GapsFound',
      'MessagesSent',
      'SourceRequests',
      'ItemsWritten',
      'BatchWriteCalls',
      'UnprocessedRetries',
      'RetriesEnqueued',
      'Quarantined',
      'PoisonMessages',
    ]);
  });

  it('writes JSON log lines with the service name', () => {
    const { logger } = createObservability('data_clustering');

    const lines = captureOutput(() => logger.info('run finished', { gaps: 3 }));

    expect(lines).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'run finished',
        service: 'data_clustering',
        gaps: 3,
      }),
    ]);
  });

  it('writes warnings as JSON too, and keeps unflushed metrics out of the log', () => {
    const { logger, metrics } = createObservability('retry_recheck');

    const lines = captureOutput(() => {
      metrics.addMetric(MetricName.Quarantined, 'Count', 2);
      logger.warn('quarantined', { dates: 2 });
    });

    expect(lines).toEqual([expect.objectContaining({ level: 'WARN', message: 'quarantined', dates: 2 })]);
  });
});

describe('loggerForSeries', () => {
  it('keys every line of the record by series, leaving the shared logger untouched', () => {
    const { logger } = createObservability('scraper');

    const lines = captureOutput(() => {
      const usd = loggerForSeries(logger, 'CURRENCY#USD');
      const eur = loggerForSeries(logger, 'CURRENCY#EUR');
      usd.info('downloaded');
      eur.error('source failed');
      logger.info('batch done');
    });

    expect(lines.map((line) => [line.message, line.series, line.service])).toEqual([
      ['downloaded', 'CURRENCY#USD', 'scraper'],
      ['source failed', 'CURRENCY#EUR', 'scraper'],
      ['batch done', undefined, 'scraper'],
    ]);
  });
});
