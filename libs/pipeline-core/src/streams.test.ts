import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { calendarWithDates, everyDay, weekdays, weekdaysWithout } from './testing/fakeCalendars.js';
import type { Calendar } from './calendar.js';
import { formatIsoDate, parseIsoDate } from './dates.js';
import { toStreams, type StreamLimits } from './streams.js';

const unlimited: StreamLimits = { maxSpanDays: Infinity, maxDatesPerStream: Infinity };

function days(...isoDates: string[]): Int32Array {
  return Int32Array.from(isoDates, parseIsoDate);
}

function asIso(streams: Int32Array[]): string[][] {
  return streams.map((stream) => Array.from(stream, formatIsoDate));
}

/** Every consecutive range of calendar dates from `from`, `count` long. */
function run(calendar: Calendar, from: string, count: number): number[] {
  const dates = [parseIsoDate(from)];
  while (dates.length < count) dates.push(calendar.next(dates.at(-1) as number));
  return dates;
}

/** Reference: the indexes where a calendar break separates two gap days. */
function breaks(gaps: Int32Array, calendar: Calendar): number[] {
  const found: number[] = [];
  for (let i = 1; i < gaps.length; i += 1) {
    if (calendar.next(gaps[i - 1] as number) !== gaps[i]) found.push(i);
  }
  return found;
}

/** Reference: the fewest streams, by plain greedy from the left over each maximal run. */
function fewestStreams(gaps: Int32Array, calendar: Calendar, limits: StreamLimits): number {
  let count = 0;
  let start = 0;
  for (let i = 1; i <= gaps.length; i += 1) {
    const broken = i === gaps.length || calendar.next(gaps[i - 1] as number) !== gaps[i];
    const tooLong = i - start >= limits.maxDatesPerStream;
    const tooWide = i < gaps.length && (gaps[i] as number) - (gaps[start] as number) > limits.maxSpanDays;
    if (broken || tooLong || tooWide) {
      count += 1;
      start = i;
    }
  }
  return count;
}

const arbitraryLimits: fc.Arbitrary<StreamLimits> = fc.record({
  maxSpanDays: fc.oneof(fc.constant(Infinity), fc.integer({ min: 0, max: 400 })),
  maxDatesPerStream: fc.oneof(fc.constant(Infinity), fc.integer({ min: 1, max: 300 })),
});

describe('toStreams', () => {
  it('keeps a run across a weekend of a weekday calendar in one stream', () => {
    // Prepare: Thursday 2024-01-04 to Tuesday 2024-01-09
    const gaps = days('2024-01-04', '2024-01-05', '2024-01-08', '2024-01-09');

    // Act
    const streams = toStreams(gaps, weekdays, unlimited);

    // Assess
    expect(asIso(streams)).toEqual([['2024-01-04', '2024-01-05', '2024-01-08', '2024-01-09']]);
  });

  it('keeps a run across a holiday and breaks it at a missing business day', () => {
    // Prepare: Monday 2024-02-12 and Tuesday 2024-02-13 are Carnival; 2024-02-15 is present in the table
    const calendar = weekdaysWithout(days('2024-02-12', '2024-02-13'));
    const gaps = days('2024-02-08', '2024-02-09', '2024-02-14', '2024-02-16');

    // Act
    const streams = toStreams(gaps, calendar, unlimited);

    // Assess
    expect(asIso(streams)).toEqual([['2024-02-08', '2024-02-09', '2024-02-14'], ['2024-02-16']]);
  });

  it('breaks an every-day run at a weekend that a weekday run would cross', () => {
    // Prepare
    const gaps = days('2024-01-05', '2024-01-08');

    // Act
    const everyDayStreams = toStreams(gaps, everyDay, unlimited);
    const weekdayStreams = toStreams(gaps, weekdays, unlimited);

    // Assess
    expect(everyDayStreams).toHaveLength(2);
    expect(weekdayStreams).toHaveLength(1);
  });

  it('splits a long run evenly by message size', () => {
    // Prepare
    const gaps = run(everyDay, '2024-01-01', 10);

    // Act
    const streams = toStreams(gaps, everyDay, { maxSpanDays: Infinity, maxDatesPerStream: 4 });

    // Assess
    expect(streams.map((stream) => stream.length)).toEqual([4, 3, 3]);
    expect(Array.from(streams.flatMap((stream) => Array.from(stream)))).toEqual(gaps);
  });

  it("splits a long run evenly by the source's window", () => {
    // Prepare: 21 days, at most 9 days from first to last
    const gaps = run(everyDay, '2024-01-01', 21);

    // Act
    const streams = toStreams(gaps, everyDay, { maxSpanDays: 9, maxDatesPerStream: Infinity });

    // Assess
    expect(streams.map((stream) => stream.length)).toEqual([7, 7, 7]);
  });

  it('splits a 25-year business-day run at a 10-year window into three requests', () => {
    // Prepare
    const gaps = weekdays.datesBetween(parseIsoDate('2000-01-03'), parseIsoDate('2024-12-31'));

    // Act
    const streams = toStreams(gaps, weekdays, { maxSpanDays: 3652, maxDatesPerStream: Infinity });

    // Assess
    expect(streams).toHaveLength(3);
    for (const stream of streams)
      expect((stream.at(-1) as number) - (stream[0] as number)).toBeLessThanOrEqual(3652);
  });

  it('returns views on an Int32Array input, and no streams for no gaps', () => {
    // Prepare
    const gaps = days('2024-01-01', '2024-01-02', '2024-01-05');

    // Act
    const streams = toStreams(gaps, everyDay, unlimited);
    const none = toStreams([], everyDay, unlimited);

    // Assess
    expect(streams.every((stream) => stream.buffer === gaps.buffer)).toBe(true);
    expect(none).toEqual([]);
  });

  it.each([
    [[3, 2], unlimited, /strictly ascending: index 1/],
    [[3, 3], unlimited, /strictly ascending/],
    [[1], { maxSpanDays: -1, maxDatesPerStream: 5 }, /maxSpanDays/],
    [[1], { maxSpanDays: Number.NaN, maxDatesPerStream: 5 }, /maxSpanDays/],
    [[1], { maxSpanDays: 5, maxDatesPerStream: 0 }, /maxDatesPerStream/],
    [[1], { maxSpanDays: 5, maxDatesPerStream: 2.5 }, /maxDatesPerStream/],
  ])('refuses gaps %j with limits %j', (gaps, limits, reason) => {
    // Act
    const attempt = () => toStreams(gaps, everyDay, limits);

    // Assess
    expect(attempt).toThrow(RangeError);
    expect(attempt).toThrow(reason);
  });
});

