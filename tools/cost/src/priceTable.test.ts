import { describe, expect, it } from 'vitest';
import { checkPriceTable, figureKeys, loadPriceTable, priceRegions, tableAgeDays } from './priceTable.js';

describe('the price tables', () => {
  it('cover us-east-1 and sa-east-1 at least', () => {
    // Act
    const regions = priceRegions();

    // Assess
    expect(regions).toEqual(expect.arrayContaining(['us-east-1', 'sa-east-1']));
  });

  it.each(priceRegions())('%s was checked against its sources less than a year ago', (region) => {
    // Prepare
    const table = loadPriceTable(region);

    // Act
    const age = tableAgeDays(table, new Date());

    // Assess: a stale table fails here until someone compares every figure with its source again.
    expect(
      age,
      `${region} checked_on ${table.checked_on}: re-check it (tools/cost/README.md)`,
    ).toBeLessThanOrEqual(365);
  });

  it.each(priceRegions())(
    '%s gives every figure its pricing page, and a date or a reason for no price',
    (region) => {
      // Act
      const table = loadPriceTable(region);

      // Assess
      for (const key of figureKeys) {
        const figure = table.figures[key];
        expect(figure.source, key).toMatch(/^https:\/\/aws\.amazon\.com\//);
        if (figure.usd === null) expect(figure.note, key).toBeTruthy();
        else expect(figure.as_of, key).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }
    },
  );
});

describe('tableAgeDays', () => {
  it('counts whole days from checked_on to today, in UTC', () => {
    // Act
    const age = tableAgeDays({ checked_on: '2025-12-01' }, new Date('2026-12-01T23:59:00Z'));

    // Assess
    expect(age).toBe(365);
  });
});

describe('checkPriceTable', () => {
  it('names the figure a table lacks', () => {
    // Prepare
    const table = structuredClone(loadPriceTable('us-east-1')) as unknown as {
      figures: Record<string, unknown>;
    };
    delete table.figures['sqs.standard_requests'];

    // Act and Assess
    expect(() => checkPriceTable(table, 'us-east-1')).toThrow(
      'price table us-east-1: figure sqs.standard_requests is missing',
    );
  });

  it('refuses a price without a date', () => {
    // Prepare
    const table = structuredClone(loadPriceTable('us-east-1')) as unknown as {
      figures: Record<string, { as_of: unknown }>;
    };
    table.figures['lambda.requests']!.as_of = null;

    // Act and Assess
    expect(() => checkPriceTable(table, 'us-east-1')).toThrow('figure lambda.requests: as_of must be a date');
  });

  it('names the tables there are when a region has none', () => {
    // Act and Assess
    expect(() => loadPriceTable('eu-west-9')).toThrow(
      /price table eu-west-9: no price table \(tables: .*us-east-1/,
    );
  });
});
