import type { CostEstimate } from './costEstimate.js';
import type { EstimateDocument } from './estimate.js';
import { formatUsd } from './formatCost.js';

/** The estimate as the terminal shows it: both designs side by side, per service, then the assumptions. */
export function formatEstimate(doc: EstimateDocument): string {
  const t = doc.target;
  const lines = [
    `${t.series.toLocaleString('en')} series, ${t.years} years (${Math.round(t.dates).toLocaleString('en')} dates; ` +
      `${Math.round(t.datesPerMonth).toLocaleString('en')} new a month), ${doc.region} list prices, USD`,
    '',
    row('', 'backfill', 'naive backfill', 'a month', 'naive month'),
  ];
  const services = doc.ours.backfill.services.map((service) => service.service);
  const usdOf = (cost: CostEstimate, name: string) =>
    formatUsd(cost.services.find((service) => service.service === name)?.usd ?? 0);
  for (const name of services) {
    lines.push(
      row(
        name,
        usdOf(doc.ours.backfill, name),
        usdOf(doc.naive.backfill, name),
        usdOf(doc.ours.monthly, name),
        usdOf(doc.naive.monthly, name),
      ),
    );
  }
  lines.push(
    row(
      'total',
      formatUsd(doc.backfill_usd),
      formatUsd(doc.naive.backfill_usd),
      formatUsd(doc.monthly_usd),
      formatUsd(doc.naive.monthly_usd),
    ),
    '',
    `backfill, ours / naive: ${doc.backfill_ratio_to_naive ?? '-'}`,
    `free tier (shown apart, not subtracted): would cover ${formatUsd(doc.ours.monthly.free_tier.covers_usd)} of a month`,
    '',
    'Assumptions:',
    ...doc.assumptions.map((text) => `  - ${text}`),
    'Notes:',
    ...doc.notes.map((text) => `  - ${text}`),
  );
  return `${lines.join('\n')}\n`;
}

function row(...cells: string[]): string {
  const [first = '', ...rest] = cells;
  return `${first.padEnd(20)}${rest.map((cell) => cell.padStart(16)).join('')}`.trimEnd();
}
