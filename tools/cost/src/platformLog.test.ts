import { describe, expect, it } from 'vitest';
import { platformLogBytes } from './platformLog.js';

describe('platformLogBytes', () => {
  it("counts Lambda's START, END and REPORT lines per invocation, and Init Duration per cold start", () => {
    // Prepare: the lines, counted by hand from the documented format (request id 36 characters):
    // START RequestId: <id> Version: 12\n                       17 + 36 + 10 + 2 + 1 = 66
    // END RequestId: <id>\n                                     15 + 36 + 1 = 52
    // REPORT RequestId: <id>\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 512 MB\t
    //   Max Memory Used: 110 MB\t\n                  18 + 36 + 11 + 5 + 3 + 18 + 2 + 3 + 14 + 3 + 3 + 18 + 3 + 3 + 2 = 142
    // Init Duration: 300.00 ms\t                                15 + 6 + 3 + 1 = 25
    const input = { invocations: 10, coldStarts: 2, meanDurationMs: 12.34, meanInitMs: 300, memoryMb: 512 };

    // Act
    const bytes = platformLogBytes(input);

    // Assess
    expect(bytes).toBe(10 * (66 + 52 + 142) + 2 * 25);
  });

  it('is zero without invocations', () => {
    // Act and Assess
    expect(
      platformLogBytes({ invocations: 0, coldStarts: 0, meanDurationMs: 0, meanInitMs: 0, memoryMb: 512 }),
    ).toBe(0);
  });
});
