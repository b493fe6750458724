import { describe, expect, it } from 'vitest';
import { everyDay, weekdays } from './testing/fakeCalendars.js';
import {
  decodeMessage,
  encodeMessage,
  maxDatesPerMessage,
  type MessageSeries,
  type WorkMessage,
} from './codec.js';
import { parseIsoDate } from './dates.js';
import { InvalidMessageError, MessageProblem } from './errors.js';

const catalog = new Map<string, MessageSeries>([
  ['CURRENCY#USD', { calendar: weekdays, maxDates: 20_000 }],
  ['FUEL#DIESEL', { calendar: everyDay, maxDates: 5 }],
]);
const lookup = (partitionKey: string) => catalog.get(partitionKey);

/** A valid body for CURRENCY#USD, with some fields replaced. */
function body(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    partition_key: 'CURRENCY#USD',
    dates_to_download: ['2024-01-04', '2024-01-05', '2024-01-08'],
    ...overrides,
  });
}

function message(overrides: Partial<WorkMessage> = {}): WorkMessage {
  return {
    partitionKey: 'CURRENCY#USD',
    days: Int32Array.from(['2024-01-04', '2024-01-05', '2024-01-08'], parseIsoDate),
    reason: 'gap',
    attempt: 0,
    ...overrides,
  };
}

