import { loadPriceTable, priceUsage, deployment, emptyUsage } from '@gapless/cost';
import { describe, expect, it } from 'vitest';
import { formatSummary } from '../formatSummary.js';
import { renderCostSection } from './costSection.js';
import { monthSummary, runSummary, seriesSummary } from './testFactories.js';

const usage = {
  ...emptyUsage(),
  lambda: { scraper: { invocations: 2, billedMs: 300, coldStarts: 1, initBilledMs: 200, logBytes: 1_000 } },
  dynamodb: { ...emptyUsage().dynamodb, writeUnits: 500, items: 480, itemBytes: 40_000 },
  hours: 1,
};

describe('the run cost in the report and the text summary', () => {
  it('shows one row per service, the total, the free tier apart and the notes', () => {
    // Prepare
    const cost = priceUsage(usage, loadPriceTable('us-east-1'), deployment);

    // Act
    const html = renderCostSection({ cost });

    // Assess
    for (const service of cost.services) expect(html).toContain(`<td>${service.service}</td>`);
    expect(html).toContain('id="cost-total"');
    expect(html).toContain('not subtracted');
    expect(html).toContain('Left out: data transfer');
  });

  it('says a service has no price in a region without one, and says when a summary has no cost', () => {
    // Act
    const html = renderCostSection({ cost: priceUsage(usage, loadPriceTable('sa-east-1'), deployment) });

    // Assess
    expect(html).toContain('<strong>not priced</strong>');
    expect(renderCostSection({})).toContain('id="cost-empty"');
  });

  it('ends the text summary with the cost by service', () => {
    // Prepare
    const summary = { ...runSummary([seriesSummary('SIM#A', [monthSummary('2024-01')])]) };
    summary.cost = priceUsage(usage, loadPriceTable('us-east-1'), deployment);

    // Act
    const lines = formatSummary(summary).split('\n');

    // Assess
    const start = lines.findIndex((line) => line.startsWith('Estimated AWS cost of this run (us-east-1'));
    expect(start).toBeGreaterThan(0);
    expect(lines.slice(start + 1, start + 3).map((line) => line.trim().split(/\s+/)[0])).toEqual([
      'lambda',
      'dynamodb',
    ]);
  });
});
