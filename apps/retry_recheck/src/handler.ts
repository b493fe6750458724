import { buildSenderParts, type RuntimeOverrides } from '@gapless/lambda-runtime';
import type { Env } from '@gapless/pipeline-core';
import { runRecheck, type RecheckReport } from './recheck.js';

/** Builds retry_recheck's handler once, at init; each scheduled invocation is one pass over the retry index. */
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
  return async (): Promise<RecheckReport> => {
    try {
      return await runRecheck(deps);
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
