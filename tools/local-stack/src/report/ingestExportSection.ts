import type { IngestSummary } from '../ingestFiles.js';
import type { LakeExportSummary } from '../lakeExportStep.js';
import type { RunSummary } from '../runSummary.js';
import { escapeHtml } from './escapeHtml.js';
import { formatCount } from './formatFigures.js';

/**
 * The report's section on the files ingested (`--ingest`, csv_ingest) and the lake export (lake_export):
 * one row per file with its row counts and where its rejected rows went, then the partitions exported per
 * series. A refused or failed file, rejected rows and a failed export are flagged. Every string is escaped:
 * file names and errors are the user's and the functions' text.
 */
export function renderIngestExportSection(summary: Pick<RunSummary, 'ingest' | 'lakeExport'>): string {
  return [
    '<section aria-labelledby="ingest-heading"><h2 id="ingest-heading">Files ingested</h2>',
    renderIngestTable(summary.ingest),
    '</section>',
    '<section aria-labelledby="lake-heading"><h2 id="lake-heading">Lake export</h2>',
    renderLakeExport(summary.lakeExport),
    '</section>',
  ].join('\n');
}

function renderIngestTable(ingest: IngestSummary | undefined): string {
  if (ingest === undefined || ingest.files.length === 0) {
    return '<p class="empty" id="ingest-empty">No file in this run (<code>npm start -- --ingest FILE.csv</code>).</p>';
  }
  const number = (value: number, flagged = false) =>
    `<td class="number${flagged && value > 0 ? ' flagged' : ''}">${formatCount(value)}</td>`;
  const rows = ingest.files.map((file) => {
    const status = file.status === 'ingested' ? 'ingested' : `<strong>${escapeHtml(file.status)}</strong>`;
    const rejected = file.rejectedKey ? `<code>${escapeHtml(file.rejectedKey)}</code>` : '';
    const error = file.error ? escapeHtml(file.error) : '';
    return (
      `<tr><td><code>${escapeHtml(file.key)}</code></td><td${file.status === 'ingested' ? '' : ' class="flagged"'}>${status}</td>` +
      number(file.rowsRead) +
      number(file.rowsWritten) +
      number(file.rowsOverwritten) +
      number(file.rowsSkippedOk) +
      number(file.rowsRejected, true) +
      `<td>${rejected}</td><td class="error">${error}</td></tr>`
    );
  });
  return (
    '<table class="ingest"><thead><tr><th scope="col">Object</th><th scope="col">Status</th>' +
    '<th scope="col" class="number">Rows read</th><th scope="col" class="number">Written</th>' +
    '<th scope="col" class="number">Over OK values</th><th scope="col" class="number">Skipped (already OK)</th>' +
    '<th scope="col" class="number">Rejected</th><th scope="col">Rejected rows</th>' +
    `<th scope="col">Error</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

function renderLakeExport(lake: LakeExportSummary | undefined): string {
  if (lake === undefined) return '<p class="empty" id="lake-empty">No export in this run.</p>';
  if (lake.error !== undefined) {
    return `<p class="error flagged" id="lake-error">The export failed: ${escapeHtml(lake.error)}</p>`;
  }
  const where = `<p class="note">In <code>s3://${escapeHtml(lake.bucket)}/${escapeHtml(lake.prefix)}</code>: ${formatCount(lake.partitionsWritten)} partition(s) written, ${formatCount(lake.partitionsUnchanged)} unchanged.</p>`;
  if (lake.series.length === 0) return where;
  const rows = lake.series.map(
    (series) =>
      `<tr><th scope="row">${escapeHtml(series.infoType)}</th>` +
      `<td class="number">${formatCount(series.partitionsWritten)}</td>` +
      `<td class="number">${formatCount(series.partitionsUnchanged)}</td>` +
      `<td class="number">${formatCount(series.rows)}</td>` +
      `<td class="number">${formatCount(series.bytesWritten)}</td></tr>`,
  );
  return (
    where +
    '<table class="lake"><thead><tr><th scope="col">Series</th>' +
    '<th scope="col" class="number">Partitions written</th><th scope="col" class="number">Unchanged</th>' +
    '<th scope="col" class="number">Rows</th><th scope="col" class="number">Bytes</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}
