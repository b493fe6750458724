export { startEmulators, loopbackHost } from './emulators.js';
export type { EmulatorOptions, Emulators } from './emulators.js';
export { ensureResources } from './resources.js';
export type { ResourceOptions, LocalResources } from './resources.js';
export { tableSchema, schemaDifferences } from './tableSchema.js';
export { LocalStackError, EmulatorStartError, ResourceMismatchError } from './errors.js';
export { runLocalPipeline } from './runLocalPipeline.js';
export type { LocalPipelineOptions, LocalPipelineResult, LocalStackHandle } from './runLocalPipeline.js';
