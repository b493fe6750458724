import { describe, expect, it } from 'vitest';
import { formatSummary } from './formatSummary.js';
import { monthSummary, runSummary, seriesSummary } from './report/testFactories.js';

describe('formatSummary', () => {
  it('shows the source requests the simulated source counted, per series and in total', () => {
    // Prepare
    const summary = runSummary([
      seriesSummary('CURRENCY#USD', [monthSummary('2024-01')], { sourceRequests: 3 }),
      seriesSummary('CURRENCY#EUR', [monthSummary('2024-01')], { sourceRequests: 4 }),
    ]);
    summary.totals = { ...summary.totals, sourceRequests: 7 };

    // Act
    const lines = formatSummary(summary).split('\n');

    // Assess
    const column = lines[0]?.indexOf('source req') ?? -1;
    const cell = (line: string | undefined) => line?.slice(column, column + 10).trim();
    expect(cell(lines.find((line) => line.startsWith('CURRENCY#USD')))).toBe('3');
    expect(cell(lines.find((line) => line.startsWith('total')))).toBe('7');
    expect(lines.join('\n')).not.toContain('not counted');
  });

  it("shows '-' and says why for series a real source served, never a count of 0", () => {
    // Prepare
    const summary = runSummary([
      seriesSummary('CURRENCY#USD', [monthSummary('2024-01')], { sourceRequests: null, source: 'bcb-sgs' }),
      seriesSummary('SIM#A', [monthSummary('2024-01')], { sourceRequests: 0 }),
    ]);
    summary.totals = { ...summary.totals, sourceRequests: null };

    // Act
    const lines = formatSummary(summary).split('\n');

    // Assess
    const column = lines[0]?.indexOf('source req') ?? -1;
    const cell = (line: string | undefined) => line?.slice(column, column + 10).trim();
    expect(cell(lines.find((line) => line.startsWith('CURRENCY#USD')))).toBe('-');
    expect(cell(lines.find((line) => line.startsWith('SIM#A')))).toBe('0');
    expect(cell(lines.find((line) => line.startsWith('total')))).toBe('-');
    expect(lines).toContain(
      "source req '-': not counted (a real source served the series; only the simulated source counts them)",
    );
  });
});
