import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { daysPerMonth, deployment } from './deployment.js';

const infra = (file: string) => readFileSync(new URL(`../../infra/src/${file}`, import.meta.url), 'utf8');

describe('the deployment the model prices', () => {
  it("takes memory and architecture from the infrastructure's function settings", () => {
    // Assess
    expect(deployment.architecture).toBe('arm64');
    expect(deployment.memoryMb).toMatchObject({ data_clustering: 512, scraper: 512, retry_recheck: 256 });
  });

  it('mirrors the log level, the retention and the schedules the infrastructure declares', () => {
    // Prepare: the CDK files are read, not loaded (the CDK is too heavy to import here).
    const functions = infra('pipelineFunctions.ts');
    const schedules = infra('pipelineSchedules.ts');

    // Assess: no log level is set (Powertools' default, INFO), logs kept a month, and the schedules' rates.
    expect(functions).not.toContain('POWERTOOLS_LOG_LEVEL');
    expect(functions).toContain('retention: logs.RetentionDays.ONE_MONTH');
    expect(deployment).toMatchObject({ logLevel: 'INFO', logRetentionDays: 30 });
    expect(schedules).toContain("routineClustering: events.Schedule.cron({ minute: '0', hour: '22' })");
    expect(schedules).toContain("weekDay: 'SUN'");
    expect(schedules).toContain('retryRecheck: events.Schedule.rate(Duration.minutes(30))');
    expect(schedules).toContain("lakeExport: events.Schedule.cron({ minute: '0', hour: '1' })");
    expect(deployment.scheduledRunsPerMonth).toEqual({
      data_clustering: daysPerMonth + daysPerMonth / 7,
      retry_recheck: daysPerMonth * 48,
      lake_export: daysPerMonth,
    });
  });
});
