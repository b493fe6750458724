import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultZipBudgetBytes, zipBudgetOf, zipBudgetOverrides } from './zipBudgets.js';

const appsDir = resolve(import.meta.dirname, '..', '..', '..', 'apps');
const functions = readdirSync(appsDir).filter((name) => existsSync(join(appsDir, name, 'src', 'index.ts')));

describe('zip budgets', () => {
  it('hold the three pipeline functions, and any function not listed, to 200 KB', () => {
    // Act
    const budgets = ['data_clustering', 'scraper', 'retry_recheck', 'zz_unlisted'].map(zipBudgetOf);

    // Assess
    expect(defaultZipBudgetBytes).toBe(200_000);
    expect(budgets).toEqual([200_000, 200_000, 200_000, 200_000]);
  });

  it('list only functions that exist, each with a budget larger than the default', () => {
    // Act
    const listed = Object.entries(zipBudgetOverrides);

    // Assess
    for (const [name, bytes] of listed) {
      expect(functions, `zipBudgetOverrides names ${name}, which is not under apps/`).toContain(name);
      expect(bytes).toBeGreaterThan(defaultZipBudgetBytes);
      expect(zipBudgetOf(name)).toBe(bytes);
    }
  });
});
