import type { Env } from '../config.js';
import type { SeriesDefinition } from '../series.js';
import { createSources, type SourceRegistry } from '../sources/sourceFor.js';
import { createSqsWorkQueue, type WorkQueue } from '../workQueue.js';
import {
  buildFunctionParts,
  simulatesAllSources,
  type FunctionParts,
  type RuntimeOverrides,
} from './functionParts.js';

export type { RuntimeOverrides } from './functionParts.js';
export { telemetryOf } from './telemetryOf.js';

/** Everything any function may need, built once at init from the environment. */
export interface RuntimeParts extends FunctionParts {
  readonly sources: SourceRegistry;
  /** Present when the function sends work (`QUEUE_URL` required). */
  readonly queue?: WorkQueue;
}

/**
 * Reads and validates the configuration and the catalog, and builds every adapter (table, sources, and the
 * queue when `QUEUE_URL` is set), once per cold start. The functions' own handlers build only what they use
 * (`buildFunctionParts`, `buildSenderParts`) to keep their bundles small; this whole set serves tools and
 * tests that want all of it.
 */
export function buildRuntimeParts(
  serviceName: string,
  options: { readonly requireQueue: boolean; readonly env?: Env; readonly overrides?: RuntimeOverrides },
): RuntimeParts {
  const parts = buildFunctionParts(serviceName, options);
  const overrides = options.overrides ?? {};
  const sources = createSources(parts.config, {
    ...overrides.sources,
    simulateAll: simulatesAllSources(parts.config, overrides),
  });
  const { queueUrl } = parts.config;
  const queue =
    queueUrl === undefined
      ? undefined
      : createSqsWorkQueue({
          queueUrl,
          ...(overrides.sqsClient ? { client: overrides.sqsClient } : {}),
        });
  return { ...parts, sources, ...(queue ? { queue } : {}) };
}

/** The widest window one request to a series' source may span. */
export function windowOf(sources: SourceRegistry): (series: SeriesDefinition) => number {
  return (series) => sources(series.source).maxWindowDays(series);
}
