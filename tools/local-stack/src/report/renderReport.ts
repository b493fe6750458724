import type { RunSummary } from '../runSummary.js';
import { renderCostSection } from './costSection.js';
import { renderCoverageChart } from './coverageChart.js';
import { renderCoverageLegend } from './coverageLegend.js';
import { escapeHtml } from './escapeHtml.js';
import { formatCount, formatDuration, formatPercent, formatTimestamp } from './formatFigures.js';
import { renderIngestExportSection } from './ingestExportSection.js';
import { renderQuarantineTable } from './quarantineTable.js';
import { reportStyles } from './reportStyles.js';
import { renderSeriesTable } from './seriesTable.js';

// Nothing may load from outside the file and no script may run, even if a string slipped past escaping.
const contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/**
 * The HTML report of one local run: a single self-contained page (inline CSS and SVG, no script, no
 * external asset) with the run's figures, the coverage picture per series and month, each series' counts,
 * the quarantine list and the options the run used. Every string from the summary is escaped.
 */
export function renderReport(summary: RunSummary): string {
  const title = `Local pipeline run, ${formatTimestamp(summary.finishedAt)}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${reportStyles}</style></head>`,
    '<body><main>',
    renderHeader(summary),
    '<section aria-labelledby="coverage-heading"><h2 id="coverage-heading">Coverage by month</h2>',
    `<div class="chart">${renderCoverageChart(summary.series)}</div>`,
    summary.series.length > 0 ? renderCoverageLegend() : '',
    '</section>',
    '<section aria-labelledby="series-heading"><h2 id="series-heading">Series</h2>',
    renderSeriesTable(summary.series) || '<p class="empty">No series in this run.</p>',
    '</section>',
    '<section aria-labelledby="quarantine-heading">',
    `<h2 id="quarantine-heading">Quarantine (${formatCount(summary.quarantine.length)})</h2>`,
    renderQuarantineTable(summary.quarantine),
    '</section>',
    renderIngestExportSection(summary),
    renderCostSection(summary),
    '<section aria-labelledby="options-heading"><h2 id="options-heading">Options</h2>',
    renderOptions(summary.options),
    '</section>',
    renderFooter(summary),
    '</main></body></html>',
    '',
  ].join('\n');
}

function renderHeader(summary: RunSummary): string {
  const badge = summary.converged
    ? '<span class="badge good">converged</span>'
    : '<span class="badge bad">not converged</span>';
  return (
    `<header><h1>Local pipeline run${badge}</h1>` +
    `<p class="subtitle">${escapeHtml(formatTimestamp(summary.startedAt))} to ` +
    `${escapeHtml(formatTimestamp(summary.finishedAt))}</p>` +
    `<dl class="figures">${figures(summary).join('')}</dl></header>`
  );
}

interface Figure {
  readonly name: string;
  readonly value: string;
  /** Smaller text after the value. */
  readonly detail?: string;
  readonly tone?: 'flagged' | 'good';
}

/** The header's cards. Quarantined dates and dead letters are flagged: they are the ones that need a person. */
function figures(summary: RunSummary): string[] {
  const { totals } = summary;
  const okShare = totals.expected > 0 ? formatPercent(totals.ok / totals.expected) : undefined;
  const list: Figure[] = [
    { name: 'Duration', value: formatDuration(summary.durationMs) },
    { name: 'Cycles', value: formatCount(summary.cycles) },
    {
      name: 'Converged',
      value: summary.converged ? 'yes' : 'no',
      tone: summary.converged ? 'good' : 'flagged',
    },
    { name: 'Expected dates', value: formatCount(totals.expected) },
    { name: 'OK', value: formatCount(totals.ok), detail: okShare, tone: 'good' },
    { name: 'Pending', value: formatCount(totals.pending) },
    { name: 'Retrying', value: formatCount(totals.retrying) },
    { name: 'Quarantined', value: formatCount(totals.quarantined), ...flagWhen(totals.quarantined > 0) },
    // Not flagged: a date the source never published is a fact about the source, not a failure.
    { name: 'Absent (never published)', value: formatCount(totals.absent) },
    {
      name: 'Source requests',
      value: formatCount(totals.sourceRequests),
      ...(totals.sourceRequests === null ? { detail: notCounted } : {}),
    },
    { name: 'Batch-write calls', value: formatCount(totals.batchWriteCalls) },
    { name: 'Items written', value: formatCount(totals.itemsWritten) },
    { name: 'Messages sent', value: formatCount(totals.messagesSent) },
    { name: 'Dead letters', value: formatCount(totals.deadLetters), ...flagWhen(totals.deadLetters > 0) },
    ...(summary.ingest && summary.ingest.files.length > 0
      ? [
          { name: 'Rows ingested', value: formatCount(summary.ingest.rowsWritten) },
          {
            name: 'Rows rejected',
            value: formatCount(summary.ingest.rowsRejected),
            ...flagWhen(summary.ingest.rowsRejected > 0),
          },
        ]
      : []),
    ...(summary.lakeExport
      ? [
          {
            name: 'Partitions exported',
            value:
              summary.lakeExport.error === undefined
                ? formatCount(summary.lakeExport.partitionsWritten)
                : 'failed',
            ...flagWhen(summary.lakeExport.error !== undefined),
          },
        ]
      : []),
  ];
  return list.map(({ name, value, detail, tone }) => {
    const small = detail ? ` <span class="share">${escapeHtml(detail)}</span>` : '';
    return `<div class="figure${tone ? ` ${tone}` : ''}"><dt>${escapeHtml(name)}</dt><dd>${escapeHtml(value)}${small}</dd></div>`;
  });
}

/** Why a run's source requests show as a dash: the local stack counts them only at the simulated source. */
const notCounted = 'not counted: a real source served a series';

function flagWhen(condition: boolean): Pick<Figure, 'tone'> {
  return condition ? { tone: 'flagged' } : {};
}

/** The options as given: strings as they are, anything else as JSON. */
function renderOptions(options: Record<string, unknown>): string {
  const entries = Object.entries(options).filter(([, value]) => value !== undefined);
  if (entries.length === 0) return '<p class="empty">Defaults only.</p>';
  const rows = entries.map(([name, value]) => {
    const shown = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
    return `<tr><td>${escapeHtml(name)}</td><td>${escapeHtml(shown)}</td></tr>`;
  });
  return `<table class="options"><tbody>${rows.join('')}</tbody></table>`;
}

function renderFooter(summary: RunSummary): string {
  const where = summary.reportPath ? ` Written to <code>${escapeHtml(summary.reportPath)}</code>.` : '';
  return `<footer>Generated by the local stack (tools/local-stack).${where}</footer>`;
}
