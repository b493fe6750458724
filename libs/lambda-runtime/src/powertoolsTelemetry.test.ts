import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MetricName, metricsNamespace } from '@gapless/pipeline-core';
import { createPowertoolsTelemetry } from './powertoolsTelemetry.js';

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

describe('createPowertoolsTelemetry', () => {
  it('flushes every pipeline metric as one EMF line in the Gapless namespace', () => {
    // Prepare
    const { metrics } = createPowertoolsTelemetry('scraper');
    const names = Object.values(MetricName);

    // Act
    const lines = captureOutput(() => {
      names.forEach((name, index) => metrics.addMetric(name, 'Count', index + 1));
      metrics.publishStoredMetrics();
    });

    // Assess
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

  it('names exactly the ten metrics of the contract', () => {
    // Act / Assess
    expect(Object.values(MetricName)).toEqual([
      'GapsFound',
      'MessagesSent',
      'SourceRequests',
      'ItemsWritten',
      'BatchWriteCalls',
      'UnprocessedRetries',
      'RetriesEnqueued',
      'Quarantined',
      'DatesAbsent',
      'PoisonMessages',
    ]);
  });

  it('writes JSON log lines with the service name', () => {
    // Prepare
    const { logger } = createPowertoolsTelemetry('data_clustering');

    // Act
    const lines = captureOutput(() => logger.info('run finished', { gaps: 3 }));

    // Assess
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
    // Prepare
    const { logger, metrics } = createPowertoolsTelemetry('retry_recheck');

    // Act
    const lines = captureOutput(() => {
      metrics.addMetric(MetricName.Quarantined, 'Count', 2);
      logger.warn('quarantined', { dates: 2 });
    });

    // Assess
    expect(lines).toEqual([expect.objectContaining({ level: 'WARN', message: 'quarantined', dates: 2 })]);
  });
});

describe('the Telemetry port', () => {
  it('logs and counts through the same Powertools Logger and Metrics', () => {
    // Prepare
    const { metrics, telemetry } = createPowertoolsTelemetry('scraper');

    // Act
    const lines = captureOutput(() => {
      telemetry.logger.info('downloaded', { series: 'CURRENCY#USD' });
      telemetry.logger.error('source failed');
      telemetry.metrics.addMetric(MetricName.SourceRequests, 'Count', 2);
      metrics.publishStoredMetrics();
    });

    // Assess
    expect(lines.slice(0, 2).map((line) => [line.level, line.message, line.series, line.service])).toEqual([
      ['INFO', 'downloaded', 'CURRENCY#USD', 'scraper'],
      ['ERROR', 'source failed', undefined, 'scraper'],
    ]);
    expect(lines[2]?.[MetricName.SourceRequests]).toBe(2);
  });
});
