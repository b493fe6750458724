import { ConfigError } from '../errors.js';
import { SourceId, type SeriesDefinition } from '../series.js';
import { sourceWindowDays } from '../sources/sourceWindows.js';
import { createSqsWorkQueue, type WorkQueue } from '../workQueue.js';
import {
  buildFunctionParts,
  simulatesAllSources,
  type FunctionParts,
  type FunctionPartsOptions,
} from './functionParts.js';

/** The parts of a function that finds work and sends it (data_clustering, retry_recheck). */
export interface SenderParts extends FunctionParts {
  readonly queue: WorkQueue;
  /** The widest window one request to a series' source may span: where streams are split. */
  readonly maxWindowDays: (series: SeriesDefinition) => number;
}

/**
 * Builds a sending function's parts once, at init: the common parts, the work queue (`QUEUE_URL` is
 * required) and each series' source window. The windows come from `sourceWindows.ts`, not from built
 * sources, so these functions never bundle the HTTP adapters; they answer exactly what the sources
 * the scraper builds (`createSources`) would answer, ready-made sources of the overrides included.
 */
export function buildSenderParts(
  serviceName: string,
  options: Omit<FunctionPartsOptions, 'requireQueue'>,
): SenderParts {
  const parts = buildFunctionParts(serviceName, { ...options, requireQueue: true });
  const overrides = options.overrides ?? {};
  const { queueUrl } = parts.config;
  if (queueUrl === undefined) {
    // readPipelineConfig already refuses a missing QUEUE_URL when asked to; this keeps the type honest.
    throw new ConfigError('QUEUE_URL', 'is required');
  }
  const queue = createSqsWorkQueue({
    queueUrl,
    ...(overrides.sqsClient ? { client: overrides.sqsClient } : {}),
  });
  const simulateAll = simulatesAllSources(parts.config, overrides);
  const readyMade = overrides.sources?.sources ?? {};
  const maxWindowDays = (series: SeriesDefinition): number => {
    // Simulated mode serves every id from the one simulated source, as createSources does.
    const id = simulateAll ? SourceId.Simulated : series.source;
    return readyMade[id]?.maxWindowDays(series) ?? sourceWindowDays(id, series);
  };
  return { ...parts, queue, maxWindowDays };
}
