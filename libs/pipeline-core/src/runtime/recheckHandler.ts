import type { Env } from '../config.js';
import { runRecheck, type RecheckReport } from '../recheck.js';
import { tableDefinition } from '../tableDefinition.js';
import { buildRuntimeParts, windowOf, type RuntimeOverrides } from './runtimeParts.js';

/** Builds retry_recheck's handler once, at init; each scheduled invocation is one pass over the retry index. */
export function createRecheckHandler(env?: Env, overrides?: RuntimeOverrides) {
  const parts = buildRuntimeParts('retry_recheck', {
    requireQueue: true,
    ...(env ? { env } : {}),
    ...(overrides ? { overrides } : {}),
  });
  const { metrics } = parts.observability;
  const deps = {
    catalog: parts.catalogIndex,
    store: parts.store,
    queue: parts.queue as NonNullable<typeof parts.queue>,
    maxRetries: parts.config.maxRetries,
    shardCount: tableDefinition.shardCount,
    inflightTimeoutMs: parts.config.timing.inflightTimeoutMs,
    maxWindowDays: windowOf(parts.sources),
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
