import { seededRandom as baseRandom, type Random } from '@gapless/pipeline-core';

export type { Random };

/**
 * mulberry32: a small, fast 32-bit generator, plenty for choosing which requests fail. Streams for different
 * purposes take different `stream` numbers so that one chaos hook drawing more often does not shift another.
 */
export function seededRandom(seed: number, stream = 0): Random {
  return baseRandom((Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca6b)) >>> 0);
}
