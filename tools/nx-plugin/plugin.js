// @ts-check
// Node 20 cannot load .ts on its own and Nx would otherwise want @swc-node or ts-node to read a local plugin.
// tsx (already a dev dependency) loads the TypeScript source synchronously, so Nx sees a plain ESM module
// without top-level await and every Nx entry point (graph, plugin workers, generators) can require it.
import { require as tsxRequire } from 'tsx/cjs/api';

/** @type {typeof import('./src/createNodes.ts')} */
const source = tsxRequire('./src/createNodes.ts', import.meta.url);

export const createNodes = source.createNodes;
export const createNodesV2 = source.createNodesV2;
