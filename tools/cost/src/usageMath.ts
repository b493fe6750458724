import type { RunUsage } from './usage.js';

/** A usage's numbers by their dotted path (`lambda.scraper.billedMs`, `sqs.requests.SendMessageBatch`). */
export type Counters = Map<string, number>;

/** Every numeric leaf of a usage, by path. */
export function countersOf(usage: RunUsage): Counters {
  const counters: Counters = new Map();
  const walk = (value: unknown, path: string) => {
    if (typeof value === 'number') counters.set(path, value);
    else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, child] of Object.entries(value)) walk(child, path === '' ? key : `${path}.${key}`);
    }
  };
  walk(usage, '');
  return counters;
}

/** `base` with the numbers at `counters`' paths replaced (and paths it lacks created). */
export function withCounters(base: RunUsage, counters: Counters): RunUsage {
  const copy = structuredClone(base) as unknown as Record<string, unknown>;
  for (const [path, value] of counters) {
    const keys = path.split('.');
    let node = copy;
    for (const key of keys.slice(0, -1)) {
      if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[keys.at(-1) as string] = value;
  }
  return copy as unknown as RunUsage;
}

/** Every path of any of the usages. */
export function allPaths(...usages: readonly RunUsage[]): string[] {
  const paths = new Set<string>();
  for (const usage of usages) for (const path of countersOf(usage).keys()) paths.add(path);
  return [...paths].sort();
}

/**
 * A counter measured at two sizes as `perUnit × units + slope × dates`: the slope from the two runs' dates,
 * the rest per unit (series). Noise can make either part negative on a small run: it is then taken as zero
 * and the whole measured value given to the other part.
 */
export interface LinearFit {
  readonly perUnit: number;
  readonly perDate: number;
}

export function fitLinear(
  small: { readonly value: number; readonly dates: number },
  large: { readonly value: number; readonly dates: number },
  units: number,
): LinearFit {
  if (large.dates === small.dates) return { perUnit: large.value / units, perDate: 0 };
  let perDate = (large.value - small.value) / (large.dates - small.dates);
  let perUnit = (small.value - perDate * small.dates) / units;
  if (perDate < 0) {
    perDate = 0;
    perUnit = large.value / units;
  } else if (perUnit < 0) {
    perUnit = 0;
    perDate = large.value / large.dates;
  }
  return { perUnit, perDate };
}
