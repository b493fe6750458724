import { describe, expect, it } from 'vitest';
import { lambdaApps } from './lambdaApps.js';
import { syncNoop } from './syncNoop.js';

describe('syncNoop', () => {
  it('measures no UpdateFunctionCode call when every alias serves its zip, sees the one a change needs, and the alias restored after a bad deploy', async () => {
    // Act
    const result = await syncNoop();

    // Assess
    expect(result.figures).toMatchObject({
      noop_update_calls: 0,
      control_update_calls: 1,
      functions: lambdaApps().length,
      rollback_restores_previous: 1,
    });
    expect(result.rows.find(([label]) => label === 'UpdateFunctionCode calls')?.[1]).toBe('0 (target = 0)');
  }, 60_000);
});
