/**
 * Lambda's duration billing: each invocation's duration (and each INIT phase, billed since 1 August 2025)
 * is rounded up to the next millisecond, then GB-seconds are billed milliseconds times the configured
 * memory in GB (1 GB = 1,024 MB).
 */
export function billedMs(durationMs: number): number {
  if (!(durationMs >= 0)) throw new RangeError(`a duration must be a number >= 0 ms, got ${durationMs}`);
  // A measured 0.2 ms is billed as 1 ms, never as 0.
  return Math.max(1, Math.ceil(durationMs));
}

/** GB-seconds of `billedMilliseconds` at `memoryMb` of configured memory. */
export function gbSeconds(billedMilliseconds: number, memoryMb: number): number {
  return (billedMilliseconds / 1000) * (memoryMb / 1024);
}
