import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { calendarWithDates, everyDay, weekdays, windowLength, windowStart } from './testing/fakeCalendars.js';
import type { Calendar } from './calendar.js';
import {
  decodeMessage,
  encodeMessage,
  maxDatesPerMessage,
  type MessageSeries,
  type WorkMessage,
} from './codec.js';
import { formatIsoDate, parseIsoDate } from './dates.js';
import { InvalidMessageError, MessageProblem } from './errors.js';

const catalog = new Map<string, MessageSeries>([
  ['CURRENCY#USD', { calendar: weekdays, maxDates: 20_000 }],
  ['FUEL#DIESEL', { calendar: everyDay, maxDates: 5 }],
]);
const lookup = (partitionKey: string) => catalog.get(partitionKey);

// Property tests run hundreds of cases: give them room on a busy CI machine.
describe('maxDatesPerMessage', { timeout: 30_000 }, () => {
  const largest = (partitionKey: string, count: number): WorkMessage => ({
    partitionKey,
    // The last dates of year 9999: the latest dates, all ISO dates are the same length anyway.
    days: Int32Array.from({ length: count }, (_, index) => parseIsoDate('9999-12-31') - count + 1 + index),
    reason: 'retry',
    attempt: Number.MAX_SAFE_INTEGER,
    // The longest lease the decoder accepts: an ISO date and a 64-character id.
    lease: { first: parseIsoDate('9999-12-31') - count + 1, id: 'f'.repeat(64) },
  });
  const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

  test.prop([fc.string({ unit: 'binary', maxLength: 60 }), fc.integer({ min: 0, max: 20_000 })])(
    'is the most dates that fit: that many fit at the largest envelope, one more does not',
    (partitionKey, maxMessageBytes) => {
      // Act
      const count = maxDatesPerMessage(maxMessageBytes, partitionKey);

      // Assess
      if (count > 0)
        expect(bytes(encodeMessage(largest(partitionKey, count)))).toBeLessThanOrEqual(maxMessageBytes);
      expect(bytes(encodeMessage(largest(partitionKey, count + 1)))).toBeGreaterThan(maxMessageBytes);
    },
  );

  test.prop([
    calendarWithDates,
    fc.constantFrom<WorkMessage['reason']>('gap', 'retry'),
    fc.nat(),
    fc.string({ maxLength: 30 }),
    fc.option(fc.stringMatching(/^[A-Za-z0-9-]{1,64}$/), { nil: undefined }),
  ])('bounds every message of that many dates', ({ dates }, reason, attempt, partitionKey, leaseId) => {
    // Prepare
    fc.pre(dates.length > 0);
    const limit = 13 * dates.length + 300;
    const lease = leaseId === undefined ? {} : { lease: { first: dates[0] as number, id: leaseId } };

    // Act
    const count = maxDatesPerMessage(limit, partitionKey);

    // Assess
    const encoded = encodeMessage({
      partitionKey,
      days: dates.subarray(0, count),
      reason,
      attempt,
      ...lease,
    });
    expect(bytes(encoded)).toBeLessThanOrEqual(limit);
  });

  it('fits about 20 thousand dates in a 256 KiB message', () => {
    // Act
    const count = maxDatesPerMessage(262_144, 'CURRENCY#USD');

    // Assess: the largest envelope for CURRENCY#USD is 185 bytes (99, and 86 for the longest lease);
    // (262144 - 185 + 1) / 13 = 20150.8
    expect(count).toBe(20_150);
  });
});

/** Arbitrary sorted unique dates of a calendar in the test window, as ISO strings. */
const calendarDates = (calendar: Calendar) =>
  fc
    .uniqueArray(fc.integer({ min: windowStart, max: windowStart + windowLength }), { maxLength: 8 })
    .map((days) =>
      days
        .filter((day) => calendar.contains(day))
        .sort((a, b) => a - b)
        .map(formatIsoDate),
    );

