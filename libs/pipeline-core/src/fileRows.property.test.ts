import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { calendarFor } from './calendars.js';
import { formatIsoDate, parseIsoDate, type Day } from './dates.js';
import { valueProblem } from './dataQuality.js';
import { checkFileRow, parseFileValue, readFileHeader, type FileLayout } from './fileRows.js';
import type { SeriesDefinition } from './series.js';
import { makeSeries } from './testing/makeSeries.js';

const catalogList: SeriesDefinition[] = [
  makeSeries({ infoType: 'CURRENCY#USD', calendar: 'BR-business', bounds: { min: 0.5, max: 50 } }),
  makeSeries({ infoType: 'INFLATION#IPCA', calendar: 'monthly', sign: 'any' }),
  makeSeries({ infoType: 'FUEL#DIESEL', calendar: 'annual' }),
  makeSeries({ infoType: 'INDEX#COUNT', calendar: 'daily', sign: 'non-negative' }),
];
const catalog = new Map(catalogList.map((series) => [series.infoType, series]));
const today = parseIsoDate('2024-06-14');
const context = { catalog, todayOf: () => today };
const first = parseIsoDate('1990-01-01');

const layoutFor = (delimiter: ',' | ';'): FileLayout => {
  const layout = readFileHeader(['info_type', 'date', 'value'], delimiter);
  if ('problem' in layout) throw new Error(layout.problem);
  return layout;
};

/** A decimal number as text with a decimal point: its sign, integer digits and fraction digits. */
const decimalText = fc
  .tuple(
    fc.constantFrom('', '-', '+'),
    fc.bigInt({ min: 0n, max: 10n ** 12n }),
    fc.option(fc.stringMatching(/^\d{1,8}$/), { nil: undefined }),
  )
  .map(([sign, integer, fraction]) => `${sign}${integer}${fraction === undefined ? '' : `.${fraction}`}`);

/** A date of the series' calendar between 1990 and today. */
const calendarDate = (series: SeriesDefinition) =>
  fc.integer({ min: 0, max: 10_000 }).map((offset) => {
    const dates = calendarFor(series.calendar).datesBetween(first, today);
    return dates[offset % dates.length] as Day;
  });

const seriesAndDate = fc
  .constantFrom(...catalogList)
  .chain((series) => calendarDate(series).map((day) => ({ series, day })));

// Property tests run hundreds of cases: give them room on a busy CI machine.
describe('the rules of a history file', { timeout: 30_000 }, () => {
  test.prop([decimalText, fc.constantFrom<'.' | ','>('.', ',')])(
    'read a value written by the decimal rule as the number it spells',
    (text, decimal) => {
      // Act
      const value = parseFileValue(decimal === '.' ? text : text.replace('.', ','), decimal);

      // Assess
      expect(value).toBe(Number(text));
    },
  );

  test.prop([
    fc.integer({ min: 1, max: 999 }),
    fc.array(fc.stringMatching(/^\d{3}$/), { minLength: 1, maxLength: 4 }),
    fc.stringMatching(/^\d{1,4}$/),
    fc.constantFrom<'.' | ','>('.', ','),
  ])('refuse a value with a thousands separator', (lead, groups, fraction, decimal) => {
    // Prepare: 1,234,567.89 or 1.234.567,89
    const thousands = decimal === '.' ? ',' : '.';
    const text = `${lead}${thousands}${groups.join(thousands)}${decimal}${fraction}`;

    // Act
    const value = parseFileValue(text, decimal);

    // Assess
    expect(value).toEqual({ problem: expect.stringContaining('no thousands separator') });
  });

  test.prop([fc.string({ maxLength: 12 }), fc.constantFrom<'.' | ','>('.', ',')])(
    'read nothing but a sign, digits and one decimal mark as a number',
    (text, decimal) => {
      // Act
      const value = parseFileValue(text, decimal);

      // Assess
      if (typeof value === 'number') {
        expect(text).toMatch(decimal === '.' ? /^[+-]?\d+(\.\d+)?$/ : /^[+-]?\d+(,\d+)?$/);
        expect(Number.isFinite(value)).toBe(true);
      } else expect(value.problem).toMatch(/^value /);
    },
  );

  test.prop([seriesAndDate, decimalText, fc.constantFrom<',' | ';'>(',', ';')])(
    'take a row of a catalog series, a calendar date up to today and a value its rules accept, and nothing else',
    ({ series, day }, text, delimiter) => {
      // Prepare
      const layout = layoutFor(delimiter);
      const valueText = delimiter === ',' ? text : text.replace('.', ',');

      // Act
      const row = checkFileRow([series.infoType, formatIsoDate(day), valueText], layout, context);

      // Assess: good exactly when the series' data-quality rules take the number
      const problem = valueProblem(series, Number(text));
      if (problem === undefined)
        expect(row).toEqual({
          ok: true,
          infoType: series.infoType,
          day,
          value: Number(text),
          overwrite: false,
        });
      else expect(row).toEqual({ ok: false, reason: problem, key: { infoType: series.infoType, day } });
    },
  );

  test.prop([fc.constantFrom(...catalogList), fc.integer({ min: first, max: today + 400 })])(
    'refuse every date off the calendar or after today, naming why',
    (series, day) => {
      // Prepare
      fc.pre(!calendarFor(series.calendar).contains(day) || day > today);

      // Act
      const row = checkFileRow([series.infoType, formatIsoDate(day), '1'], layoutFor(','), context);

      // Assess
      expect(row.ok).toBe(false);
      expect(row.ok ? '' : row.reason).toMatch(/is not on .* calendar|is after today/);
    },
  );

  test.prop([seriesAndDate, fc.string({ minLength: 1, maxLength: 20 })])(
    'refuse a series the catalog does not have, whatever the rest of the row',
    ({ day }, infoType) => {
      // Prepare
      fc.pre(!catalog.has(infoType));

      // Act
      const row = checkFileRow([infoType, formatIsoDate(day), '1'], layoutFor(','), context);

      // Assess
      expect(row).toEqual({ ok: false, reason: `series ${JSON.stringify(infoType)} is not in the catalog` });
    },
  );
});
