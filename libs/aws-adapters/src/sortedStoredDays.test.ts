import { fc, test } from '@fast-check/vitest';
import { ItemStatus, type StoredDay } from '@gapless/pipeline-core';
import { describe, expect } from 'vitest';
import { SortedStoredDays } from './sortedStoredDays.js';

const storedDay: fc.Arbitrary<StoredDay> = fc.record({
  status: fc.constantFrom(...Object.values(ItemStatus)),
  value: fc.option(fc.double({ noNaN: true }), { nil: null }),
  fromFile: fc.boolean(),
});

describe('SortedStoredDays', { timeout: 30_000 }, () => {
  test.prop([
    fc.uniqueArray(fc.record({ day: fc.integer({ min: -50_000, max: 50_000 }), stored: storedDay }), {
      selector: (entry) => entry.day,
      maxLength: 400,
    }),
    fc.array(fc.integer({ min: 1, max: 60 }), { maxLength: 20 }),
    fc.array(fc.integer({ min: -50_001, max: 50_001 }), { maxLength: 50 }),
  ])(
    'finds each date added, in pages of any size, with what was stored, and no other date',
    (entries, pageSizes, probes) => {
      // Prepare
      const sorted = [...entries]
        .sort((a, b) => a.day - b.day)
        .map(({ day, stored }) => [day, stored] as const);
      const model = new Map(sorted);
      const stored = new SortedStoredDays();

      // Act: pages of the given sizes, then the rest in one
      let at = 0;
      for (const size of pageSizes) {
        stored.addBlock(sorted.slice(at, at + size));
        at += size;
      }
      stored.addBlock(sorted.slice(at));

      // Assess
      expect(stored.size).toBe(model.size);
      for (const day of [...model.keys(), ...probes]) expect(stored.get(day)).toEqual(model.get(day));
    },
  );
});
