import { formatCost } from '@gapless/cost';
import { ingestExportLines } from './formatIngestExport.js';
import type { RunSummary } from './runSummary.js';

const shownQuarantine = 10;

/**
 * The run summary as the terminal shows it: one row per series, a totals row, then the run's figures. A
 * series whose source requests were not counted (a real source served it) shows `-`, with a note saying so.
 */
export function formatSummary(summary: RunSummary): string {
  const header = [
    'series',
    'expected',
    'OK',
    'pending',
    'retrying',
    'quarantined',
    'absent',
    'missing',
    'source req',
    'batch writes',
  ];
  const rows = summary.series.map((series) => [
    series.infoType,
    series.expected,
    series.ok,
    series.pending,
    series.retrying,
    series.quarantined,
    series.absent,
    series.missing,
    series.sourceRequests ?? '-',
    series.batchWriteCalls,
  ]);
  const t = summary.totals;
  const missing = summary.series.reduce((total, series) => total + series.missing, 0);
  rows.push([
    'total',
    t.expected,
    t.ok,
    t.pending,
    t.retrying,
    t.quarantined,
    t.absent,
    missing,
    t.sourceRequests ?? '-',
    t.batchWriteCalls,
  ]);
  const lines = table([header, ...rows.map((row) => row.map(String))]);
  if (summary.series.some((series) => series.sourceRequests === null)) {
    lines.push(
      "source req '-': not counted (a real source served the series; only the simulated source counts them)",
    );
  }
  const state = summary.converged ? 'converged' : 'stopped before converging';
  lines.push(
    '',
    `${summary.cycles} cycle(s), ${state}, ${(summary.durationMs / 1000).toFixed(1)} s; ` +
      `${t.messagesSent} messages sent, ${t.itemsWritten} items written, ${t.deadLetters} in the dead-letter queue`,
  );
  lines.push(...ingestExportLines(summary));
  if (summary.quarantine.length > 0) {
    lines.push('', `Set aside for an operator (${summary.quarantine.length}):`);
    for (const entry of summary.quarantine.slice(0, shownQuarantine)) {
      lines.push(
        `  ${entry.infoType} ${entry.date}  ${entry.status ?? 'QUARANTINED'}  retries ${entry.retryCount}  ${entry.lastError}`,
      );
    }
    if (summary.quarantine.length > shownQuarantine) {
      lines.push(
        `  ... and ${summary.quarantine.length - shownQuarantine} more (npm run quarantine -- list)`,
      );
    }
  }
  if (summary.cost) lines.push('', ...formatCost(summary.cost, 'Estimated AWS cost of this run'));
  return lines.join('\n');
}

/** Left-aligns the first column and right-aligns the others, with a rule under the header and above the totals. */
function table(rows: readonly string[][]): string[] {
  const widths = (rows[0] ?? []).map((_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length)),
  );
  const format = (row: readonly string[]) =>
    row
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ');
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  const formatted = rows.map(format);
  return [formatted[0] ?? '', rule, ...formatted.slice(1, -1), rule, formatted.at(-1) ?? ''];
}
