import type { Day } from './dates.js';
import type { SeriesDefinition, SourceId } from './series.js';

/** One observation from a source; `value` is null when the source answered the date with no value. */
export interface Observation {
  readonly day: Day;
  readonly value: number | null;
}

export interface FetchOptions {
  /** Epoch milliseconds after which no new request or retry may start (the invocation's time budget). */
  readonly deadline?: number;
}

/**
 * A port the domain owns: where the values of a series come from. `fetchRange` makes one logical request
 * for `[from, to]` (a source that pages does so inside) and returns the observations it got for dates in
 * that range, ascending; dates the source has no data for are simply absent. It throws `SourceError`.
 */
export interface SeriesSource {
  readonly id: SourceId;
  /** The largest `to - from`, in days, that one request may span (`Infinity` when unlimited). */
  maxWindowDays(series: SeriesDefinition): number;
  fetchRange(series: SeriesDefinition, from: Day, to: Day, options?: FetchOptions): Promise<Observation[]>;
}
