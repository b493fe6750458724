import { fc, test } from '@fast-check/vitest';
import { dayFromCivil, formatIsoDate, parseIsoDate } from '@gapless/pipeline-core';
import { describe, expect, it } from 'vitest';
import { formatSourceDate, parsePtaxTimestamp, parseSourceDate, SourceDateFormat } from './sourceDates.js';

const anyDay = fc.integer({ min: dayFromCivil(1900, 1, 1), max: dayFromCivil(2200, 12, 31) });
const anyFormat = fc.constantFrom(...Object.values(SourceDateFormat));

describe('formatSourceDate', () => {
  it.each([
    [SourceDateFormat.Sgs, '2024-01-02', '02/01/2024'],
    [SourceDateFormat.Ptax, '2024-01-02', '01-02-2024'],
    [SourceDateFormat.Sgs, '2024-02-29', '29/02/2024'],
    [SourceDateFormat.Ptax, '1999-12-31', '12-31-1999'],
  ])('writes %s for %s as %s', (format, iso, expected) => {
    // Act
    const text = formatSourceDate(parseIsoDate(iso), format);

    // Assess
    expect(text).toBe(expected);
  });

  test.prop([anyDay, anyFormat])('parses back to the same day', (day, format) => {
    // Act
    const parsed = parseSourceDate(formatSourceDate(day, format), format);

    // Assess
    expect(parsed).toBe(day);
  });
});

describe('parseSourceDate', () => {
  it.each([
    ['02/01/2024', SourceDateFormat.Sgs, '2024-01-02'],
    ['01-02-2024', SourceDateFormat.Ptax, '2024-01-02'],
  ])('reads %j in %s as %s', (text, format, iso) => {
    // Act
    const day = parseSourceDate(text, format);

    // Assess
    expect(day === undefined ? undefined : formatIsoDate(day)).toBe(iso);
  });

  it.each([
    ['31/02/2024', SourceDateFormat.Sgs],
    ['29/02/2023', SourceDateFormat.Sgs],
    ['2/01/2024', SourceDateFormat.Sgs],
    ['02/13/2024', SourceDateFormat.Sgs],
    ['02/01/24', SourceDateFormat.Sgs],
    [' 02/01/2024', SourceDateFormat.Sgs],
    ['2024-01-02', SourceDateFormat.Sgs],
    ['13-01-2024', SourceDateFormat.Ptax],
    ['01/02/2024', SourceDateFormat.Ptax],
  ])('refuses %j in %s instead of rolling it over', (text, format) => {
    // Act
    const day = parseSourceDate(text, format);

    // Assess
    expect(day).toBeUndefined();
  });
});

describe('parsePtaxTimestamp', () => {
  it.each([
    '2023-01-02 13:05:57',
    '2023-01-02 13:05:57.5',
    '2023-01-02 13:05:57.593',
    '2023-01-02 23:59:59.123456789',
  ])('reads the day of %j', (text) => {
    // Act
    const day = parsePtaxTimestamp(text);

    // Assess
    expect(day).toBe(parseIsoDate('2023-01-02'));
  });

  it.each([
    '2023-01-02',
    '02/01/2023',
    '2023-01-02 24:00:00',
    '2023-02-30 10:00:00',
    '2023-01-02T13:05:57.593',
    '2023-01-02 13:05:57.1234567890',
    '2023-01-02 13:05',
  ])('refuses %j', (text) => {
    // Act
    const day = parsePtaxTimestamp(text);

    // Assess
    expect(day).toBeUndefined();
  });
});
