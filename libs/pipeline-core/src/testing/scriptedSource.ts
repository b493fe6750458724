import type { Day } from '../dates.js';
import { SourceError } from '../errors.js';
import { SourceId, type SeriesDefinition } from '../series.js';
import type { Observation, SeriesSource } from '../source.js';

/** A request the scripted source received. */
export interface SourceCall {
  readonly infoType: string;
  readonly from: Day;
  readonly to: Day;
}

/**
 * A SeriesSource whose answers are scripted: `valueOf` gives each day's value (undefined: no row), and
 * `failure` may make a whole request fail. It records every request it gets.
 */
export class ScriptedSource implements SeriesSource {
  readonly id = SourceId.Simulated;
  readonly calls: SourceCall[] = [];
  valueOf: (series: SeriesDefinition, day: Day) => number | null | undefined = (_, day) => sourceValue(day);
  failure: (call: SourceCall) => Error | undefined = () => undefined;

  maxWindowDays(): number {
    return 3652;
  }

  async fetchRange(series: SeriesDefinition, from: Day, to: Day): Promise<Observation[]> {
    const call = { infoType: series.infoType, from, to };
    this.calls.push(call);
    const error = this.failure(call);
    if (error !== undefined) throw error;
    const observations: Observation[] = [];
    for (let day = from; day <= to; day += 1) {
      const value = this.valueOf(series, day);
      if (value !== undefined) observations.push({ day, value });
    }
    return observations;
  }
}

/** The good value the scripted source gives by default for a day: positive, distinct per day. */
export function sourceValue(day: Day): number {
  return 4 + (day % 1000) / 1000;
}

/** A source-side failure, as the real adapters raise them. */
export function sourceDown(message = 'HTTP 503: unavailable'): SourceError {
  return new SourceError(SourceId.Simulated, message, { retryable: true, status: 503 });
}
