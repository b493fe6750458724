import type { MonthSummary, SeriesSummary } from '../runSummary.js';
import { escapeHtml } from './escapeHtml.js';
import { monthIndex, monthLabel } from './months.js';
import { formatPercent } from './formatFigures.js';
import { hatchPattern } from './hatchPattern.js';
import { monthStatus, monthStatusStyles, quarantineHatchId } from './monthStatus.js';

/** Sizes in SVG user units; the SVG is drawn at 1 unit = 1 CSS pixel and shrinks to fit narrower pages. */
const layout = {
  maxPlotWidth: 1000,
  maxCellWidth: 40,
  rowHeight: 22,
  cellHeight: 16,
  /** Room above the rows: years only, or years and month names when cells are wide enough for them. */
  axisHeight: 22,
  axisHeightWithMonths: 36,
  minMonthLabelWidth: 12,
  percentWidth: 84,
  labelCharWidth: 7.4,
  minLabelWidth: 96,
  maxLabelChars: 30,
  minYearLabelGap: 40,
} as const;

const monthNames = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The months every series' row spans: from the earliest start (or month listed) to the latest end. */
export interface MonthSpan {
  readonly first: number;
  readonly count: number;
}

/** The common span of the series' rows, in {@link monthIndex} units; `count` 0 when there is nothing to draw. */
export function coverageSpan(series: readonly SeriesSummary[]): MonthSpan {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const one of series) {
    for (const month of [one.start, one.end, ...one.months.map((entry) => entry.month)]) {
      const index = monthIndex(month);
      first = Math.min(first, index);
      last = Math.max(last, index);
    }
  }
  return Number.isFinite(first) ? { first, count: last - first + 1 } : { first: 0, count: 0 };
}

/**
 * The coverage picture as inline SVG: one row per series, one column per month of the common span, each
 * cell coloured by {@link monthStatus} with a `<title>` tooltip of the month's counts, and each row's share
 * of expected dates that are `OK` at its end. No script, no external asset.
 */
export function renderCoverageChart(series: readonly SeriesSummary[]): string {
  const span = coverageSpan(series);
  if (span.count === 0) return '<p class="empty">No series in this run.</p>';
  const longest = Math.min(layout.maxLabelChars, Math.max(...series.map((one) => one.infoType.length)));
  const labelWidth = Math.max(layout.minLabelWidth, Math.ceil(longest * layout.labelCharWidth) + 12);
  const fitted = Math.min(layout.maxCellWidth, layout.maxPlotWidth / span.count);
  // Whole-pixel cells where there is room: fractional ones anti-alias into faint seams between months.
  const cellWidth = fitted >= 2 ? Math.floor(fitted) : fitted;
  const plotWidth = cellWidth * span.count;
  const width = Math.ceil(labelWidth + plotWidth + layout.percentWidth);
  const axisHeight = cellWidth >= layout.minMonthLabelWidth ? layout.axisHeightWithMonths : layout.axisHeight;
  const height = axisHeight + series.length * layout.rowHeight + 4;
  const geometry = { span, labelWidth, cellWidth, axisHeight };
  const description =
    `Coverage of ${series.length} series from ${monthLabel(span.first)} to ` +
    `${monthLabel(span.first + span.count - 1)}, one cell per month.`;
  return [
    `<svg class="coverage" role="img" aria-labelledby="coverage-title" width="${width}" height="${height}"`,
    ` viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="coverage-title">${escapeHtml(description)}</title>`,
    hatchPattern(quarantineHatchId),
    renderAxis(geometry, height),
    ...series.map((one, row) => renderRow(one, row, geometry)),
    '</svg>',
  ].join('');
}

interface Geometry {
  readonly span: MonthSpan;
  readonly labelWidth: number;
  readonly cellWidth: number;
  readonly axisHeight: number;
}

/**
 * Year labels (as many as fit) over a tick at each January, month names when cells are wide enough, and a
 * white rule between years, which shows where narrow cells touch.
 */
