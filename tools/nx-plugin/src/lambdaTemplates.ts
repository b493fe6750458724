/**
 * The files of a new Lambda app, keyed by path relative to `apps/<name>`. The handler only wires: the
 * work belongs in `@gapless/pipeline-core`, where it is shared and tested once.
 */
export function lambdaTemplates(name: string): Record<string, string> {
  return {
    'src/index.ts': `import type { ScheduledEvent } from 'aws-lambda';
import { formatIsoDate, todayUtc } from '@gapless/pipeline-core';

/** What one run of ${name} reports. */
export interface RunReport {
  readonly day: string;
}

/** Scheduled entry point of the ${name} Lambda: reports the day it ran for. */
export const handler = async (event: ScheduledEvent): Promise<RunReport> => {
  const report = { day: formatIsoDate(todayUtc(new Date(event.time))) };
  console.log(JSON.stringify({ lambda: '${name}', ...report }));
  return report;
};
`,
    'src/index.test.ts': `import type { ScheduledEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { handler } from './index.js';

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

describe('${name} handler', () => {
  it('reports the UTC day of the scheduled time', async () => {
    // Prepare
    vi.spyOn(console, 'log').mockImplementation(() => undefined);

    // Act
    const report = await handler(scheduledEvent('2024-03-01T23:30:00Z'));

    // Assess
    expect(report).toEqual({ day: '2024-03-01' });
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
