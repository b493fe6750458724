import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { decideFileRow, FileRowAction, replacesItem } from './fileRowDecision.js';
import { ItemStatus, type StoredDay } from '@gapless/pipeline-core';

const storedDay: fc.Arbitrary<StoredDay | undefined> = fc.option(
  fc.record({
    status: fc.constantFrom(...Object.values(ItemStatus)),
    value: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: null }),
    fromFile: fc.boolean(),
  }),
  { nil: undefined },
);
const row = fc.record({
  value: fc.double({ noNaN: true, noDefaultInfinity: true }),
  overwrite: fc.boolean(),
});

describe('decideFileRow', { timeout: 30_000 }, () => {
  it.each([
    ['no item', undefined, false, FileRowAction.Write],
    [
      'a RETRY item',
      { status: ItemStatus.Retry, value: null, fromFile: false },
      false,
      FileRowAction.ReplaceNotOk,
    ],
    [
      'a QUARANTINED item',
      { status: ItemStatus.Quarantined, value: null, fromFile: false },
      false,
      FileRowAction.ReplaceNotOk,
    ],
    [
      'the same OK value from the source',
      { status: ItemStatus.Ok, value: 4.5, fromFile: false },
      false,
      FileRowAction.Skip,
    ],
    [
      'the same OK value from a file',
      { status: ItemStatus.Ok, value: 4.5, fromFile: true },
      true,
      FileRowAction.Skip,
    ],
    [
      'another OK value from a file',
      { status: ItemStatus.Ok, value: 4.4, fromFile: true },
      false,
      FileRowAction.ReplaceFileValue,
    ],
    [
      'another OK value from the source, no flag',
      { status: ItemStatus.Ok, value: 4.4, fromFile: false },
      false,
      FileRowAction.Keep,
    ],
    [
      'another OK value from the source, overwrite=true',
      { status: ItemStatus.Ok, value: 4.4, fromFile: false },
      true,
      FileRowAction.Overwrite,
    ],
  ] as const)('decides a row of 4.5 over %s', (_, stored, overwrite, action) => {
    // Act
    const decided = decideFileRow(stored, { value: 4.5, overwrite });

    // Assess
    expect(decided).toBe(action);
  });

  test.prop([storedDay, row])(
    "never changes an OK value from the series' source unless the row says overwrite",
    (stored, candidate) => {
      // Act
      const action = decideFileRow(stored, candidate);

      // Assess
      const sourceValue = stored?.status === ItemStatus.Ok && !stored.fromFile;
      const changes = action === FileRowAction.Write || replacesItem(action);
      if (sourceValue && changes) {
        expect(candidate.overwrite).toBe(true);
        expect(stored?.value).not.toBe(candidate.value);
      }
    },
  );

  test.prop([storedDay, row])(
    'writes nothing over an equal OK value, and always something over a non-OK item',
    (stored, candidate) => {
      // Act
      const action = decideFileRow(stored, candidate);

      // Assess
      const equalOk = stored?.status === ItemStatus.Ok && stored.value === candidate.value;
      expect(action === FileRowAction.Skip).toBe(equalOk);
      if (stored !== undefined && stored.status !== ItemStatus.Ok)
        expect(action).toBe(FileRowAction.ReplaceNotOk);
      expect(action === FileRowAction.Write).toBe(stored === undefined);
    },
  );

  test.prop([storedDay, row])(
    'delivering the same row again, once written, writes nothing',
    (stored, candidate) => {
      // Prepare: what the table holds after the first delivery's decision
      const first = decideFileRow(stored, candidate);
      const after: StoredDay | undefined =
        first === FileRowAction.Write || replacesItem(first)
          ? { status: ItemStatus.Ok, value: candidate.value, fromFile: true }
          : stored;

      // Act
      const second = decideFileRow(after, candidate);

      // Assess
      expect(second).toBe(first === FileRowAction.Keep ? FileRowAction.Keep : FileRowAction.Skip);
    },
  );
});
