// @ts-check
// Same reason as plugin.js: Nx requires generator factories synchronously, tsx turns the TS source into one.
import { require as tsxRequire } from 'tsx/cjs/api';

/** @type {typeof import('./src/lambdaGenerator.ts')} */
const source = tsxRequire('./src/lambdaGenerator.ts', import.meta.url);

export const lambdaGenerator = source.lambdaGenerator;
export default source.lambdaGenerator;
