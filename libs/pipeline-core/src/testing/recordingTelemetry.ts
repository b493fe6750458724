import type { LogAttributes, Telemetry } from '../telemetry.js';

/** A log line the recording telemetry kept. */
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
