import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { civilFromDay, dayFromCivil, dayOfWeek, formatIsoDate, parseIsoDate, todayIn } from './dates.js';
import { InvalidDateError } from './errors.js';

describe('parseIsoDate', () => {
  it('reads a strict ISO date as days since the epoch', () => {
    // Act
    const epoch = parseIsoDate('1970-01-01');
    const leapDay = parseIsoDate('2024-02-29');
    const dayBefore = parseIsoDate('1969-12-31');

    // Assess
    expect(epoch).toBe(0);
    expect(leapDay).toBe(Date.UTC(2024, 1, 29) / 86_400_000);
    expect(dayBefore).toBe(-1);
  });

  it.each([
    ['2024-02-30', /day 30 does not exist in 2024-02/],
    ['2023-02-29', /day 29 does not exist/],
    ['2024-1-5', /YYYY-MM-DD/],
    ['2024-13-01', /month 13/],
    ['2024-01-01T00:00:00Z', /YYYY-MM-DD/],
    ['', /YYYY-MM-DD/],
    [20240101, /expected a string/],
  ])('refuses %j, quoting it', (input, reason) => {
    // Act
    const attempt = () => parseIsoDate(input);

    // Assess
    expect(attempt).toThrow(InvalidDateError);
    expect(attempt).toThrow(reason);
    expect(attempt).toThrow(JSON.stringify(input));
  });
});

describe('day numbers', () => {
  test.prop([fc.date({ min: new Date('1900-01-01'), max: new Date('2200-12-31'), noInvalidDate: true })])(
    'agree with the JavaScript Date in UTC',
    (date) => {
      // Prepare
      const expected = Math.floor(date.getTime() / 86_400_000);
      const iso = new Date(expected * 86_400_000).toISOString().slice(0, 10);

      // Act
      const parsed = parseIsoDate(iso);
      const formatted = formatIsoDate(expected);
      const weekday = dayOfWeek(expected);

      // Assess
      expect(parsed).toBe(expected);
      expect(formatted).toBe(iso);
      expect(weekday).toBe(new Date(expected * 86_400_000).getUTCDay());
    },
  );

  test.prop([fc.integer({ min: -1_000_000, max: 1_000_000 })])('round-trip through civil dates', (day) => {
    // Act
    const { year, month, day: dom } = civilFromDay(day);
    const roundTripped = dayFromCivil(year, month, dom);

    // Assess
    expect(roundTripped).toBe(day);
  });
});

describe('todayIn', () => {
  it.each([
    ['2024-03-05T01:30:00.000Z', 'America/Sao_Paulo', '2024-03-04'],
    ['2024-03-05T23:30:00.000Z', 'America/Sao_Paulo', '2024-03-05'],
    ['2024-03-05T02:59:59.999Z', 'America/Sao_Paulo', '2024-03-04'],
    ['2024-03-05T03:00:00.000Z', 'America/Sao_Paulo', '2024-03-05'],
    // Brazil kept daylight saving time until 2019: on 2018-12-01 Brasília was UTC-2.
    ['2018-12-01T01:30:00.000Z', 'America/Sao_Paulo', '2018-11-30'],
    ['2018-12-01T02:30:00.000Z', 'America/Sao_Paulo', '2018-12-01'],
    ['2024-03-05T01:30:00.000Z', 'UTC', '2024-03-05'],
  ])('at %s in %s is %s', (at, timeZone, expected) => {
    // Act
    const today = todayIn(timeZone, new Date(at));

    // Assess
    expect(formatIsoDate(today)).toBe(expected);
  });

  it('refuses a time zone the runtime does not know', () => {
    // Act
    const attempt = () => todayIn('America/Atlantis', new Date());

    // Assess
    expect(attempt).toThrow(RangeError);
  });
});
