import type { Day } from '../../src/dates.js';
import { parseIsoDate } from '../../src/dates.js';
import { SourceError } from '../../src/errors.js';
import { SourceId, type SeriesDefinition } from '../../src/series.js';
import type { Observation, SeriesSource } from '../../src/source.js';
import type { LogAttributes, Telemetry } from '../../src/telemetry.js';
import type { SendReport, WorkQueue } from '../../src/workQueue.js';

/** A series of the catalog, with test defaults (BR business days from 2024-01-02, one day of lag). */
export function makeSeries(overrides: Partial<SeriesDefinition> = {}): SeriesDefinition {
  return {
    infoType: 'CURRENCY#USD',
    source: SourceId.Simulated,
    calendar: 'BR-business',
    start: parseIsoDate('2024-01-02'),
    publicationLagDays: 1,
    ...overrides,
  };
}

/**
 * A WorkQueue that keeps every body it accepted. `refuse` decides per body whether SQS "fails" it
 * (returns the error text) so tests can script partial send failures.
 */
export class RecordingQueue implements WorkQueue {
  readonly bodies: string[] = [];
  readonly refused: string[] = [];
  refuse: (body: string) => string | undefined = () => undefined;

  async sendBodies(bodies: readonly string[]): Promise<SendReport> {
    const failed = [];
    for (const body of bodies) {
      const error = this.refuse(body);
      if (error === undefined) this.bodies.push(body);
      else {
        this.refused.push(body);
        failed.push({ body, error });
      }
    }
    return { sent: bodies.length - failed.length, calls: Math.ceil(bodies.length / 10), failed };
  }

  /** The accepted bodies, parsed. */
  messages(): { partition_key: string; dates_to_download: string[]; reason: string; attempt: number }[] {
    return this.bodies.map((body) => JSON.parse(body));
  }

  /** Removes and returns what was accepted so far (a consumer draining the queue). */
  drain(): string[] {
    return this.bodies.splice(0, this.bodies.length);
  }
}

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

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly attributes?: LogAttributes;
}

/** A Telemetry that keeps log lines and sums metrics, for assertions. */
export function recordingTelemetry(): Telemetry & { lines: LogLine[]; totals: Map<string, number> } {
  const lines: LogLine[] = [];
  const totals = new Map<string, number>();
  const at =
    (level: LogLine['level']) =>
    (message: string, attributes?: LogAttributes): void =>
      void lines.push({ level, message, ...(attributes === undefined ? {} : { attributes }) });
  return {
    lines,
    totals,
    logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
    metrics: { addMetric: (name, _unit, value) => void totals.set(name, (totals.get(name) ?? 0) + value) },
  };
}
