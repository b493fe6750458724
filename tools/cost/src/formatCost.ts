import type { CostEstimate, ServiceCost } from './costEstimate.js';

/** Dollars for people: enough decimals that a run's micro-dollars show, `-` where there is no price. */
export function formatUsd(usd: number | null): string {
  if (usd === null) return 'not priced';
  if (usd === 0) return '$0';
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  return `$${usd.toFixed(Math.min(9, Math.max(4, 2 - Math.floor(Math.log10(usd)) + 2)))}`;
}

/** The quantities of a service in a few words (`1,234 requests, 5.6 GB-s`). */
export function describeUnits(service: ServiceCost): string {
  return service.lines
    .filter((line) => line.quantity > 0)
    .map((line) => `${formatQuantity(line.quantity)} ${line.unit}`)
    .join(', ');
}

/** The estimate as the text summary ends: one line per service, the free tier apart, then the notes' gist. */
export function formatCost(cost: CostEstimate, title: string): string[] {
  const rows = cost.services.map((service) => [
    service.service,
    formatUsd(service.usd),
    describeUnits(service),
  ]);
  const width = Math.max(...rows.map(([name]) => (name ?? '').length), 'total'.length);
  const money = Math.max(...rows.map(([, usd]) => (usd ?? '').length), formatUsd(cost.total_usd).length);
  const lines = [
    `${title} (${cost.region} list prices checked ${cost.prices_checked_on}): ${formatUsd(cost.total_usd)}`,
  ];
  for (const [name, usd, units] of rows) {
    lines.push(`  ${(name ?? '').padEnd(width)}  ${(usd ?? '').padStart(money)}  ${units}`.trimEnd());
  }
  lines.push(
    `  free tier, shown apart (not subtracted): would cover ${formatUsd(cost.free_tier.covers_usd)} of this`,
    '  estimate, not a bill: left out data transfer, KMS, alarms; local durations (see notes in --json)',
  );
  return lines;
}

function formatQuantity(quantity: number): string {
  if (Number.isInteger(quantity)) return quantity.toLocaleString('en');
  if (quantity >= 100) return Math.round(quantity).toLocaleString('en');
  return quantity.toPrecision(3);
}
