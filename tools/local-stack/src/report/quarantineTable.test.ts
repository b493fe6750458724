import { describe, expect, it } from 'vitest';
import { renderQuarantineTable } from './quarantineTable.js';

function quarantined(
  count: number,
): { infoType: string; date: string; retryCount: number; lastError: string }[] {
  return Array.from({ length: count }, (_, index) => ({
    infoType: 'CURRENCY#USD',
    date: `2024-01-${String(index + 1).padStart(2, '0')}`,
    retryCount: 5,
    lastError: `error ${index}`,
  }));
}

describe('renderQuarantineTable', () => {
  it('draws at most the row limit and says where the rest is', () => {
    // Act
    const html = renderQuarantineTable(quarantined(25), 10);

    // Assess
    expect(html.match(/<tr><td>/g)).toHaveLength(10);
    expect(html).toContain('Showing the first 10 of 25');
    expect(html).toContain('error 9<');
    expect(html).not.toContain('error 10<');
  });

  it('adds no note when every row fits', () => {
    // Act
    const html = renderQuarantineTable(quarantined(3), 10);

    // Assess
    expect(html.match(/<tr><td>/g)).toHaveLength(3);
    expect(html).not.toContain('Showing the first');
  });

  it('says in words that the list is empty', () => {
    // Act
    const html = renderQuarantineTable([]);

    // Assess
    expect(html).toBe('<p class="empty" id="quarantine-empty">No date is quarantined.</p>');
  });
});