/** Bodies near the contract: each field either plausible or any JSON value, each possibly absent. */
const nearlyValidBody = fc
  .record(
    {
      partition_key: fc.oneof(fc.constantFrom('CURRENCY#USD', 'FUEL#DIESEL', 'OTHER'), fc.jsonValue()),
      dates_to_download: fc.oneof(
        calendarDates(weekdays),
        calendarDates(everyDay),
        calendarDates(weekdays).map((dates) => [...dates, ...dates.slice(-1)]),
        calendarDates(weekdays).map((dates) => dates.reverse()),
        // A two-week range, so repeated and out-of-order dates are common
        fc.array(
          fc.oneof(
            {
              arbitrary: fc.integer({ min: windowStart, max: windowStart + 14 }).map(formatIsoDate),
              weight: 9,
            },
            { arbitrary: fc.jsonValue(), weight: 1 },
          ),
        ),
        fc.jsonValue(),
      ),
      reason: fc.oneof(fc.constantFrom('gap', 'retry'), fc.jsonValue()),
      attempt: fc.oneof(fc.nat(), fc.jsonValue()),
      lease: fc.oneof(
        fc
          .tuple(
            fc.integer({ min: windowStart, max: windowStart + 14 }),
            fc.stringMatching(/^[A-Za-z0-9-]{1,64}$/),
          )
          .map(([first, id]) => `${formatIsoDate(first)}/${id}`),
        fc.string(),
        fc.jsonValue(),
      ),
      extra: fc.jsonValue(),
    },
    { requiredKeys: [] },
  )
  .map((fields) => JSON.stringify(fields));

const anyBody = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  nearlyValidBody,
);

function assertValid(decoded: WorkMessage): void {
  const series = catalog.get(decoded.partitionKey) as MessageSeries;
  expect(series).toBeDefined();
  expect(['gap', 'retry']).toContain(decoded.reason);
  expect(Number.isSafeInteger(decoded.attempt) && decoded.attempt >= 0).toBe(true);
  expect(decoded.days.length).toBeGreaterThan(0);
  expect(decoded.days.length).toBeLessThanOrEqual(series.maxDates);
  decoded.days.forEach((day, index) => {
    expect(series.calendar.contains(day)).toBe(true);
    if (index > 0) expect(day).toBeGreaterThan(decoded.days[index - 1] as number);
  });
}

// Property tests run hundreds of cases: give them room on a busy CI machine.
describe('decodeMessage properties', { timeout: 30_000 }, () => {
  it('has a fuzz generator that reaches valid messages and every problem', () => {
    // Prepare: a fixed seed, so this coverage check is deterministic
    const seen = new Set<string>();

    // Act
    for (const input of fc.sample(anyBody, { numRuns: 5000, seed: 42 })) {
      try {
        decodeMessage(input, lookup);
        seen.add('valid');
      } catch (error) {
        seen.add((error as InvalidMessageError).problem);
      }
    }

    // Assess
    expect([...seen].sort()).toEqual(['valid', ...Object.values(MessageProblem)].sort());
  });

  test.prop([anyBody], { numRuns: 2000 })(
    'returns a valid message or throws InvalidMessageError, never anything else',
    (input) => {
      // Act
      let decoded: WorkMessage | undefined;
      let failure: unknown;
      try {
        decoded = decodeMessage(input, lookup);
      } catch (error) {
        failure = error;
      }

      // Assess
      if (decoded === undefined) {
        expect(failure).toBeInstanceOf(InvalidMessageError);
        expect(Object.values(MessageProblem)).toContain((failure as InvalidMessageError).problem);
      } else {
        assertValid(decoded);
      }
    },
  );

  test.prop([
    fc.constantFrom('CURRENCY#USD', 'FUEL#DIESEL'),
    fc.constantFrom<WorkMessage['reason']>('gap', 'retry'),
    fc.oneof(fc.nat(10), fc.maxSafeNat()),
    fc.uniqueArray(fc.integer({ min: parseIsoDate('0000-01-01'), max: parseIsoDate('9999-12-20') }), {
      minLength: 1,
      maxLength: 5,
    }),
    fc.option(
      fc.record({
        first: fc.integer({ min: parseIsoDate('0000-01-01'), max: parseIsoDate('9999-12-31') }),
        id: fc.oneof(fc.uuid(), fc.stringMatching(/^[A-Za-z0-9-]{1,64}$/)),
      }),
      { nil: undefined },
    ),
  ])('round-trips every valid message', (partitionKey, reason, attempt, candidates, lease) => {
    // Prepare: keep the candidates on the series' calendar, ascending
    const calendar = (catalog.get(partitionKey) as MessageSeries).calendar;
    const onCalendar = candidates.map((day) => (calendar.contains(day) ? day : calendar.next(day)));
    const days = Int32Array.from(new Set(onCalendar)).sort();
    const original: WorkMessage = {
      partitionKey,
      days,
      reason,
      attempt,
      ...(lease === undefined ? {} : { lease }),
    };

    // Act
    const decoded = decodeMessage(encodeMessage(original), lookup);

    // Assess
    expect(decoded).toEqual(original);
  });
});
