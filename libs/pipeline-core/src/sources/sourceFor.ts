import type { PipelineConfig } from '../config.js';
import { SourceError } from '../errors.js';
import { SourceId } from '../series.js';
import type { SeriesSource } from '../source.js';
import { createBcbPtaxSource } from './bcbPtax.js';
import { createBcbSgsSource } from './bcbSgs.js';
import type { HttpRetryOptions } from './http.js';
import { createSimulatedSource, type SimulatedSourceOptions } from './simulated.js';

export interface SourceOverrides {
  /** Serve every series from the simulated source (the local stack's default: no network). */
  readonly simulateAll?: boolean;
  /** Options of the real adapters' HTTP loop (a `fetchImpl`, fake `sleep`, timeouts). */
  readonly http?: HttpRetryOptions;
  /** Extra options of the simulated source (latency, clock). */
  readonly simulated?: Omit<SimulatedSourceOptions, 'faults'>;
  /** Ready-made sources that replace the built ones, by id (tests). */
  readonly sources?: Partial<Record<SourceId, SeriesSource>>;
}

/** Finds the source that serves a catalog entry's `source` id. */
export type SourceRegistry = (id: SourceId) => SeriesSource;

const knownIds: readonly string[] = Object.values(SourceId);

/**
 * Builds every source once, at init, from the configuration, and returns the lookup the scraper uses per
 * series. With `simulateAll`, every id answers with the one simulated source, so the pipeline runs offline
 * with the configured faults.
 */
export function createSources(
  config: Pick<PipelineConfig, 'sgsBaseUrl' | 'ptaxBaseUrl' | 'simulatedFaults'>,
  overrides: SourceOverrides = {},
): SourceRegistry {
  const simulated =
    overrides.sources?.[SourceId.Simulated] ??
    createSimulatedSource({ ...overrides.simulated, faults: config.simulatedFaults });
  const built: Record<SourceId, SeriesSource> = overrides.simulateAll
    ? { [SourceId.BcbSgs]: simulated, [SourceId.BcbPtax]: simulated, [SourceId.Simulated]: simulated }
    : {
        [SourceId.BcbSgs]:
          overrides.sources?.[SourceId.BcbSgs] ??
          createBcbSgsSource({ ...overrides.http, baseUrl: config.sgsBaseUrl }),
        [SourceId.BcbPtax]:
          overrides.sources?.[SourceId.BcbPtax] ??
          createBcbPtaxSource({ ...overrides.http, baseUrl: config.ptaxBaseUrl }),
        [SourceId.Simulated]: simulated,
      };
  return (id) => {
    // The catalog validates ids, but a registry handed a raw string must not answer `undefined`.
    if (!knownIds.includes(id)) {
      throw new SourceError(String(id), `unknown source (known: ${knownIds.join(', ')})`, {
        retryable: false,
      });
    }
    return built[id];
  };
}
