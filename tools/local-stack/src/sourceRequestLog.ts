import { readFileSync, writeFileSync } from 'node:fs';
import { LocalStackError } from './errors.js';

/**
 * One request the simulated source received, as it logged it itself (`SIMULATED_SOURCE_LOG`, one JSON line
 * per request, appended by every scraper process): the series, the range asked for (ISO dates) and when.
 */
export interface SourceRequestRecord {
  readonly infoType: string;
  readonly from: string;
  readonly to: string;
  readonly at: string;
}

/** Starts a run's log empty (a data directory kept between runs holds the previous run's). */
export function startSourceRequestLog(path: string): void {
  writeFileSync(path, '');
}

/**
 * The simulated source's requests in the order they were appended; a log not written yet is no request.
 * A line that is not a request as the source writes it throws: the count must not silently lose one.
 */
export function readSourceRequestLog(path: string): SourceRequestRecord[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line, index) => parseRequestLine(line, `${path}:${index + 1}`));
}

/** Requests per series (`info_type`). */
export function countSourceRequests(records: readonly SourceRequestRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const record of records) counts.set(record.infoType, (counts.get(record.infoType) ?? 0) + 1);
  return counts;
}

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

function parseRequestLine(line: string, where: string): SourceRequestRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (error) {
    throw new LocalStackError(`${where}: not a JSON line: ${JSON.stringify(line)}`, { cause: error });
  }
  const { info_type: infoType, from, to, at } = (parsed ?? {}) as Record<string, unknown>;
  if (
    typeof infoType !== 'string' ||
    typeof from !== 'string' ||
    typeof to !== 'string' ||
    typeof at !== 'string' ||
    !isoDate.test(from) ||
    !isoDate.test(to) ||
    Number.isNaN(Date.parse(at))
  ) {
    throw new LocalStackError(
      `${where}: expected {"info_type","from","to","at"} with ISO dates and time, got ${line}`,
    );
  }
  return { infoType, from, to, at };
}
