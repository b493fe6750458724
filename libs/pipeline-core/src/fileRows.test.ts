import { describe, expect, it } from 'vitest';
import { parseIsoDate } from './dates.js';
import {
  checkFileRow,
  detectDelimiter,
  fileItemSource,
  parseFileValue,
  readFileHeader,
  type FileLayout,
  type FileRowContext,
} from './fileRows.js';
import { makeSeries } from './testing/makeSeries.js';

const usd = makeSeries({ infoType: 'CURRENCY#USD', bounds: { min: 0.5, max: 50 } });
const ipca = makeSeries({ infoType: 'INFLATION#IPCA', calendar: 'monthly', sign: 'any' });
const context: FileRowContext = {
  catalog: new Map([
    [usd.infoType, usd],
    [ipca.infoType, ipca],
  ]),
  todayOf: () => parseIsoDate('2024-06-14'),
};

function layoutOf(header: string): FileLayout {
  const delimiter = detectDelimiter(header);
  if (typeof delimiter !== 'string') throw new Error(delimiter.problem);
  const layout = readFileHeader(header.split(delimiter), delimiter);
  if ('problem' in layout) throw new Error(layout.problem);
  return layout;
}

describe('detectDelimiter and readFileHeader', () => {
  it('reads the separator from the header line and fixes the decimal mark by it', () => {
    // Act
    const comma = layoutOf('info_type,date,value');
    const semicolon = layoutOf('Value ; DATE ; info_type ; source');

    // Assess
    expect(comma).toEqual({
      delimiter: ',',
      decimal: '.',
      width: 3,
      columns: { infoType: 0, date: 1, value: 2 },
    });
    expect(semicolon).toEqual({
      delimiter: ';',
      decimal: ',',
      width: 4,
      columns: { infoType: 2, date: 1, value: 0, source: 3 },
    });
  });

  it.each([
    ['info_type date value', /separated by "," or by ";"/],
    ['info_type,date;value', /one of them, not both/],
  ])('refuses the header line %j', (line, problem) => {
    // Act
    const answer = detectDelimiter(line);

    // Assess
    expect(answer).toEqual({ problem: expect.stringMatching(problem) });
  });

  it.each([
    [
      ['info_type', 'date'],
      'header lacks value (expected info_type,date,value and optionally source, overwrite)',
    ],
    [['info_type', 'date', 'value', 'price'], 'header column 4 "price" is unknown'],
    [['info_type', 'date', 'value', 'Date'], 'header names "date" twice'],
  ])('refuses the header %j', (fields, problem) => {
    // Act
    const answer = readFileHeader(fields, ',');

    // Assess
    expect(answer).toEqual({ problem: expect.stringContaining(problem) });
  });
});

describe('parseFileValue', () => {
  it.each([
    ['4.8916', '.', 4.8916],
    ['-0.68', '.', -0.68],
    ['+12', '.', 12],
    ['4,8916', ',', 4.8916],
    ['-0,68', ',', -0.68],
  ] as const)('reads %j with a decimal %j', (text, decimal, value) => {
    // Act
    const answer = parseFileValue(text, decimal);

    // Assess
    expect(answer).toBe(value);
  });

  it.each([
    ['', '.', 'value is empty (a file cannot declare a value missing)'],
    [
      '1,234.5',
      '.',
      'value "1,234.5" has a ",": ","-separated files take a decimal "." and no thousands separator',
    ],
    [
      '1.234,5',
      ',',
      'value "1.234,5" has a ".": ";"-separated files take a decimal "," and no thousands separator',
    ],
    [
      '4.89',
      ',',
      'value "4.89" has a ".": ";"-separated files take a decimal "," and no thousands separator',
    ],
    ['1e3', '.', 'value "1e3" is not a number (digits, an optional sign and an optional decimal ".")'],
    ['R$ 5', ',', 'value "R$ 5" is not a number (digits, an optional sign and an optional decimal ",")'],
    ['.5', '.', 'value ".5" is not a number (digits, an optional sign and an optional decimal ".")'],
  ] as const)('refuses %j with a decimal %j', (text, decimal, problem) => {
    // Act
    const answer = parseFileValue(text, decimal);

    // Assess
    expect(answer).toEqual({ problem });
  });
});

