// The wiring every function shares: its configuration read once from the environment, its Powertools
// logger and metrics, and the parts built from them at init. No sources here: the functions that do not
// fetch must not bundle the HTTP adapters.
export { readPipelineConfig } from './pipelineConfig.js';
export type { PipelineConfig } from './pipelineConfig.js';
export { createPowertoolsTelemetry } from './powertoolsTelemetry.js';
export { buildFunctionParts } from './functionParts.js';
export { DYNAMO_MAX_ATTEMPTS } from './dynamoMaxAttempts.js';
export type { FunctionParts, RuntimeOverrides } from './functionParts.js';
export { buildSenderParts } from './senderParts.js';
