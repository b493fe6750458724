import { formatUsd } from '@gapless/cost';
import type { RunSummary } from '../runSummary.js';
import { escapeHtml } from './escapeHtml.js';

/**
 * The report's section on the run's estimated AWS cost: one row per service with its dollars and billed
 * quantities, the total, what the free tier would cover (shown apart, never subtracted), and the notes on
 * what the estimate leaves out. A service without a price in the region says so.
 */
export function renderCostSection(summary: Pick<RunSummary, 'cost'>): string {
  const cost = summary.cost;
  const heading = '<section aria-labelledby="cost-heading"><h2 id="cost-heading">Estimated AWS cost</h2>';
  if (cost === undefined)
    return `${heading}<p class="empty" id="cost-empty">No cost estimate in this summary.</p></section>`;
  const rows = cost.services.map((service) => {
    const units = service.lines
      .filter((line) => line.quantity > 0)
      .map((line) => `${formatQuantity(line.quantity)} ${line.unit}`)
      .join(', ');
    const usd = service.usd === null ? '<strong>not priced</strong>' : escapeHtml(formatUsd(service.usd));
    return (
      `<tr><td>${escapeHtml(service.service)}</td><td class="number${service.usd === null ? ' flagged' : ''}">${usd}</td>` +
      `<td>${escapeHtml(units)}</td></tr>`
    );
  });
  const notes = cost.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('');
  return [
    heading,
    `<p>At the list prices of <code>${escapeHtml(cost.region)}</code> checked on ${escapeHtml(cost.prices_checked_on)}: ` +
      `<strong id="cost-total">${escapeHtml(formatUsd(cost.total_usd))}</strong> for this run.</p>`,
    '<table class="cost"><thead><tr><th scope="col">Service</th><th scope="col" class="number">USD</th>' +
      `<th scope="col">Billed quantities</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
    `<p class="note">Free tier, shown apart and not subtracted: it would cover ${escapeHtml(formatUsd(cost.free_tier.covers_usd))} ` +
      `of this estimate. ${escapeHtml(cost.free_tier.note)}</p>`,
    `<ul class="note">${notes}</ul>`,
    '</section>',
  ].join('\n');
}

function formatQuantity(quantity: number): string {
  if (Number.isInteger(quantity)) return quantity.toLocaleString('en');
  return quantity >= 100 ? Math.round(quantity).toLocaleString('en') : quantity.toPrecision(3);
}