describe('checkFileRow', () => {
  const layout = layoutOf('info_type,date,value,overwrite,source');

  it('takes a good row, history before the series start included', () => {
    // Act
    const row = checkFileRow(
      ['CURRENCY#USD', '1999-01-04', '1.2078', 'TRUE', 'BCB archive'],
      layout,
      context,
    );

    // Assess
    expect(usd.start).toBeGreaterThan(parseIsoDate('1999-01-04'));
    expect(row).toEqual({
      ok: true,
      infoType: 'CURRENCY#USD',
      day: parseIsoDate('1999-01-04'),
      value: 1.2078,
      overwrite: true,
      note: 'BCB archive',
    });
  });

  it.each([
    [['CURRENCY#USD', '2024-01-02'], 'has 2 fields, the header has 5', false],
    [['', '2024-01-02', '5', '', ''], 'info_type is empty', false],
    [['CURRENCY#JPY', '2024-01-02', '5', '', ''], 'series "CURRENCY#JPY" is not in the catalog', false],
    [['CURRENCY#USD', '', '5', '', ''], 'date is empty', false],
    [
      ['CURRENCY#USD', '02/01/2024', '5', '', ''],
      'invalid date "02/01/2024": expected the form YYYY-MM-DD',
      false,
    ],
    [
      ['CURRENCY#USD', '2023-02-29', '5', '', ''],
      'invalid date "2023-02-29": day 29 does not exist in 2023-02 (1-28)',
      false,
    ],
    [
      ['CURRENCY#USD', '1899-12-29', '5', '', ''],
      "date 1899-12-29 is outside the BR-business calendar's coverage (1900-01-01 to 2199-12-31)",
      false,
    ],
    [
      ['CURRENCY#USD', '2024-02-12', '5', '', ''],
      "date 2024-02-12 is not on CURRENCY#USD's BR-business calendar",
      false,
    ],
    [
      ['INFLATION#IPCA', '2024-02-12', '5', '', ''],
      "date 2024-02-12 is not on INFLATION#IPCA's monthly calendar",
      false,
    ],
    [
      ['CURRENCY#USD', '2024-06-17', '5', '', ''],
      "date 2024-06-17 is after today (2024-06-14) in the series' time zone",
      false,
    ],
    [
      ['CURRENCY#USD', '2024-01-02', 'n/a', '', ''],
      'value "n/a" is not a number (digits, an optional sign and an optional decimal ".")',
      true,
    ],
    [['CURRENCY#USD', '2024-01-02', '51', '', ''], "value 51 is outside the series' bounds [0.5, 50]", true],
    [['CURRENCY#USD', '2024-01-02', '5', 'yes', ''], 'overwrite "yes" must be true, false or empty', true],
    [
      ['CURRENCY#USD', '2024-01-02', '5', '', 'x'.repeat(201)],
      'source text is 201 characters, more than 200',
      true,
    ],
    [
      ['CURRENCY#USD', '2024-01-02', '5', '', 'a\tb'],
      'source text holds a control character (a line break, a tab...)',
      true,
    ],
  ])('refuses %j: %s', (fields, reason, keyed) => {
    // Act
    const row = checkFileRow(fields, layout, context);

    // Assess
    expect(row).toEqual({
      ok: false,
      reason,
      ...(keyed ? { key: { infoType: fields[0], day: parseIsoDate(fields[1] as string) } } : {}),
    });
  });
});

describe('fileItemSource', () => {
  it("names the file's key, then the row's source text", () => {
    // Act
    const plain = fileItemSource('incoming/usd.csv');
    const noted = fileItemSource('incoming/usd.csv', 'BCB archive');

    // Assess
    expect([plain, noted]).toEqual(['file:incoming/usd.csv', 'file:incoming/usd.csv|BCB archive']);
  });
});
