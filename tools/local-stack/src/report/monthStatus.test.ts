import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { MonthStatus, monthStatus, monthStatusStyles, type MonthCounts } from './monthStatus.js';

function counts(changes: Partial<MonthCounts> = {}): MonthCounts {
  return { expected: 20, ok: 20, pending: 0, retrying: 0, quarantined: 0, missing: 0, ...changes };
}

describe('monthStatus', () => {
  it.each([
    ['all OK', MonthStatus.Ok, counts()],
    ['one quarantined', MonthStatus.Quarantined, counts({ ok: 19, quarantined: 1 })],
    [
      'quarantined beside retrying and missing',
      MonthStatus.Quarantined,
      counts({ ok: 15, quarantined: 1, retrying: 2, missing: 2 }),
    ],
    ['one retrying', MonthStatus.Attention, counts({ ok: 19, retrying: 1 })],
    ['one pending', MonthStatus.Attention, counts({ ok: 19, pending: 1 })],
    ['pending beside missing', MonthStatus.Attention, counts({ ok: 10, pending: 5, missing: 5 })],
    ['one missing', MonthStatus.Missing, counts({ ok: 19, missing: 1 })],
    ['all missing', MonthStatus.Missing, counts({ ok: 0, missing: 20 })],
    ['fewer OK than expected, unaccounted', MonthStatus.Missing, counts({ ok: 18 })],
    ['nothing expected', MonthStatus.None, counts({ expected: 0, ok: 0 })],
    ['no entry for the month', MonthStatus.None, undefined],
  ])('%s is %s', (_name, expected, month) => {
    // Act
    const status = monthStatus(month);

    // Assess
    expect(status).toBe(expected);
  });

  it('draws OK green, quarantined hatched, attention amber and missing grey', () => {
    // Act / Assess
    expect(monthStatusStyles[MonthStatus.Ok].fill).toBe('#1a7f37');
    expect(monthStatusStyles[MonthStatus.Quarantined].fill).toBe('url(#hatch-quarantined)');
    expect(monthStatusStyles[MonthStatus.Attention].fill).toBe('#f0b429');
    expect(monthStatusStyles[MonthStatus.Missing].fill).toBe('#a3acb5');
  });

  const mix = fc.record({
    ok: fc.nat(40),
    pending: fc.nat(3),
    retrying: fc.nat(3),
    quarantined: fc.nat(3),
    missing: fc.nat(3),
  });

  test.prop([mix])('lets the worst state win', (month) => {
    // Prepare
    const expected = month.ok + month.pending + month.retrying + month.quarantined + month.missing;

    // Act
    const status = monthStatus({ ...month, expected });

    // Assess
    if (expected === 0) expect(status).toBe(MonthStatus.None);
    else if (month.quarantined > 0) expect(status).toBe(MonthStatus.Quarantined);
    else if (month.pending + month.retrying > 0) expect(status).toBe(MonthStatus.Attention);
    else if (month.missing > 0) expect(status).toBe(MonthStatus.Missing);
    else expect(status).toBe(MonthStatus.Ok);
  });
});
