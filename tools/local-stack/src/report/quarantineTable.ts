import type { RunSummary } from '../runSummary.js';
import { escapeHtml } from './escapeHtml.js';
import { formatCount } from './formatFigures.js';

type QuarantineEntry = RunSummary['quarantine'][number];

/** Rows drawn at most; a chaos run can quarantine thousands, and `--json` has them all. */
export const quarantineRowLimit = 1000;

/**
 * The dates set aside as a table (series, date, status, retries spent, last error), sorted by series then date.
 * Every cell is escaped: the last error is text a source sent. An empty list says so in words.
 */
export function renderQuarantineTable(
  entries: readonly QuarantineEntry[],
  limit = quarantineRowLimit,
): string {
  if (entries.length === 0) return '<p class="empty" id="quarantine-empty">No date is quarantined.</p>';
  const sorted = [...entries].sort(
    (a, b) => compareText(a.infoType, b.infoType) || compareText(a.date, b.date),
  );
  const rows = sorted
    .slice(0, limit)
    .map(
      (entry) =>
        `<tr><td>${escapeHtml(entry.infoType)}</td><td class="date">${escapeHtml(entry.date)}</td>` +
        `<td>${escapeHtml(entry.status ?? 'QUARANTINED')}</td>` +
        `<td class="number">${formatCount(entry.retryCount)}</td>` +
        `<td class="error">${escapeHtml(entry.lastError)}</td></tr>`,
    );
  const more =
    sorted.length > limit
      ? `<p class="note">Showing the first ${formatCount(limit)} of ${formatCount(sorted.length)}; ` +
        'the full list is in the <code>--json</code> summary and <code>npm run quarantine -- list</code>.</p>'
      : '';
  return (
    '<table class="quarantine"><thead><tr><th scope="col">Series</th><th scope="col">Date</th>' +
    '<th scope="col">Status</th>' +
    '<th scope="col" class="number">Retries</th><th scope="col">Last error</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>${more}`
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
