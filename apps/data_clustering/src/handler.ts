import { buildSenderParts, type RuntimeOverrides } from '@gapless/lambda-runtime';
import { PipelineError, type Env } from '@gapless/pipeline-core';
import { runClustering, type ClusteringMode, type SeriesClusteringResult } from './clustering.js';
import { planClustering, type ClusteringPlan } from './clusteringPlan.js';

/**
 * An EventBridge scheduled event; `detail.mode` (or a top-level `mode`) may ask for an `audit` run, or for
 * `plan`: the deploy's smoke event, a dry run that reads and plans but writes and sends nothing.
 */
export interface ClusteringEvent {
  readonly mode?: unknown;
  readonly detail?: { readonly mode?: unknown } | null;
}

/**
 * Builds data_clustering's handler once, at init. Each invocation runs every series and throws at the end if
 * any series failed, so the failure is visible (Lambda error metric, alarm) without stopping the others.
 */
export function createClusteringHandler(env: Env = process.env, overrides: RuntimeOverrides = {}) {
  const parts = buildSenderParts('data_clustering', { env, overrides });
  const { metrics } = parts.powertools;
  const deps = {
    catalog: parts.catalog,
    store: parts.store,
    queue: parts.queue,
    maxWindowDays: parts.maxWindowDays,
    maxMessageBytes: parts.config.maxMessageBytes,
    pendingTimeoutMs: parts.config.timing.pendingTimeoutMs,
    now: parts.now,
    telemetry: parts.telemetry,
  };

  return async (
    event: ClusteringEvent | null | undefined,
  ): Promise<{ series: SeriesClusteringResult[] } | ClusteringPlan> => {
    const mode = clusteringMode(event);
    if (mode === 'plan') return planClustering(deps);
    let results: SeriesClusteringResult[];
    try {
      results = await runClustering(deps, mode);
    } finally {
      metrics.publishStoredMetrics();
    }
    const failed = results.filter((result) => result.error !== undefined);
    if (failed.length > 0) {
      throw new PipelineError(
        `${failed.length} of ${results.length} series failed: ${describeFailed(failed)}`,
      );
    }
    return { series: results };
  };
}

/** Failures named in the error (each series' own line is in the log). */
const FAILURES_NAMED = 10;

/** The first failed series with their errors; a whole catalog that failed on one cause stays one line. */
function describeFailed(failed: readonly SeriesClusteringResult[]): string {
  const named = failed.slice(0, FAILURES_NAMED).map((result) => `${result.infoType} (${result.error})`);
  const more = failed.length - named.length;
  return named.join('; ') + (more > 0 ? `; and ${more} more` : '');
}

function clusteringMode(event: ClusteringEvent | null | undefined): ClusteringMode | 'plan' {
  const requested = event?.mode ?? event?.detail?.mode;
  if (requested === undefined || requested === null || requested === 'routine') return 'routine';
  if (requested === 'audit' || requested === 'plan') return requested;
  throw new PipelineError(
    `unknown mode ${JSON.stringify(requested)} in the event (expected "routine", "audit" or "plan")`,
  );
}
