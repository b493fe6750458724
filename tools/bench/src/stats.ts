/** The median of some measurements: robust against one run slowed by a GC pause or a noisy neighbour. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * The `fraction` quantile of some measurements (nearest rank: always one of the measured values). A low
 * quantile of repeated runs of the same work is what it costs when the machine lets it run undisturbed:
 * on a shared machine the noise only ever adds time.
 */
export function quantile(values: readonly number[], fraction: number): number {
  if (values.length === 0) throw new RangeError('quantile of no values');
  if (!(fraction >= 0 && fraction <= 1))
    throw new RangeError(`quantile fraction ${fraction} is not in [0, 1]`);
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)]!;
}
