// `@gapless/cost/estimate`: the measuring side (the naive design's bundles, the runs, the scaling), apart
// from the model so that the local stack, which prices every run, does not load the bundler.
export { estimateCost } from './estimate.js';
export type { EstimateDocument, EstimateOptions, DesignEstimate } from './estimate.js';
export { buildNaiveDist, naiveFunctions } from './naiveBundle.js';
export { processRunner, readSummary } from './localRun.js';
export type { LocalRunner, LocalRunRequest, LocalRunResult } from './localRun.js';
