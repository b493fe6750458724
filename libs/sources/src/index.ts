// The data sources behind pipeline-core's SeriesSource port: BCB SGS and PTAX over one HTTP retry loop,
// and the simulated source. Only the functions that fetch (the scraper) may depend on this library: the
// lint rules keep the HTTP code out of the other functions' bundles.
export { createSources } from './createSources.js';
export type { SourceOptions, SourceRegistry } from './createSources.js';
export {
  readSourceConfig,
  parseSimulatedFaults,
  noSimulatedFaults,
  defaultSgsBaseUrl,
  defaultPtaxBaseUrl,
} from './sourceConfig.js';
export type { SourceConfig, SimulatedFaults } from './sourceConfig.js';
export { createBcbSgsSource } from './bcbSgs.js';
export type { BcbSgsSourceOptions } from './bcbSgs.js';
export { createBcbPtaxSource } from './bcbPtax.js';
export type { BcbPtaxSourceOptions } from './bcbPtax.js';
export type { HttpRetryOptions } from './http.js';
export { SimulatedFault, createSimulatedSource, simulatedValue } from './simulated.js';
export type { SimulatedSource, SimulatedSourceOptions, SimulatedSourceStats } from './simulated.js';
