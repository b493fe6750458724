import { functionArchitecture, functionSettings } from '@gapless/infra/function-settings';

/** What the model needs to know about how the functions are deployed. */
export interface Deployment {
  readonly architecture: 'arm64' | 'x86_64';
  /** Configured memory per function name. */
  readonly memoryMb: Readonly<Record<string, number>>;
  /** The level the deployed functions log at; the local stack counts log bytes at this level. */
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** How long CloudWatch keeps the functions' logs (the log groups' retention). */
  readonly logRetentionDays: number;
  /** Scheduled runs a month, per function, from the deployment's EventBridge rules. */
  readonly scheduledRunsPerMonth: Readonly<Record<string, number>>;
}

/** An average month: 365.25 / 12 days. */
export const daysPerMonth = 365.25 / 12;
/** Hours in an average month (CloudWatch prorates custom metrics by the hour). */
export const hoursPerMonth = daysPerMonth * 24;

/**
 * The deployment as `tools/infra` defines it: memory and architecture from its function settings (imported,
 * so a change there changes the prices here); the log level, retention and schedules mirror
 * `pipelineFunctions.ts` and `pipelineSchedules.ts` (which load the CDK, too heavy to import here; the
 * tests hold the two in step).
 */
export const deployment: Deployment = {
  architecture: functionArchitecture,
  memoryMb: Object.fromEntries(Object.entries(functionSettings).map(([name, s]) => [name, s.memoryMb])),
  // The functions' environment sets no POWERTOOLS_LOG_LEVEL, so Powertools logs at its default, INFO.
  logLevel: 'INFO',
  // logs.RetentionDays.ONE_MONTH
  logRetentionDays: 30,
  scheduledRunsPerMonth: {
    // cron(0 22 * * ? *) routine, plus cron(30 23 ? * SUN *) audit
    data_clustering: daysPerMonth + daysPerMonth / 7,
    // rate(30 minutes)
    retry_recheck: daysPerMonth * 48,
    // cron(0 1 * * ? *)
    lake_export: daysPerMonth,
  },
};
