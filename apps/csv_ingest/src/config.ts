import { oneOf, optionalInt, requireString, SourceMode, type Env } from '@gapless/pipeline-core';

/**
 * `INGEST_MAX_BYTES`: the largest file csv_ingest reads. Default 128 MiB: a file is read twice and written
 * within one invocation of at most 15 minutes, and a 100 MB file (3 million rows) took 200 CPU-seconds on a
 * development machine's core (apps/csv_ingest/README.md), where Lambda at 1,024 MB gives about 0.6 of a
 * vCPU. A larger history goes in several files.
 */
export const ingestMaxBytesVariable = 'INGEST_MAX_BYTES';
const DEFAULT_MAX_BYTES = 128 * 1024 * 1024;

/** What csv_ingest reads from its environment, once, at init. */
export interface IngestConfig {
  readonly tableName: string;
  /** A file larger than this is refused before a byte of it is read. */
  readonly maxBytes: number;
  /** As every function: a catalog entry on the simulated source is refused unless `simulated`. */
  readonly sourceMode: SourceMode;
}

/**
 * Reads `TABLE_NAME` (required), `INGEST_MAX_BYTES` (a positive integer) and `SOURCE_MODE`; a missing or
 * malformed one throws a ConfigError that names it.
 */
export function readIngestConfig(env: Env): IngestConfig {
  return {
    tableName: requireString(env, 'TABLE_NAME'),
    maxBytes: optionalInt(env, ingestMaxBytesVariable, DEFAULT_MAX_BYTES, { min: 1 }),
    sourceMode: oneOf(env, 'SOURCE_MODE', Object.values(SourceMode), SourceMode.Live),
  };
}
