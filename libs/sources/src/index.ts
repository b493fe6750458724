// The data sources behind pipeline-core's SeriesSource port: BCB SGS, BCB PTAX and IPEA's ipeadata over
// one HTTP retry loop, and the simulated source. Only the functions that fetch (the scraper) may depend on
// this library: the lint rules keep the HTTP code out of the other functions' bundles.
export { createSources } from './createSources.js';
export type { SourceOptions, SourceRegistry } from './createSources.js';
export {
  readSourceConfig,
  parseSimulatedFaults,
  noSimulatedFaults,
  defaultSgsBaseUrl,
  defaultPtaxBaseUrl,
  defaultIpeaBaseUrl,
} from './sourceConfig.js';
export type { SourceConfig, SimulatedFaults } from './sourceConfig.js';
export { simulatedValue } from './simulated.js';