function renderAxis({ span, labelWidth, cellWidth, axisHeight }: Geometry, height: number): string {
  const parts: string[] = [];
  const yearStep = Math.max(1, Math.ceil(layout.minYearLabelGap / (cellWidth * 12)));
  for (let offset = 0; offset < span.count; offset += 1) {
    const index = span.first + offset;
    const x = labelWidth + offset * cellWidth;
    const year = Math.floor(index / 12);
    const isJanuary = index % 12 === 0;
    const firstFits = offset === 0 && !isJanuary && (12 - (index % 12)) * cellWidth >= layout.minYearLabelGap;
    if ((isJanuary && year % yearStep === 0) || firstFits) {
      parts.push(`<text class="axis" x="${fmt(x + 3)}" y="13">${year}</text>`);
    }
    if (isJanuary) {
      parts.push(`<line class="tick" x1="${fmt(x)}" y1="3" x2="${fmt(x)}" y2="${axisHeight}"/>`);
      if (offset > 0) {
        parts.push(
          `<line class="year-rule" x1="${fmt(x)}" y1="${axisHeight}" x2="${fmt(x)}" y2="${height}"/>`,
        );
      }
    }
    if (cellWidth >= layout.minMonthLabelWidth) {
      const name = cellWidth >= 28 ? monthNames[index % 12] : monthNames[index % 12]?.charAt(0);
      parts.push(`<text class="axis month" x="${fmt(x + cellWidth / 2)}" y="30">${name}</text>`);
    }
  }
  return parts.join('');
}

function renderRow(series: SeriesSummary, row: number, geometry: Geometry): string {
  const { span, labelWidth, cellWidth, axisHeight } = geometry;
  const y = axisHeight + row * layout.rowHeight;
  const byMonth = new Map<number, MonthSummary>(
    series.months.map((entry) => [monthIndex(entry.month), entry]),
  );
  const name = series.infoType;
  const shown = name.length > layout.maxLabelChars ? `${name.slice(0, layout.maxLabelChars - 1)}…` : name;
  // Neighbouring cells touch when they are narrow: a gap would be most of a 4-pixel cell.
  const gap = cellWidth >= 6 ? 1 : 0;
  const cells: string[] = [];
  for (let offset = 0; offset < span.count; offset += 1) {
    const counts = byMonth.get(span.first + offset);
    const status = monthStatus(counts);
    const x = labelWidth + offset * cellWidth;
    cells.push(
      `<rect class="cell ${status}" x="${fmt(x)}" y="${y + 2}" width="${fmt(cellWidth - gap)}" ` +
        `height="${layout.cellHeight}" fill="${monthStatusStyles[status].fill}">` +
        `<title>${escapeHtml(cellTitle(name, monthLabel(span.first + offset), counts))}</title></rect>`,
    );
  }
  const percent =
    series.expected > 0 ? `${formatPercent(series.ok / series.expected)} OK` : 'nothing expected';
  const percentX = labelWidth + span.count * cellWidth + 6;
  return (
    `<g class="series-row"><text class="series-name" x="0" y="${y + 14}">` +
    `<title>${escapeHtml(name)}</title>${escapeHtml(shown)}</text>` +
    cells.join('') +
    `<text class="percent" x="${fmt(percentX)}" y="${y + 14}">${escapeHtml(percent)}</text></g>`
  );
}

/** The tooltip of one cell: the month's counts, or why it has none. */
export function cellTitle(infoType: string, month: string, counts: MonthSummary | undefined): string {
  if (!counts || counts.expected <= 0) return `${infoType} ${month}: no expected date`;
  const status = monthStatusStyles[monthStatus(counts)].label;
  return (
    `${infoType} ${month} (${status}): ${counts.expected} expected, ${counts.ok} OK, ${counts.pending} pending, ` +
    `${counts.retrying} retrying, ${counts.quarantined} quarantined, ${counts.missing} missing`
  );
}

/** Coordinates with at most two decimals: shorter markup for 2,400 cells, no visible difference. */
function fmt(value: number): string {
  return String(Math.round(value * 100) / 100);
}
