import { buildSenderParts, type RuntimeOverrides } from '@gapless/lambda-runtime';
import { PipelineError, type Env } from '@gapless/pipeline-core';
import { runRecheck, type RecheckReport } from './recheck.js';
import { planRecheck, type RecheckPlan } from './recheckPlan.js';

/** The scheduled event (EventBridge's, with no `mode`), or `{"mode":"plan"}` for a dry run. */
export interface RecheckEvent {
  readonly mode?: unknown;
}

/**
 * Builds retry_recheck's handler once, at init; each scheduled invocation is one pass over the retry index.
 * `{"mode":"plan"}` (the deploy's smoke event) reads the index and answers the plan, writing and sending
 * nothing.
 */
export function createRecheckHandler(env: Env = process.env, overrides: RuntimeOverrides = {}) {
  const parts = buildSenderParts('retry_recheck', { env, overrides });
  const { metrics } = parts.powertools;
  const deps = {
    catalog: parts.catalogIndex,
    store: parts.store,
    queue: parts.queue,
    maxRetries: parts.config.maxRetries,
    pendingTimeoutMs: parts.config.timing.pendingTimeoutMs,
    inflightTimeoutMs: parts.config.timing.inflightTimeoutMs,
    maxWindowDays: parts.maxWindowDays,
    maxMessageBytes: parts.config.maxMessageBytes,
    now: parts.now,
    telemetry: parts.telemetry,
  };
  return async (event?: RecheckEvent | null): Promise<RecheckReport | RecheckPlan> => {
    if (isPlan(event)) return planRecheck(deps);
    try {
      return await runRecheck(deps);
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}

function isPlan(event: RecheckEvent | null | undefined): boolean {
  const mode = event?.mode;
  if (mode === undefined || mode === null) return false;
  if (mode === 'plan') return true;
  throw new PipelineError(`unknown mode ${JSON.stringify(mode)} in the event (expected "plan" or none)`);
}
