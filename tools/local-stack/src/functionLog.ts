import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

/** Sums of the pipeline's EMF metrics (by metric name) as the functions printed them. */
export type MetricTotals = Readonly<Record<string, number>>;

/** The functions' shared log: every line to a file, EMF metric lines summed on the way. */
export interface FunctionLog {
  /** A line sink for one function; its lines are prefixed with the function's name in the file. */
  sink(functionName: string): (line: string) => void;
  metrics(): MetricTotals;
  /** Lines at level ERROR seen so far (the last few, for the CLI to point at). */
  errors(): readonly string[];
  close(): Promise<void>;
}

interface EmfDirective {
  readonly Metrics?: readonly { readonly Name?: string }[];
}

const keptErrors = 20;

/**
 * Opens (truncating: one run per file) the log file at `path`, or keeps no file when `path` is undefined. Metric lines are
 * CloudWatch embedded-metric-format JSON: `_aws.CloudWatchMetrics[].Metrics[].Name` names the values that sit
 * at the top level of the same object.
 */
export function openFunctionLog(path: string | undefined, echo?: (line: string) => void): FunctionLog {
  let file: WriteStream | undefined;
  if (path !== undefined) {
    mkdirSync(dirname(path), { recursive: true });
    file = createWriteStream(path, { flags: 'w' });
  }
  const totals: Record<string, number> = {};
  const errorLines: string[] = [];
  return {
    sink: (functionName) => (line) => {
      file?.write(`${functionName}\t${line}\n`);
      echo?.(`${functionName}\t${line}`);
      if (!line.startsWith('{')) return;
      const parsed = parseJson(line);
      if (parsed === undefined) return;
      addMetrics(totals, parsed);
      if (parsed.level === 'ERROR') {
        errorLines.push(`${functionName}: ${String(parsed.message)}`);
        if (errorLines.length > keptErrors) errorLines.shift();
      }
    },
    metrics: () => ({ ...totals }),
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
