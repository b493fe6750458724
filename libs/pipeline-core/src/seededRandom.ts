/** A uniform draw in [0, 1); the same seed gives the same sequence, so a run or a test replays exactly. */
export type Random = () => number;

/**
 * mulberry32: a small, fast 32-bit generator. Plenty for test data, benchmarks and chaos decisions; not for
 * anything that needs to be unpredictable.
 */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}
