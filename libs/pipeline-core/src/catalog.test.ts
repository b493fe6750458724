import { describe, expect, it } from 'vitest';
import { catalogIndex, parseCatalog, parseCatalogText, refuseSimulatedSeries } from './catalog.js';
import { parseIsoDate } from './dates.js';
import {
  CatalogError,
  ConfigError,
  DuplicateSeriesError,
  InvalidStartDateError,
  UnknownCalendarError,
  UnknownSourceError,
} from './errors.js';

/** A valid bcb-sgs entry in the JSON form; tests override one field at a time. */
const sgsEntry = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  info_type: 'CURRENCY#USD',
  source: 'bcb-sgs',
  code: 1,
  calendar: 'BR-business',
  start: '2015-01-02',
  ...overrides,
});

const ptaxEntry = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  info_type: 'CURRENCY#GBP',
  source: 'bcb-ptax',
  currency: 'GBP',
  calendar: 'BR-business',
  start: '2015-01-02',
  ...overrides,
});

const without = (entry: Record<string, unknown>, field: string) => {
  const copy = { ...entry };
  delete copy[field];
  return copy;
};

describe('parseCatalog', () => {
  it('turns the JSON form into typed series', () => {
    // Prepare
    const json = [
      sgsEntry({ publication_lag_days: 0, bounds: { min: 0.5, max: 20 } }),
      ptaxEntry({ side: 'buy' }),
      { info_type: 'FUEL#DIESEL', source: 'simulated', calendar: 'weekly', start: '2015-01-05' },
    ];

    // Act
    const catalog = parseCatalog(json);

    // Assess
    expect(catalog).toEqual([
      {
        infoType: 'CURRENCY#USD',
        source: 'bcb-sgs',
        code: 1,
        calendar: 'BR-business',
        start: parseIsoDate('2015-01-02'),
        publicationLagDays: 0,
        bounds: { min: 0.5, max: 20 },
      },
      {
        infoType: 'CURRENCY#GBP',
        source: 'bcb-ptax',
        currency: 'GBP',
        side: 'buy',
        calendar: 'BR-business',
        start: parseIsoDate('2015-01-02'),
        publicationLagDays: 1,
      },
      {
        infoType: 'FUEL#DIESEL',
        source: 'simulated',
        calendar: 'weekly',
        start: parseIsoDate('2015-01-05'),
        publicationLagDays: 1,
      },
    ]);
  });

  it('defaults a PTAX quote to the selling side', () => {
    // Act
    const side = parseCatalog([ptaxEntry()])[0]?.side;

    // Assess
    expect(side).toBe('sell');
  });

  it.each([
    [
      'not an array',
      { info_type: 'CURRENCY#USD' },
      CatalogError,
      /catalog entry SERIES_CATALOG: expected a JSON array/,
    ],
    ['empty', [], CatalogError, /SERIES_CATALOG: is empty/],
    [
      'an entry that is not an object',
      [sgsEntry(), 'CURRENCY#EUR'],
      CatalogError,
      /entry #1: expected an object/,
    ],
    [
      'a missing info_type',
      [without(sgsEntry(), 'info_type')],
      CatalogError,
      /entry #0: info_type is required/,
    ],
    ['an ill-formed info_type', [sgsEntry({ info_type: 'USD' })], CatalogError, /entry #0: .*WORD#WORD/],
    ['a lower-case info_type', [sgsEntry({ info_type: 'currency#usd' })], CatalogError, /WORD#WORD/],
    [
      'a reserved info_type',
      [sgsEntry({ info_type: 'META#USD' })],
      CatalogError,
      /entry META#USD: .*reserved/,
    ],
    [
      "an info_type in the ledger's lease prefix",
      [sgsEntry({ info_type: 'LEASE#USD' })],
      CatalogError,
      /entry LEASE#USD: info_type prefix LEASE# is reserved/,
    ],
    [
      'an unknown source',
      [sgsEntry({ source: 'bcb' })],
      UnknownSourceError,
      /CURRENCY#USD: unknown source "bcb"/,
    ],
    ['an unknown calendar', [sgsEntry({ calendar: 'daily-ish' })], UnknownCalendarError, /unknown calendar/],
    ['an invalid start', [sgsEntry({ start: '2015-02-30' })], InvalidStartDateError, /"2015-02-30"/],
    ['a start that is not a string', [sgsEntry({ start: 20150102 })], InvalidStartDateError, /20150102/],
    ['bcb-sgs without a code', [without(sgsEntry(), 'code')], CatalogError, /bcb-sgs needs "code"/],
    ['bcb-sgs with code 0', [sgsEntry({ code: 0 })], CatalogError, /positive integer/],
    ['bcb-sgs with a string code', [sgsEntry({ code: '1' })], CatalogError, /got "1"/],
    [
      'bcb-ptax without a currency',
      [without(ptaxEntry(), 'currency')],
      CatalogError,
      /CURRENCY#GBP: .*3-letter/,
    ],
    ['bcb-ptax with a long currency', [ptaxEntry({ currency: 'POUND' })], CatalogError, /3-letter/],
    ['bcb-ptax with an unknown side', [ptaxEntry({ side: 'mid' })], CatalogError, /side must be/],
    ['bounds upside down', [sgsEntry({ bounds: { min: 5, max: 1 } })], CatalogError, /min < max/],
    ['bounds missing max', [sgsEntry({ bounds: { min: 5 } })], CatalogError, /bounds must be/],
    ['bounds as text', [sgsEntry({ bounds: { min: '0', max: '9' } })], CatalogError, /bounds must be/],
    ['a negative lag', [sgsEntry({ publication_lag_days: -1 })], CatalogError, /publication_lag_days/],
    ['a typo in a field', [sgsEntry({ calender: 'weekly' })], CatalogError, /unknown field "calender"/],
    [
      'a start before the calendar can answer for',
      [sgsEntry({ start: '1899-12-29' })],
      CatalogError,
      /CURRENCY#USD: start 1899-12-29 is outside the BR-business calendar's coverage \(1900-01-01 to 2199-12-31\)/,
    ],
    [
      'a start after the calendar can answer for',
      [sgsEntry({ start: '2200-01-02' })],
      CatalogError,
      /start 2200-01-02 is outside/,
    ],
    [
      'both bounds and a sign rule',
      [sgsEntry({ bounds: { min: -5, max: 5 }, sign: 'any' })],
      CatalogError,
      /CURRENCY#USD: give "bounds" or "sign", not both/,
    ],
    [
      'an unknown sign rule',
      [sgsEntry({ sign: 'negative' })],
      CatalogError,
      /sign must be one of positive, non-negative, any; got "negative"/,
    ],
    ['a field of another source', [sgsEntry({ currency: 'USD' })], CatalogError, /unknown field "currency"/],
  ])('refuses %s, naming the entry', (_case, json, errorClass, message) => {
    // Act
    const attempt = () => parseCatalog(json);

    // Assess
    expect(attempt).toThrow(errorClass);
    expect(attempt).toThrow(message);
  });

  it('takes a sign rule, and a start before 1900 on a calendar without holidays', () => {
    // Act
    const [ipca, early] = parseCatalog([
      sgsEntry({
        info_type: 'INFLATION#IPCA',
        code: 433,
        calendar: 'monthly',
        start: '1980-01-01',
        sign: 'any',
      }),
      sgsEntry({ info_type: 'OLD#DAILY', calendar: 'daily', start: '1850-01-01' }),
    ]);

    // Assess
    expect(ipca).toMatchObject({ infoType: 'INFLATION#IPCA', sign: 'any', calendar: 'monthly' });
    expect(ipca).not.toHaveProperty('bounds');
    expect(early?.start).toBe(parseIsoDate('1850-01-01'));
  });

  it('refuses a series listed twice, naming both entries', () => {
    // Act
    const attempt = () => parseCatalog([sgsEntry(), ptaxEntry(), sgsEntry({ code: 10813 })]);

    // Assess
    expect(attempt).toThrow(DuplicateSeriesError);
    expect(attempt).toThrow(/CURRENCY#USD: .*#0 and #2/);
  });

  it('carries the entry name on the error', () => {
    // Act
    let caught: unknown;
    try {
      parseCatalog([sgsEntry(), ptaxEntry({ calendar: 'lunar' })]);
    } catch (error) {
      caught = error;
    }

    // Assess
    expect(caught).toBeInstanceOf(UnknownCalendarError);
    expect((caught as CatalogError).entry).toBe('CURRENCY#GBP');
  });
});

describe('parseCatalogText', () => {
  it('parses the text form', () => {
    // Act
    const catalog = parseCatalogText(
      JSON.stringify([ptaxEntry({ info_type: 'CURRENCY#CHF', currency: 'CHF' })]),
      'a.json',
    );

    // Assess
    expect(catalog.map((series) => series.infoType)).toEqual(['CURRENCY#CHF']);
  });

  it('says where the text that is not valid JSON came from', () => {
    // Act
    const attempt = () => parseCatalogText('[{"info_type":', 'SERIES_CATALOG');

    // Assess
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/^SERIES_CATALOG is not valid JSON/);
  });

  it('lets a bad entry name itself', () => {
    // Act
    const attempt = () => parseCatalogText(JSON.stringify([sgsEntry({ source: 'x' })]), 'SERIES_CATALOG');

    // Assess
    expect(attempt).toThrow(UnknownSourceError);
  });
});

describe('refuseSimulatedSeries', () => {
  const catalog = parseCatalog([
    sgsEntry(),
    { info_type: 'FUEL#DIESEL', source: 'simulated', calendar: 'weekly', start: '2015-01-05' },
  ]);

  it('refuses a simulated series when sources are live, naming it', () => {
    // Act
    const attempt = () => refuseSimulatedSeries(catalog, 'live');

    // Assess
    expect(attempt).toThrow(CatalogError);
    expect(attempt).toThrow(
      /^catalog entry FUEL#DIESEL: source "simulated" is served only with SOURCE_MODE=simulated/,
    );
  });

  it('lets every series through when everything is simulated, and a real catalog through when live', () => {
    // Act
    const simulated = () => refuseSimulatedSeries(catalog, 'simulated');
    const live = () => refuseSimulatedSeries(catalog.slice(0, 1), 'live');

    // Assess
    expect(simulated).not.toThrow();
    expect(live).not.toThrow();
  });
});

describe('catalogIndex', () => {
  it('finds a series by its info_type', () => {
    // Act
    const catalog = parseCatalog([
      sgsEntry(),
      sgsEntry({ info_type: 'CURRENCY#EUR', code: 21619 }),
      ptaxEntry(),
    ]);
    const index = catalogIndex(catalog);

    // Assess
    expect(index.get('CURRENCY#EUR')?.code).toBe(21619);
    expect(index.get('CURRENCY#JPY')).toBeUndefined();
    expect(index.size).toBe(3);
  });
});
