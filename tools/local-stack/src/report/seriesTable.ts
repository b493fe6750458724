import type { SeriesSummary } from '../runSummary.js';
import { escapeHtml } from './escapeHtml.js';
import { formatCount } from './formatFigures.js';

const countColumns = [
  ['expected', 'Expected'],
  ['ok', 'OK'],
  ['pending', 'Pending'],
  ['retrying', 'Retrying'],
  ['quarantined', 'Quarantined'],
  ['absent', 'Absent'],
  ['missing', 'Missing'],
  ['sourceRequests', 'Source requests'],
  ['batchWriteCalls', 'Batch writes'],
] as const satisfies readonly (readonly [keyof SeriesSummary, string])[];

/**
 * The figures of each series as a table: the same numbers as the coverage picture, readable without
 * colour (and by a screen reader).
 */
export function renderSeriesTable(series: readonly SeriesSummary[]): string {
  if (series.length === 0) return '';
  const head = countColumns.map(([, title]) => `<th scope="col" class="number">${title}</th>`).join('');
  const rows = series.map((one) => {
    const counts = countColumns
      .map(([key]) => {
        const value = one[key];
        const flagged = (key === 'quarantined' || key === 'missing') && (value ?? 0) > 0 ? ' flagged' : '';
        return `<td class="number${flagged}">${formatCount(value)}</td>`;
      })
      .join('');
    return (
      `<tr><th scope="row">${escapeHtml(one.infoType)}</th><td>${escapeHtml(one.source)}</td>` +
      `<td class="nowrap">${escapeHtml(one.calendar)}</td>` +
      `<td class="date">${escapeHtml(one.start)} – ${escapeHtml(one.end)}</td>${counts}</tr>`
    );
  });
  return (
    '<table class="series"><thead><tr><th scope="col">Series</th><th scope="col">Source</th>' +
    `<th scope="col">Calendar</th><th scope="col">Dates</th>${head}</tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}
