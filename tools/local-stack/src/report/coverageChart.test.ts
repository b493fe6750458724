import { describe, expect, it } from 'vitest';
import { coverageSpan, renderCoverageChart } from './coverageChart.js';
import { monthLabel } from './months.js';
import { monthSummary, seriesSummary } from './testFactories.js';

interface Cell {
  readonly status: string;
  readonly fill: string;
  readonly title: string;
}

/** The cells of a rendered chart, row after row, as the markup has them. */
function cellsOf(svg: string): Cell[] {
  const cell = /<rect class="cell (\w+)"[^>]* fill="([^"]+)"><title>([^<]*)<\/title><\/rect>/g;
  return [...svg.matchAll(cell)].map(([, status = '', fill = '', title = '']) => ({ status, fill, title }));
}

describe('coverageSpan', () => {
  it('runs from the earliest start to the latest end of all series', () => {
    // Prepare
    const series = [
      seriesSummary('A', [monthSummary('2016-03')], { start: '2016-03-01', end: '2016-03-31' }),
      seriesSummary('B', [monthSummary('2015-01')], { start: '2015-01-02', end: '2026-11-20' }),
    ];

    // Act
    const span = coverageSpan(series);

    // Assess
    expect(monthLabel(span.first)).toBe('2015-01');
    expect(span.count).toBe(143);
  });

  it('is empty without series', () => {
    // Act
    const span = coverageSpan([]);

    // Assess
    expect(span.count).toBe(0);
  });
});

describe('renderCoverageChart', () => {
  it('colours each month by its status mix', () => {
    // Prepare
    const months = [
      monthSummary('2024-01'),
      monthSummary('2024-02', { ok: 19, quarantined: 1 }),
      monthSummary('2024-03', { ok: 18, retrying: 1, pending: 1 }),
      monthSummary('2024-04', { ok: 17, missing: 3 }),
      monthSummary('2024-05', { expected: 0, ok: 0 }),
    ];

    // Act
    const cells = cellsOf(renderCoverageChart([seriesSummary('CURRENCY#USD', months)]));

    // Assess
    expect(cells.map(({ status, fill }) => [status, fill])).toEqual([
      ['ok', '#1a7f37'],
      ['quarantined', 'url(#hatch-quarantined)'],
      ['attention', '#f0b429'],
      ['missing', '#a3acb5'],
      ['none', '#f0f2f4'],
    ]);
  });

  it('draws one cell per series and month of the common span, empty before a series starts', () => {
    // Prepare
    const early = seriesSummary('EARLY', [
      monthSummary('2023-11'),
      monthSummary('2023-12'),
      monthSummary('2024-01'),
    ]);
    const late = seriesSummary('LATE', [monthSummary('2024-01')]);

    // Act
    const cells = cellsOf(renderCoverageChart([early, late]));

    // Assess
    expect(cells).toHaveLength(6);
    expect(cells.slice(3).map((cell) => cell.status)).toEqual(['none', 'none', 'ok']);
    expect(cells[3]?.title).toBe('LATE 2023-11: no expected date');
  });

  it("puts the month's counts in each cell's tooltip", () => {
    // Prepare
    const month = monthSummary('2024-02', {
      expected: 21,
      ok: 17,
      pending: 1,
      retrying: 1,
      quarantined: 1,
      missing: 1,
    });

    // Act
    const [cell] = cellsOf(renderCoverageChart([seriesSummary('CURRENCY#EUR', [month])]));

    // Assess
    expect(cell?.title).toBe(
      'CURRENCY#EUR 2024-02 (some quarantined): 21 expected, 17 OK, 1 pending, 1 retrying, 1 quarantined, 1 missing',
    );
  });

  it('escapes series names', () => {
    // Act
    const svg = renderCoverageChart([
      seriesSummary('<img src=x onerror=alert(1)>', [monthSummary('2024-01')]),
    ]);

    // Assess
    expect(svg).not.toContain('<img');
    expect(svg).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('fits 20 years of 10 series in 1280 pixels with whole-pixel cells', () => {
    // Prepare
    const months = Array.from({ length: 240 }, (_, offset) => monthSummary(monthLabel(2006 * 12 + offset)));
    const series = Array.from({ length: 10 }, (_, index) => seriesSummary(`SERIES#${index}`, months));

    // Act
    const svg = renderCoverageChart(series);

    // Assess
    const width = Number(/<svg[^>]* width="(\d+)"/.exec(svg)?.[1]);
    expect(width).toBeLessThanOrEqual(1240);
    expect(cellsOf(svg)).toHaveLength(2400);
    expect(svg).toContain('width="4"');
    expect(svg.match(/>20\d\d<\/text>/g)).toHaveLength(20);
  });

  it('says so when there is no series', () => {
    // Act
    const svg = renderCoverageChart([]);

    // Assess
    expect(svg).toContain('No series in this run.');
  });
});