// Property tests run hundreds of cases: give them room on a busy CI machine.
describe('toStreams properties', { timeout: 30_000 }, () => {
  test.prop([calendarWithDates, arbitraryLimits])(
    'streams are non-empty, continuous in the calendar, within the limits, and concatenate to the gaps',
    ({ calendar, dates }, limits) => {
      // Act
      const streams = toStreams(dates, calendar, limits);

      // Assess
      expect(Int32Array.from(streams.flatMap((stream) => Array.from(stream)))).toEqual(dates);
      // One assertion over all streams: thousands of expect() calls would dominate the run time
      const offending = streams.filter(
        (stream) =>
          stream.length === 0 ||
          stream.length > limits.maxDatesPerStream ||
          (stream.at(-1) as number) - (stream[0] as number) > limits.maxSpanDays ||
          breaks(stream, calendar).length > 0,
      );
      expect(offending).toEqual([]);
    },
  );

  test.prop([calendarWithDates])(
    'without limits, the streams are exactly the maximal runs',
    ({ calendar, dates }) => {
      // Act
      const streams = toStreams(dates, calendar, unlimited);

      // Assess: a stream ends exactly where the calendar breaks the gaps
      const ends = streams.slice(0, -1).map((stream) => stream.byteOffset / 4 + stream.length);
      expect(ends).toEqual(breaks(dates, calendar));
    },
  );

  test.prop([calendarWithDates, arbitraryLimits])(
    'uses the fewest streams the limits allow',
    ({ calendar, dates }, limits) => {
      // Act
      const streams = toStreams(dates, calendar, limits);

      // Assess
      expect(streams).toHaveLength(fewestStreams(dates, calendar, limits));
    },
  );

  test.prop([calendarWithDates, fc.integer({ min: 1, max: 300 })])(
    'splits by size alone into pieces that differ by at most one date',
    ({ calendar, dates }, maxDatesPerStream) => {
      // Prepare
      const limits = { maxSpanDays: Infinity, maxDatesPerStream };

      // Act
      const streams = toStreams(dates, calendar, limits);

      // Assess: group the streams back into their runs and compare the sizes inside each
      const runStarts = new Set([0, ...breaks(dates, calendar)]);
      const sizesPerRun: number[][] = [];
      for (const stream of streams) {
        if (runStarts.has(stream.byteOffset / 4)) sizesPerRun.push([]);
        sizesPerRun.at(-1)?.push(stream.length);
      }
      for (const sizes of sizesPerRun) expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    },
  );

  test.prop([calendarWithDates, arbitraryLimits])(
    'is deterministic and reads arrays like typed arrays',
    ({ calendar, dates }, limits) => {
      // Act
      const fromTyped = toStreams(dates, calendar, limits);
      const fromArray = toStreams(Array.from(dates), calendar, limits);

      // Assess
      expect(fromArray).toEqual(fromTyped);
    },
  );
});
