import { escapeHtml } from './escapeHtml.js';
import { hatchPattern } from './hatchPattern.js';
import { MonthStatus, monthStatusStyles } from './monthStatus.js';

// Its own copy of the pattern: the legend must not depend on the picture being on the page.
const legendHatchId = 'hatch-legend';

/** The legend under the coverage picture: one swatch per {@link MonthStatus}, in the cells' own fills. */
export function renderCoverageLegend(): string {
  const items = Object.values(MonthStatus).map((status) => {
    const style = monthStatusStyles[status];
    const hatched = status === MonthStatus.Quarantined;
    const fill = hatched ? `url(#${legendHatchId})` : style.fill;
    return (
      '<li><svg width="16" height="16" aria-hidden="true" xmlns="http://www.w3.org/2000/svg">' +
      (hatched ? hatchPattern(legendHatchId) : '') +
      `<rect class="cell ${status}" width="16" height="16" fill="${fill}"/></svg>${escapeHtml(style.label)}</li>`
    );
  });
  return `<ul class="legend" aria-label="Legend">${items.join('')}</ul>`;
}
