import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { brazilClosedDays, brazilHolidayYears } from './brazilHolidays.js';
import { civilFromDay, formatIsoDate } from './dates.js';

const anyYear = fc.integer({ min: brazilHolidayYears.first, max: brazilHolidayYears.last });

describe('brazilClosedDays', () => {
  it('lists the national and bank holidays of a year, Carnival and Corpus Christi included', () => {
    // Act
    const closed = brazilClosedDays(2024).map(formatIsoDate);

    // Assess
    expect(closed).toEqual([
      '2024-01-01',
      '2024-02-12', // Carnival Monday (bank)
      '2024-02-13', // Carnival Tuesday (bank)
      '2024-03-29', // Good Friday
      '2024-04-21',
      '2024-05-01',
      '2024-05-30', // Corpus Christi (bank)
      '2024-09-07',
      '2024-10-06', // municipal election, first round (date-holidays lists it as public)
      '2024-10-12',
      '2024-10-27', // municipal election, run-off
      '2024-11-02',
      '2024-11-15',
      '2024-11-20', // Consciência Negra, national from 2024
      '2024-12-25',
    ]);
  });

  test.prop([anyYear])('answers days of that very year, ascending and without repeats', (year) => {
    // Act
    const closed = brazilClosedDays(year);

    // Assess
    expect(closed.every((day) => civilFromDay(day).year === year)).toBe(true);
    expect(closed.every((day, i) => i === 0 || closed[i - 1]! < day)).toBe(true);
    expect(closed.length).toBeGreaterThan(0);
  });
});
