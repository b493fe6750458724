/**
 * The files of a new Lambda app, keyed by path relative to `apps/<name>`: the entry (`index.ts`, the
 * `handler` Lambda calls), the handler (its wiring: Powertools logger and metrics built once, at init), a
 * service (what the function does with one event) and a test beside each. Shared work belongs in a library.
 */
export function lambdaTemplates(name: string): Record<string, string> {
  return {
    'src/index.ts': `import { createHandler } from './handler.js';

/** ${name}: reports the day each scheduled run is for. */
export const handler = createHandler();
`,
    'src/handler.ts': `import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { createPowertoolsTelemetry } from '@gapless/lambda-runtime';
import type { ScheduledEvent } from 'aws-lambda';
import { reportDay, type RunReport } from './reportDay.js';

/**
 * Builds ${name}'s handler once, at init: its logger and metrics live as long as the execution
 * environment, and each invocation only runs the service, logs and flushes the metrics.
 */
export function createHandler() {
  const { logger, metrics } = createPowertoolsTelemetry('${name}');
  return async (event: ScheduledEvent): Promise<RunReport> => {
    try {
      const report = reportDay(new Date(event.time));
      logger.info('run finished', { ...report });
      metrics.addMetric('RunsFinished', MetricUnit.Count, 1);
      return report;
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
`,
    'src/reportDay.ts': `import { formatIsoDate, todayUtc } from '@gapless/pipeline-core';

/** What one run of ${name} reports. */
export interface RunReport {
  readonly day: string;
}

/** The UTC day a run scheduled at \`time\` is for. */
export function reportDay(time: Date): RunReport {
  return { day: formatIsoDate(todayUtc(time)) };
}
`,
    'src/reportDay.test.ts': `import { describe, expect, it } from 'vitest';
import { reportDay } from './reportDay.js';

describe('reportDay', () => {
  it('reports the UTC day of the scheduled time', () => {
    // Act
    const report = reportDay(new Date('2024-03-01T23:30:00Z'));

    // Assess
    expect(report).toEqual({ day: '2024-03-01' });
  });
});
`,
    'src/handler.test.ts': `import type { ScheduledEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHandler } from './handler.js';

const scheduledEvent = (time: string): ScheduledEvent => ({
  version: '0',
  id: 'run-1',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time,
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:123456789012:rule/${name}'],
  detail: {},
});

/** The JSON lines Powertools writes to stdout while \`act\` runs. */
async function stdoutLines(act: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    await act();
  } finally {
    spy.mockRestore();
  }
  return chunks
    .join('')
    .split('\\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

beforeEach(() => {
  // Outside dev mode Powertools writes JSON lines and EMF, as it does on Lambda.
  vi.stubEnv('POWERTOOLS_DEV', '');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('${name} handler', () => {
  it('returns the report, logs it and flushes one metric', async () => {
    // Prepare
    const handler = createHandler();
    let report: unknown;

    // Act
    const lines = await stdoutLines(async () => {
      report = await handler(scheduledEvent('2024-03-01T23:30:00Z'));
    });

    // Assess
    expect(report).toEqual({ day: '2024-03-01' });
    expect(lines).toContainEqual(
      expect.objectContaining({ message: 'run finished', service: '${name}', day: '2024-03-01' }),
    );
    expect(lines).toContainEqual(expect.objectContaining({ RunsFinished: 1, service: '${name}' }));
  });
});
`,
    'vitest.config.ts': `import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
    environment: 'node',
  },
});
`,
  };
}
