import { describe, expect, it } from 'vitest';
import { syncNoop } from './syncNoop.js';

describe('syncNoop', () => {
  it('measures no UpdateFunctionCode call when every sha256 is deployed, and sees the one a change needs', async () => {
    // Act
    const result = await syncNoop();

    // Assess
    expect(result.figures).toMatchObject({ noop_update_calls: 0, control_update_calls: 1, functions: 3 });
    expect(result.rows.find(([label]) => label === 'UpdateFunctionCode calls')?.[1]).toBe('0 (target = 0)');
  }, 30_000);
});
