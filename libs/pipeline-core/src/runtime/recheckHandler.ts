import type { Env } from '../config.js';
import { runRecheck, type RecheckReport } from '../recheck.js';
import { tableDefinition } from '../tableDefinition.js';
import type { RuntimeOverrides } from './functionParts.js';
import { buildSenderParts } from './senderParts.js';

/** Builds retry_recheck's handler once, at init; each scheduled invocation is one pass over the retry index. */
export function createRecheckHandler(env?: Env, overrides?: RuntimeOverrides) {
  const parts = buildSenderParts('retry_recheck', {
    ...(env ? { env } : {}),
    ...(overrides ? { overrides } : {}),
  });
  const { metrics } = parts.observability;
  const deps = {
    catalog: parts.catalogIndex,
    store: parts.store,
    queue: parts.queue,
    maxRetries: parts.config.maxRetries,
    shardCount: tableDefinition.shardCount,
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
