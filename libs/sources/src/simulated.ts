import { appendFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import type { SimulatedFaults } from './sourceConfig.js';
import {
  type Day,
  formatIsoDate,
  SourceError,
  SourceId,
  type SeriesDefinition,
  type FetchOptions,
  type Observation,
  type SeriesSource,
  sourceWindowDays,
} from '@gapless/pipeline-core';

/** The faults the simulated source can inject, one decision per request. */
export const SimulatedFault = {
  Error: 'error',
  Timeout: 'timeout',
  Throttle: 'throttle',
  Null: 'null',
  Malformed: 'malformed',
} as const;
export type SimulatedFault = (typeof SimulatedFault)[keyof typeof SimulatedFault];

const faultOrder: readonly SimulatedFault[] = Object.values(SimulatedFault);

export interface SimulatedSourceOptions {
  /** Rate of each fault per request; missing ones are 0. */
  readonly faults?: Partial<Omit<SimulatedFaults, 'seed'>> & { readonly seed?: number };
  /** Defaults to `faults.seed`, then 42. */
  readonly seed?: number;
  /** Delay before each answer, to make benchmarks and demos feel like a network. */
  readonly latencyMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  /**
   * A file to which the source appends one JSON line per request it receives, `{"info_type", "from", "to",
   * "at"}` (ISO dates, ISO time), whatever its answer: the local stack counts source requests with it, at
   * the source, across every function process at once. Unset (production), nothing is written.
   */
  readonly requestLogPath?: string;
}

/** Counters of what the source has done, for benchmarks and tests. */
export interface SimulatedSourceStats {
  readonly requests: number;
  readonly observations: number;
  readonly faults: Readonly<Record<SimulatedFault, number>>;
}

export interface SimulatedSource extends SeriesSource {
  stats(): SimulatedSourceStats;
}

/** Share of the days that come back null when the `null` fault hits a request. */
const nullDayShare = 0.25;
/** Octaves of the value noise: 2^12 days is about 11 years of wandering before the pattern's widest scale. */
const octaves = 12;
/** Daily log-volatility of the walk, about that of a currency quote. */
const dailyVolatility = 0.006;
const amplitudes = Array.from({ length: octaves }, (_, k) => Math.sqrt(2 ** k));

/**
 * A deterministic stand-in for a real source. A day's value depends only on (seed, series, day), so any
 * range agrees with any other; it wanders like a random walk (summed octaves of hashed noise, each with
 * an amplitude growing as the square root of its scale) and stays positive and inside the series' bounds.
 * Faults are decided per request from (seed, series, from, to, how many times that range was asked), so a
 * run replays exactly and a retry of the same range gets a fresh draw.
 */
export function createSimulatedSource(options: SimulatedSourceOptions = {}): SimulatedSource {
  const seed = options.seed ?? options.faults?.seed ?? 42;
  const rates = faultOrder.map((fault) => options.faults?.[fault] ?? 0);
  const sleep = options.sleep ?? ((ms: number) => delay(ms).then(() => undefined));
  const now = options.now ?? Date.now;
  const callsPerRange = new Map<string, number>();
  const faults = Object.fromEntries(faultOrder.map((fault) => [fault, 0])) as Record<SimulatedFault, number>;
  const counts = { requests: 0, observations: 0, faults };

  return {
    id: SourceId.Simulated,
    maxWindowDays: (series) => sourceWindowDays(SourceId.Simulated, series),
    stats: () => ({
      requests: counts.requests,
      observations: counts.observations,
      faults: { ...counts.faults },
    }),
    async fetchRange(series: SeriesDefinition, from: Day, to: Day, fetchOptions?: FetchOptions) {
      if (fetchOptions?.deadline !== undefined && now() >= fetchOptions.deadline) {
        throw new SourceError(SourceId.Simulated, 'deadline passed before the request', { retryable: true });
      }
      counts.requests += 1;
      if (options.requestLogPath !== undefined) {
        appendRequestLine(options.requestLogPath, series, from, to, now());
      }
      if (options.latencyMs) await sleep(options.latencyMs);
      if (from > to) return [];
      const rangeKey = `${series.infoType}|${from}|${to}`;
      const call = callsPerRange.get(rangeKey) ?? 0;
      callsPerRange.set(rangeKey, call + 1);
      const fault = pickFault(rates, unitHash(seed, `${rangeKey}|${call}|fault`));
      if (fault !== undefined) counts.faults[fault] += 1;
      throwFault(fault);
      const nullKey = fault === SimulatedFault.Null ? `${rangeKey}|${call}|null` : undefined;
      const observations = observe(seed, series, from, to, nullKey);
      counts.observations += observations.length;
      return observations;
    },
  };
}

/**
 * One small line per write, with O_APPEND: the lines of several processes appending to the same file do not
 * interleave. A failed write throws: a count that silently loses requests would be worse than none.
 */
function appendRequestLine(path: string, series: SeriesDefinition, from: Day, to: Day, at: number): void {
  const line = {
    info_type: series.infoType,
    from: formatIsoDate(from),
    to: formatIsoDate(to),
    at: new Date(at).toISOString(),
  };
  appendFileSync(path, `${JSON.stringify(line)}\n`);
}

function pickFault(rates: readonly number[], draw: number): SimulatedFault | undefined {
  let threshold = 0;
  for (const [index, rate] of rates.entries()) {
    threshold += rate;
    if (draw < threshold) return faultOrder[index];
  }
  return undefined;
}

function throwFault(fault: SimulatedFault | undefined): void {
  const source = SourceId.Simulated;
  switch (fault) {
    case SimulatedFault.Error:
      throw new SourceError(source, 'HTTP 503: simulated server error', { retryable: true, status: 503 });
    case SimulatedFault.Timeout:
      throw new SourceError(source, 'simulated timeout', { retryable: true });
    case SimulatedFault.Throttle:
      throw new SourceError(source, 'HTTP 429: simulated throttling', { retryable: true, status: 429 });
    case SimulatedFault.Malformed:
      throw new SourceError(source, 'malformed body (simulated): expected a JSON array', { retryable: true });
    default:
  }
}

/**
 * Every day of `[from, to]` with its value; with a `nullKey` (the `null` fault) about a quarter of the days,
 * and never none, come back null.
 */
function observe(
  seed: number,
  series: SeriesDefinition,
  from: Day,
  to: Day,
  nullKey?: string,
): Observation[] {
  const valueOn = valuesOf(seed, series);
  const observations: Observation[] = [];
  let blanks = 0;
  for (let day = from; day <= to; day += 1) {
    const blank = nullKey !== undefined && unitHash(seed, `${nullKey}|${day}`) < nullDayShare;
    if (blank) blanks += 1;
    observations.push({ day, value: blank ? null : valueOn(day) });
  }
  if (nullKey !== undefined && blanks === 0) observations[0] = { day: from, value: null };
  return observations;
}

/**
 * The simulated value of a series on a day: positive, rounded to 4 decimals, inside `series.bounds` when
 * there are bounds (mapped into their middle 80%), otherwise around a level picked from the series' name.
 */
export function simulatedValue(seed: number, series: SeriesDefinition, day: Day): number {
  return valuesOf(seed, series)(day);
}

/** The per-day value function of a series; the hashing of its name is done once, not per day. */
function valuesOf(seed: number, series: SeriesDefinition): (day: Day) => number {
  const octaveHashes = Array.from({ length: octaves }, (_, k) =>
    fmix32(hashString(seed, series.infoType) ^ Math.imul(k + 1, 0x9e3779b1)),
  );
  const bounds = series.bounds;
  if (bounds === undefined) {
    const level = 1 + 9 * unitHash(seed, `${series.infoType}|level`);
    return (day) => Math.max(0.0001, round4(level * Math.exp(walkAt(octaveHashes, day))));
  }
  // A bound at or below zero would let the value reach it; keep clear of it so values stay positive.
  const low = bounds.min > 0 || bounds.max <= 0 ? bounds.min : bounds.max / 100;
  return (day) => {
    const position = 0.5 + 0.4 * Math.tanh(walkAt(octaveHashes, day) / 0.3);
    return Math.min(bounds.max, Math.max(low, round4(low + (bounds.max - low) * position)));
  };
}

/** Sum of octaves of linearly interpolated hashed noise: at scale 2^k the amplitude grows as sqrt(2^k). */
function walkAt(octaveHashes: readonly number[], day: Day): number {
  let total = 0;
  for (let k = 0, scale = 1; k < octaveHashes.length; k += 1, scale *= 2) {
    const octaveHash = octaveHashes[k] ?? 0;
    const cell = Math.floor(day / scale);
    const t = (day - cell * scale) / scale;
    const left = lattice(octaveHash, cell);
    const right = lattice(octaveHash, cell + 1);
    total += (amplitudes[k] ?? 0) * (left + (right - left) * t);
  }
  return total * dailyVolatility;
}

/** A value in [-1, 1) for a lattice point of one octave. */
function lattice(octaveHash: number, cell: number): number {
  return fmix32(octaveHash ^ Math.imul(cell | 0, 0x85ebca6b)) / 2 ** 31 - 1;
}

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/** A uniform draw in [0, 1) from (seed, text). */
function unitHash(seed: number, text: string): number {
  return (hashString(seed, text) >>> 0) / 2 ** 32;
}

/** FNV-1a over the UTF-16 code units, seeded, then a murmur3 finalizer so nearby inputs scatter. */
function hashString(seed: number, text: string): number {
  let hash = (0x811c9dc5 ^ fmix32(seed | 0) ^ fmix32(Math.floor(seed / 2 ** 32))) >>> 0;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return fmix32(hash);
}

function fmix32(input: number): number {
  let h = input | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
