import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

/** Sums of the pipeline's EMF metrics (by metric name) as the functions printed them. */
export type MetricTotals = Readonly<Record<string, number>>;

/** Powertools' log levels, least to most severe. */
export const logLevels = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevel = (typeof logLevels)[number];

/** What the log counts for the cost model, per function: what the deployment would have ingested. */
export interface LogVolume {
  /** Bytes (with their newline) of the lines logged at or above the counting level, EMF lines included. */
  readonly bytes: Readonly<Record<string, number>>;
  /** Of those, the bytes of EMF metric lines. */
  readonly emfBytes: number;
  /** The distinct custom metrics the EMF lines published: namespace, name and dimension set. */
  readonly metrics: readonly string[];
}

export interface FunctionLogLevels {
  /** Lines below this level are neither written to the file nor echoed (the level the user asked for). */
  readonly show?: LogLevel;
  /** Lines below this level are not counted in `volume()` (the deployed level). */
  readonly count?: LogLevel;
}

/** The functions' shared log: every line to a file, EMF metric lines summed on the way. */
export interface FunctionLog {
  /** A line sink for one function; its lines are prefixed with the function's name in the file. */
  sink(functionName: string): (line: string) => void;
  metrics(): MetricTotals;
  /** The log bytes and distinct metrics, as the deployed functions would have sent them to CloudWatch. */
  volume(): LogVolume;
  /** Lines at level ERROR seen so far (the last few, for the CLI to point at). */
  errors(): readonly string[];
  close(): Promise<void>;
}

interface EmfDirective {
  readonly Namespace?: string;
  readonly Dimensions?: readonly (readonly string[])[];
  readonly Metrics?: readonly { readonly Name?: string }[];
}

const keptErrors = 20;

/**
 * Opens (truncating: one run per file) the log file at `path`, or keeps no file when `path` is undefined. Metric lines are
 * CloudWatch embedded-metric-format JSON: `_aws.CloudWatchMetrics[].Metrics[].Name` names the values that sit
 * at the top level of the same object.
 */
export function openFunctionLog(
  path: string | undefined,
  echo?: (line: string) => void,
  levels: FunctionLogLevels = {},
): FunctionLog {
  let file: WriteStream | undefined;
  if (path !== undefined) {
    mkdirSync(dirname(path), { recursive: true });
    file = createWriteStream(path, { flags: 'w' });
  }
  const totals: Record<string, number> = {};
  const errorLines: string[] = [];
  const bytes: Record<string, number> = {};
  const metricIds = new Set<string>();
  let emfBytes = 0;
  const atLeast = (level: unknown, floor: LogLevel | undefined) =>
    floor === undefined || typeof level !== 'string' || !isLogLevel(level) || rank(level) >= rank(floor);
  return {
    sink: (functionName) => (line) => {
      const parsed = line.startsWith('{') ? parseJson(line) : undefined;
      // Lines without a level (EMF, plain text from the runtime) are always logged.
      if (atLeast(parsed?.level, levels.count)) {
        const size = Buffer.byteLength(line, 'utf8') + 1;
        bytes[functionName] = (bytes[functionName] ?? 0) + size;
        if (parsed?._aws !== undefined) {
          emfBytes += size;
          for (const id of metricIdentities(parsed)) metricIds.add(id);
        }
      }
      if (!atLeast(parsed?.level, levels.show)) return;
      file?.write(`${functionName}\t${line}\n`);
      echo?.(`${functionName}\t${line}`);
      if (parsed === undefined) return;
      addMetrics(totals, parsed);
      if (parsed.level === 'ERROR') {
        errorLines.push(`${functionName}: ${String(parsed.message)}`);
        if (errorLines.length > keptErrors) errorLines.shift();
      }
    },
    metrics: () => ({ ...totals }),
    volume: () => ({ bytes: { ...bytes }, emfBytes, metrics: [...metricIds].sort() }),
    errors: () => [...errorLines],
    close: () =>
      new Promise<void>((resolve) => {
        if (file === undefined) resolve();
        else file.end(() => resolve());
      }),
  };
}

function parseJson(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Adds the metric values of one EMF object to `totals`; other lines are left alone. */
export function addMetrics(totals: Record<string, number>, line: Record<string, unknown>): void {
  const aws = line._aws as { CloudWatchMetrics?: readonly EmfDirective[] } | undefined;
  for (const directive of aws?.CloudWatchMetrics ?? []) {
    for (const { Name: name } of directive.Metrics ?? []) {
      if (name === undefined) continue;
      const raw = line[name];
      // Powertools prints a metric added several times in one flush as an array of values.
      const values = Array.isArray(raw) ? raw : [raw];
      for (const value of values) if (typeof value === 'number') totals[name] = (totals[name] ?? 0) + value;
    }
  }
}

function isLogLevel(level: string): level is LogLevel {
  return (logLevels as readonly string[]).includes(level);
}

function rank(level: LogLevel): number {
  return logLevels.indexOf(level);
}

/** The more verbose of two levels: the functions run at it so both the file and the count get their lines. */
export function moreVerbose(a: LogLevel, b: LogLevel): LogLevel {
  return rank(a) <= rank(b) ? a : b;
}

/**
 * The custom metrics one EMF object publishes: one per metric name and dimension set, each dimension set
 * with the values it has in this object (CloudWatch bills each distinct combination as a metric).
 */
export function metricIdentities(line: Record<string, unknown>): string[] {
  const aws = line._aws as { CloudWatchMetrics?: readonly EmfDirective[] } | undefined;
  const ids: string[] = [];
  for (const directive of aws?.CloudWatchMetrics ?? []) {
    const dimensionSets = directive.Dimensions?.length ? directive.Dimensions : [[]];
    for (const { Name: name } of directive.Metrics ?? []) {
      if (name === undefined) continue;
      for (const set of dimensionSets) {
        const dimensions = [...set].sort().map((key) => `${key}=${String(line[key])}`);
        ids.push([directive.Namespace ?? '', name, ...dimensions].join('|'));
      }
    }
  }
  return ids;
}
