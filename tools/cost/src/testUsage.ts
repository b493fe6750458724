import type { Deployment } from './deployment.js';
import { emptyUsage, type FunctionUsage, type RunUsage } from './usage.js';

/** A deployment fixed for tests (the real one follows tools/infra and may change). */
export const testDeployment: Deployment = {
  architecture: 'arm64',
  memoryMb: { data_clustering: 512, scraper: 512, retry_recheck: 256 },
  logLevel: 'INFO',
  logRetentionDays: 30,
  scheduledRunsPerMonth: { data_clustering: 35, retry_recheck: 1461 },
};

/** One function's usage; what is not given is zero. */
export function functionUsage(partial: Partial<FunctionUsage>): FunctionUsage {
  return { invocations: 0, billedMs: 0, coldStarts: 0, initBilledMs: 0, logBytes: 0, ...partial };
}

/** A usage built from parts; what is not given is empty. */
export function usageOf(
  parts: Partial<Omit<RunUsage, 'dynamodb' | 'sqs'>> & {
    dynamodb?: Partial<RunUsage['dynamodb']>;
    sqs?: Partial<RunUsage['sqs']>;
  },
): RunUsage {
  const empty = emptyUsage();
  return {
    ...empty,
    ...parts,
    dynamodb: { ...empty.dynamodb, ...parts.dynamodb },
    sqs: { ...empty.sqs, ...parts.sqs },
  };
}