function caught(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('encodeMessage', () => {
  it('writes the contract keys in order with ISO dates', () => {
    // Act
    const encoded = encodeMessage(message({ reason: 'retry', attempt: 2 }));

    // Assess
    expect(encoded).toBe(
      '{"partition_key":"CURRENCY#USD","dates_to_download":["2024-01-04","2024-01-05","2024-01-08"],"reason":"retry","attempt":2}',
    );
  });
});

describe('decodeMessage', () => {
  it('reads a body, defaulting reason to gap and attempt to 0, ignoring unknown fields', () => {
    // Act
    const decoded = decodeMessage(body({ trace_id: 'abc', future: { nested: true } }), lookup);

    // Assess
    expect(decoded).toEqual(message());
  });

  it('reads an explicit reason and attempt', () => {
    // Act
    const decoded = decodeMessage(body({ reason: 'retry', attempt: 3 }), lookup);

    // Assess
    expect(decoded).toEqual(message({ reason: 'retry', attempt: 3 }));
  });

  it.each([
    ['not JSON', '{"partition_key":', MessageProblem.NotJson, '$'],
    ['an empty body', '', MessageProblem.NotJson, '$'],
    ['an array', '[]', MessageProblem.NotObject, '$'],
    ['null', 'null', MessageProblem.NotObject, '$'],
    ['a number', '42', MessageProblem.NotObject, '$'],
    [
      'no partition_key',
      body({ partition_key: undefined }),
      MessageProblem.MissingPartitionKey,
      'partition_key',
    ],
    [
      'a numeric partition_key',
      body({ partition_key: 7 }),
      MessageProblem.MissingPartitionKey,
      'partition_key',
    ],
    [
      'an empty partition_key',
      body({ partition_key: '' }),
      MessageProblem.MissingPartitionKey,
      'partition_key',
    ],
    [
      'an unknown partition_key',
      body({ partition_key: 'CURRENCY#XYZ' }),
      MessageProblem.UnknownPartitionKey,
      'partition_key',
    ],
    ['no dates', body({ dates_to_download: undefined }), MessageProblem.BadDates, 'dates_to_download'],
    [
      'dates as a string',
      body({ dates_to_download: '2024-01-04' }),
      MessageProblem.BadDates,
      'dates_to_download',
    ],
    ['an empty date list', body({ dates_to_download: [] }), MessageProblem.Empty, 'dates_to_download'],
    [
      'a date that is not ISO',
      body({ dates_to_download: ['2024-01-02', '2024-01-03', '2024-01-04', '04/01/2024'] }),
      MessageProblem.DateNotIso,
      'dates_to_download[3]',
    ],
    [
      'a date that does not exist',
      body({ dates_to_download: ['2023-02-29'] }),
      MessageProblem.DateNotIso,
      'dates_to_download[0]',
    ],
    [
      'a date that is a number',
      body({ dates_to_download: [20240104] }),
      MessageProblem.DateNotIso,
      'dates_to_download[0]',
    ],
    [
      'unsorted dates',
      body({ dates_to_download: ['2024-01-05', '2024-01-04'] }),
      MessageProblem.Unsorted,
      'dates_to_download[1]',
    ],
    [
      'a repeated date',
      body({ dates_to_download: ['2024-01-04', '2024-01-04'] }),
      MessageProblem.Duplicated,
      'dates_to_download[1]',
    ],
    [
      'a Saturday on weekdays',
      body({ dates_to_download: ['2024-01-05', '2024-01-06'] }),
      MessageProblem.OffCalendar,
      'dates_to_download[1]',
    ],
    [
      'more dates than the series allows',
      body({
        partition_key: 'FUEL#DIESEL',
        dates_to_download: [
          '2024-01-01',
          '2024-01-02',
          '2024-01-03',
          '2024-01-04',
          '2024-01-05',
          '2024-01-06',
        ],
      }),
      MessageProblem.TooMany,
      'dates_to_download',
    ],
    ['an unknown reason', body({ reason: 'manual' }), MessageProblem.BadReason, 'reason'],
    ['a null reason', body({ reason: null }), MessageProblem.BadReason, 'reason'],
    ['a negative attempt', body({ attempt: -1 }), MessageProblem.BadAttempt, 'attempt'],
    ['a fractional attempt', body({ attempt: 1.5 }), MessageProblem.BadAttempt, 'attempt'],
    ['a string attempt', body({ attempt: '1' }), MessageProblem.BadAttempt, 'attempt'],
    ['an attempt beyond safe integers', body({ attempt: 2 ** 53 }), MessageProblem.BadAttempt, 'attempt'],
  ])('refuses %s', (_, input, problem, path) => {
    // Act
    const error = caught(() => decodeMessage(input, lookup));

    // Assess
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect(error).toMatchObject({ name: 'InvalidMessageError', problem, path });
  });

  it('quotes the bad date and says why it is bad', () => {
    // Act
    const error = caught(() =>
      decodeMessage(body({ dates_to_download: ['2024-01-04', '2024-02-30'] }), lookup),
    );

    // Assess
    expect(error).toMatchObject({ path: 'dates_to_download[1]' });
    expect((error as Error).message).toContain('"2024-02-30"');
    expect((error as Error).message).toContain('day 30 does not exist');
  });

  it('shortens a long bad body in its message', () => {
    // Act
    const error = caught(() => decodeMessage(`x${'y'.repeat(10_000)}`, lookup));

    // Assess
    expect((error as Error).message.length).toBeLessThan(200);
    expect((error as Error).message).toContain('10001 characters');
  });
});

describe('the lease field', () => {
  const lease = { first: parseIsoDate('2024-01-04'), id: '0b7e3c2a-5d1f-4e8a-9c6b-2f4d8e1a7b3c' };

  it('is written last, as "<first>/<id>"', () => {
    // Prepare
    const original = message({ lease });

    // Act
    const encoded = encodeMessage(original);

    // Assess
    expect(encoded).toBe(
      '{"partition_key":"CURRENCY#USD","dates_to_download":["2024-01-04","2024-01-05","2024-01-08"],"reason":"gap","attempt":0,"lease":"2024-01-04/0b7e3c2a-5d1f-4e8a-9c6b-2f4d8e1a7b3c"}',
    );
  });

  it.each([
    ['a random UUID', crypto.randomUUID()],
    ['a counter', '7'],
    ['the longest id', 'A-z0'.repeat(16)],
  ])('round-trips a lease with %s', (_, id) => {
    // Prepare
    const original = message({ lease: { first: parseIsoDate('2024-01-04'), id } });

    // Act
    const decoded = decodeMessage(encodeMessage(original), lookup);

    // Assess
    expect(decoded).toEqual(original);
    expect(decoded.lease).toEqual({ first: parseIsoDate('2024-01-04'), id });
  });

  it('is absent from a message without one (retries, and gap messages from before the ledger)', () => {
    // Prepare
    const input = body({ reason: 'gap' });

    // Act
    const decoded = decodeMessage(input, lookup);

    // Assess
    expect(decoded).not.toHaveProperty('lease');
    expect(encodeMessage(decoded)).not.toContain('lease');
  });

  it.each([
    ['a number', 20240104],
    ['null', null],
    ['an object', { first: '2024-01-04', id: 'abc' }],
    ['an array', ['2024-01-04', 'abc']],
    ['an empty string', ''],
    ['a date alone', '2024-01-04'],
    ['an empty id', '2024-01-04/'],
    ['an empty date', '/abc'],
    ['a date that is not ISO', '04-01-2024/abc'],
    ['a date that does not exist', '2023-02-29/abc'],
    ['an id with a slash', '2024-01-04/abc/def'],
    ['an id with a space', '2024-01-04/ab c'],
    ['an id with an underscore', '2024-01-04/ab_c'],
    ['an id with a non-ASCII letter', '2024-01-04/abç'],
    ['an id of 65 characters', `2024-01-04/${'x'.repeat(65)}`],
    ['the parts swapped', 'abc/2024-01-04/'],
  ])('refuses %s with problem bad-lease at path lease', (_, bad) => {
    // Prepare
    const input = body({ lease: bad });

    // Act
    const error = caught(() => decodeMessage(input, lookup));

    // Assess
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect(error).toMatchObject({ problem: MessageProblem.BadLease, path: 'lease' });
  });

  it('quotes the bad lease in its message', () => {
    // Prepare
    const input = body({ lease: '2024-13-01/abc' });

    // Act
    const error = caught(() => decodeMessage(input, lookup));

    // Assess
    expect((error as Error).message).toContain('"2024-13-01/abc"');
    expect((error as Error).message).toContain('<YYYY-MM-DD>/<id>');
  });

  it.each([250, 1_000, 4_096, 262_144])(
    'leaves maxDatesPerMessage exact at %s bytes with the longest lease on the largest envelope',
    (limit) => {
      // Prepare: the largest body of n dates: reason "retry", the largest attempt, a 64-character lease id
      const largest = (count: number) =>
        encodeMessage({
          partitionKey: 'CURRENCY#USD',
          days: Int32Array.from({ length: count }, (_, index) => parseIsoDate('9000-01-01') + index),
          reason: 'retry',
          attempt: Number.MAX_SAFE_INTEGER,
          lease: { first: parseIsoDate('9000-01-01'), id: 'x'.repeat(64) },
        });
      const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

      // Act
      const count = maxDatesPerMessage(limit, 'CURRENCY#USD');

      // Assess
      expect(count).toBeGreaterThan(0);
      expect(bytes(largest(count))).toBeLessThanOrEqual(limit);
      expect(bytes(largest(count + 1))).toBeGreaterThan(limit);
    },
  );
});

describe('decodeMessage with a calendar of bounded span', () => {
  it('reports a date outside the span as off the calendar, not as a crash', () => {
    // Prepare: a calendar that, like BR-business, only knows some years.
    const bounded = {
      ...weekdays,
      contains(day: number) {
        if (day > 100_000) throw new RangeError('year outside 1900-2199');
        return weekdays.contains(day);
      },
    };
    const body = JSON.stringify({ partition_key: 'CURRENCY#USD', dates_to_download: ['2250-01-06'] });

    // Act
    const attempt = () => decodeMessage(body, () => ({ calendar: bounded, maxDates: 10 }));

    // Assess
    expect(attempt).toThrow(InvalidMessageError);
    expect(attempt).toThrow(/off-calendar/);
  });
});
