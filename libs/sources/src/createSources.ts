import { servingSource, SourceId, SourceMode, type SeriesSource } from '@gapless/pipeline-core';
import { createBcbPtaxSource } from './bcbPtax.js';
import { createBcbSgsSource } from './bcbSgs.js';
import type { HttpRetryOptions } from './http.js';
import { createIpeaSource } from './ipea.js';
import { createSimulatedSource, type SimulatedSourceOptions } from './simulated.js';
import type { SourceConfig } from './sourceConfig.js';

/** How the sources are built besides their configuration; production passes at most `mode`. */
export interface SourceOptions {
  /** `simulated` serves every series from the simulated source (the local stack's default: no network). */
  readonly mode?: SourceMode;
  /** Options of the real adapters' HTTP loop (a `fetchImpl`, fake `sleep`, timeouts). */
  readonly http?: HttpRetryOptions;
  /** Extra options of the simulated source (latency, clock). */
  readonly simulated?: Omit<SimulatedSourceOptions, 'faults' | 'requestLogPath'>;
  /** Ready-made sources that replace the built ones, by id (tests). */
  readonly sources?: Partial<Record<SourceId, SeriesSource>>;
}

/** Finds the source that serves a catalog entry's `source` id. */
export type SourceRegistry = (id: SourceId) => SeriesSource;

/**
 * Builds every source once, at init, and returns the lookup the scraper uses per series. Which source
 * answers an id is pipeline-core's `servingSource` rule, the one the schedulers split streams by: its own
 * when live, the one simulated source (with the configured faults and request log) in simulated mode. An
 * unknown id throws a non-retryable SourceError instead of answering `undefined`.
 */
export function createSources(config: SourceConfig, options: SourceOptions = {}): SourceRegistry {
  const mode = options.mode ?? SourceMode.Live;
  const readyMade = options.sources ?? {};
  const built: Record<SourceId, SeriesSource> = {
    [SourceId.BcbSgs]:
      readyMade[SourceId.BcbSgs] ?? createBcbSgsSource({ ...options.http, baseUrl: config.sgsBaseUrl }),
    [SourceId.BcbPtax]:
      readyMade[SourceId.BcbPtax] ?? createBcbPtaxSource({ ...options.http, baseUrl: config.ptaxBaseUrl }),
    [SourceId.Ipea]:
      readyMade[SourceId.Ipea] ?? createIpeaSource({ ...options.http, baseUrl: config.ipeaBaseUrl }),
    [SourceId.Simulated]:
      readyMade[SourceId.Simulated] ??
      createSimulatedSource({
        ...options.simulated,
        faults: config.simulatedFaults,
        ...(config.simulatedSourceLog === undefined ? {} : { requestLogPath: config.simulatedSourceLog }),
      }),
  };
  return (id) => built[servingSource(id, mode)];
}
