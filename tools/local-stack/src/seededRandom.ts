/** A uniform draw in [0, 1); the same seed gives the same sequence, so a chaotic run can be replayed. */
export type Random = () => number;

/**
 * mulberry32: a small, fast 32-bit generator, plenty for choosing which requests fail. Streams for different
 * purposes take different `stream` numbers so that one chaos hook drawing more often does not shift another.
 */
export function seededRandom(seed: number, stream = 0): Random {
  let state = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca6b)) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
