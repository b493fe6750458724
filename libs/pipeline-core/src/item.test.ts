import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { IllegalTransitionError } from './errors.js';
import { canTransition, ItemStatus, transition } from './item.js';

describe('status machine', () => {
  const { Ok: OK, Pending: PENDING, Retry: RETRY, Quarantined: QUARANTINED, Absent: ABSENT } = ItemStatus;

  it.each([
    [undefined, OK],
    [undefined, RETRY],
    [undefined, QUARANTINED],
    [PENDING, OK],
    [PENDING, RETRY],
    [PENDING, QUARANTINED],
    [RETRY, OK],
    [RETRY, RETRY],
    [RETRY, QUARANTINED],
    [QUARANTINED, RETRY],
    [RETRY, ABSENT],
    [PENDING, ABSENT],
    [undefined, ABSENT],
    [ABSENT, RETRY],
    [ABSENT, OK],
    [OK, OK],
  ])('allows %s -> %s', (from, to) => {
    // Act
    const allowed = canTransition(from, to);
    const attempt = () => transition(from, to, 'CURRENCY#USD#2024-01-02');

    // Assess
    expect(allowed).toBe(true);
    expect(attempt).not.toThrow();
  });

  it.each([
    [OK, PENDING],
    [OK, RETRY],
    [OK, QUARANTINED],
    [RETRY, PENDING],
    [QUARANTINED, PENDING],
    [undefined, PENDING],
    [OK, ABSENT],
    [QUARANTINED, ABSENT],
    [ABSENT, QUARANTINED],
    [ABSENT, PENDING],
  ])('forbids %s -> %s', (from, to) => {
    // Act
    const allowed = canTransition(from, to);

    // Assess
    expect(allowed).toBe(false);
  });

  it('throws IllegalTransitionError naming the item and both statuses', () => {
    // Act
    const attempt = () => transition(OK, RETRY, 'CURRENCY#USD#2024-01-02');

    // Assess
    expect(attempt).toThrow(IllegalTransitionError);
    expect(attempt).toThrow('illegal status change OK -> RETRY for CURRENCY#USD#2024-01-02');
  });

  test.prop([fc.array(fc.constantFrom(OK, PENDING, RETRY, QUARANTINED, ABSENT), { maxLength: 30 })])(
    'once OK, an item stays OK whatever is attempted on it',
    (attempts) => {
      // Prepare
      let status: ItemStatus | undefined;
      let wasOk = false;

      // Act / Assess
      for (const next of attempts) {
        if (canTransition(status, next)) status = next;
        wasOk ||= status === OK;
        if (wasOk) expect(status).toBe(OK);
      }
    },
  );
});
