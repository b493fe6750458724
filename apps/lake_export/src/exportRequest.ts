import { PipelineError, type SeriesDefinition } from '@gapless/pipeline-core';

/**
 * What lake_export is invoked with: the scheduled event (nothing of these fields: every series, only what
 * changed), or by hand `{"series": ["CURRENCY#USD"]}` for some series, `"full": true` to rewrite even the
 * unchanged partitions, `"mode": "plan"` to read and encode but write nothing (the deploy's smoke event).
 */
export interface ExportEvent {
  readonly series?: unknown;
  readonly full?: unknown;
  readonly mode?: unknown;
}

/** An event, checked against the catalog. */
export interface ExportRequest {
  /** The series to export, in catalog order. */
  readonly series: readonly string[];
  /** Rewrite every partition, changed or not. */
  readonly full: boolean;
  /** Read and encode, but write nothing (no PUT, no marker). */
  readonly plan: boolean;
}

/** Unknown names quoted in the error: enough to spot a typo, short enough for one log line. */
const NAMES_QUOTED = 10;

/**
 * Reads an invocation's event (any object: the fields above are read, the scheduled event's own are not).
 * Throws a PipelineError, before anything is read, for an event that is not an object, a malformed field,
 * or series the catalog does not hold (naming them).
 */
export function parseExportRequest(event: unknown, catalog: readonly SeriesDefinition[]): ExportRequest {
  if (event !== undefined && event !== null && (typeof event !== 'object' || Array.isArray(event))) {
    throw new PipelineError(`the event must be a JSON object, got ${JSON.stringify(event)}`);
  }
  const fields: ExportEvent = event ?? {};
  const names = catalog.map((series) => series.infoType);
  return {
    series: selectedSeries(fields.series, names),
    full: flag(fields.full),
    plan: isPlan(fields.mode),
  };
}

function selectedSeries(requested: unknown, names: readonly string[]): readonly string[] {
  if (requested === undefined || requested === null) return names;
  if (!Array.isArray(requested) || requested.some((name) => typeof name !== 'string')) {
    throw new PipelineError(
      `"series" in the event must be an array of info_type strings, got ${JSON.stringify(requested)}`,
    );
  }
  if (requested.length === 0) {
    throw new PipelineError(
      '"series" in the event is empty: name at least one series, or leave it out for all',
    );
  }
  const wanted = new Set<string>(requested);
  const unknown = [...wanted].filter((name) => !names.includes(name));
  if (unknown.length > 0) {
    const quoted = unknown.slice(0, NAMES_QUOTED).join(', ');
    const more = unknown.length > NAMES_QUOTED ? ` and ${unknown.length - NAMES_QUOTED} more` : '';
    throw new PipelineError(`unknown series in the event: ${quoted}${more} (not in the catalog)`);
  }
  return names.filter((name) => wanted.has(name));
}

function flag(full: unknown): boolean {
  if (full === undefined || full === null) return false;
  if (typeof full !== 'boolean') {
    throw new PipelineError(`"full" in the event must be true or false, got ${JSON.stringify(full)}`);
  }
  return full;
}

function isPlan(mode: unknown): boolean {
  if (mode === undefined || mode === null) return false;
  if (mode === 'plan') return true;
  throw new PipelineError(`unknown mode ${JSON.stringify(mode)} in the event (expected "plan" or none)`);
}
