import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { FileRowKeys } from './fileRowKeys.js';

const key = fc.record({
  infoType: fc.constantFrom('CURRENCY#USD', 'CURRENCY#EUR', 'INFLATION#IPCA'),
  // Year 0000 to 9999: every date an ISO date can name, so the range grows both ways from any start.
  day: fc.integer({ min: -719_528, max: 2_932_896 }),
});

describe('FileRowKeys', { timeout: 30_000 }, () => {
  test.prop([fc.array(key, { maxLength: 300 }), fc.array(key, { maxLength: 50 })])(
    'holds a key for duplicated exactly when it was added more than once',
    (added, probes) => {
      // Prepare
      const keys = new FileRowKeys();
      const model = new Map<string, number>();
      const name = (k: { infoType: string; day: number }) => `${k.infoType} ${k.day}`;

      // Act
      for (const one of added) {
        keys.add(one.infoType, one.day);
        model.set(name(one), (model.get(name(one)) ?? 0) + 1);
      }

      // Assess
      for (const one of [...added, ...probes])
        expect(keys.isDuplicated(one.infoType, one.day)).toBe((model.get(name(one)) ?? 0) > 1);
    },
  );

  test.prop([
    fc.array(fc.integer({ min: 0, max: 3000 }), { maxLength: 200 }),
    fc.integer({ min: -50_000, max: 50_000 }),
  ])('keeps its counts when the range grows below and above the first date', (offsets, base) => {
    // Prepare
    const keys = new FileRowKeys();
    const days = offsets.map((offset, index) => base + (index % 2 === 0 ? offset : -offset));

    // Act: every date twice, the second time in reverse order
    for (const day of days) keys.add('CURRENCY#USD', day);
    for (const day of [...days].reverse()) keys.add('CURRENCY#USD', day);

    // Assess
    for (const day of days) expect(keys.isDuplicated('CURRENCY#USD', day)).toBe(true);
    expect(keys.isDuplicated('CURRENCY#USD', base + 3001)).toBe(false);
  });
});
