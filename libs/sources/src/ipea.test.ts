import { readFileSync } from 'node:fs';
import { fc, test } from '@fast-check/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import {
  startFixtureServer,
  type FixtureServer,
  type ScriptedAnswer,
} from '../tests/fixtures/bcb/fixtureServer.js';
import {
  CalendarId,
  dayFromCivil,
  formatIsoDate,
  parseIsoDate,
  SourceId,
  type SeriesDefinition,
  type SeriesSource,
} from '@gapless/pipeline-core';
import { sourceFailure } from '../tests/sourceFailure.js';
import { createIpeaSource, ipeaUrl, parseIpeaDate } from './ipea.js';

const iso = parseIsoDate;
const prefix = '/api/odata4';

/** A body of the shape ipeadata answers `ValoresSerie` with (IPCA's monthly change, % a month). */
function ipeaBody(name: string): string {
  return readFileSync(new URL(`../tests/fixtures/ipea/${name}`, import.meta.url), 'utf8');
}

function ipcaSeries(overrides: Partial<SeriesDefinition> = {}): SeriesDefinition {
  return {
    infoType: 'INFLATION#IPCA',
    source: SourceId.Ipea,
    code: 'PRECOS12_IPCAG12',
    calendar: CalendarId.Monthly,
    start: iso('1980-01-01'),
    publicationLagDays: 45,
    sign: 'any',
    ...overrides,
  };
}

/** The request target the adapter must send for `[from, to]`, as the server receives it. */
function target(code: string, from: string, to: string): string {
  const after = formatIsoDate(iso(from) - 1);
  const before = formatIsoDate(iso(to) + 2);
  return (
    `${prefix}/ValoresSerie(SERCODIGO='${code}')` +
    `?$filter=VALDATA%20ge%20${after}T00:00:00Z%20and%20VALDATA%20lt%20${before}T00:00:00Z`
  );
}

/** [2024-01-01, 2024-03-31] with its day of margin at each end, written out. */
const firstQuarter =
  "/api/odata4/ValoresSerie(SERCODIGO='PRECOS12_IPCAG12')" +
  '?$filter=VALDATA%20ge%202023-12-31T00:00:00Z%20and%20VALDATA%20lt%202024-04-02T00:00:00Z';

let server: FixtureServer | undefined;

async function sourceServing(script: ScriptedAnswer[]): Promise<SeriesSource> {
  server = await startFixtureServer(prefix, script);
  return createIpeaSource({ baseUrl: server.baseUrl, sleep: async () => {}, maxAttempts: 3 });
}

function requests(): string[] {
  return server?.requests ?? [];
}

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('createIpeaSource against recorded answer shapes', () => {
  it('asks once for the range and reads each month on its first day', async () => {
    // Prepare
    const source = await sourceServing([{ status: 200, body: ipeaBody('ipea-monthly.json') }]);

    // Act
    const observations = await source.fetchRange(ipcaSeries(), iso('2024-01-01'), iso('2024-03-31'));

    // Assess
    expect(requests()).toEqual([firstQuarter]);
    expect(observations).toEqual([
      { day: iso('2024-01-01'), value: 0.42 },
      { day: iso('2024-02-01'), value: 0.83 },
      { day: iso('2024-03-01'), value: 0.16 },
    ]);
  });

  it('reads an empty "value" array as no data', async () => {
    // Prepare
    const source = await sourceServing([{ status: 200, body: ipeaBody('ipea-empty.json') }]);

    // Act
    const observations = await source.fetchRange(ipcaSeries(), iso('2024-01-01'), iso('2024-03-31'));

    // Assess
    expect(observations).toEqual([]);
    expect(requests()).toHaveLength(1);
  });

  it('reads a null VALVALOR as a null observation, never as 0', async () => {
    // Prepare
    const source = await sourceServing([{ status: 200, body: ipeaBody('ipea-null-value.json') }]);

    // Act
    const observations = await source.fetchRange(ipcaSeries(), iso('2024-01-01'), iso('2024-03-31'));

    // Assess
    expect(observations).toEqual([
      { day: iso('2024-01-01'), value: 0.42 },
      { day: iso('2024-02-01'), value: null },
      { day: iso('2024-03-01'), value: 0.16 },
    ]);
  });

  it('drops rows outside the range (the filter margin, or a server that ignores the filter)', async () => {
    // Prepare
    const source = await sourceServing([{ status: 200, body: ipeaBody('ipea-outside-range.json') }]);

    // Act
    const observations = await source.fetchRange(ipcaSeries(), iso('2024-01-01'), iso('2024-03-31'));

    // Assess
    expect(observations.map((o) => formatIsoDate(o.day))).toEqual(['2024-01-01', '2024-02-01', '2024-03-01']);
  });

  it('takes the civil date of rows stamped in daylight-saving time (-02:00)', async () => {
    // Prepare
    const source = await sourceServing([{ status: 200, body: ipeaBody('ipea-daylight-saving.json') }]);

    // Act
    const observations = await source.fetchRange(ipcaSeries(), iso('2003-01-01'), iso('2003-03-01'));

    // Assess
    expect(requests()).toEqual([target('PRECOS12_IPCAG12', '2003-01-01', '2003-03-01')]);
    expect(observations).toEqual([
      { day: iso('2003-01-01'), value: 2.25 },
      { day: iso('2003-02-01'), value: 1.57 },
      { day: iso('2003-03-01'), value: 1.23 },
    ]);
  });

  it.each([
    ['truncated JSON', { body: '{"value":[{"VALDATA":"2024-01-01T00:00:00-03:00","VALVA' }, /not JSON: /],
    [
      'an HTML page',
      { body: ipeaBody('ipea-500.html'), contentType: 'text/html' },
      /not JSON: 500 - Internal server error\./,
    ],
    ['a bare array', { body: '[]' }, /expected an object with a "value" array/],
    [
      'a date without a time',
      { body: '{"value":[{"VALDATA":"2024-01-01","VALVALOR":1}]}' },
      /value\[0\]\.VALDATA "2024-01-01" is not a date-time/,
    ],
    [
      'a day that does not exist',
      { body: '{"value":[{"VALDATA":"2024-02-30T00:00:00-03:00","VALVALOR":1}]}' },
      /value\[0\]\.VALDATA "2024-02-30T00:00:00-03:00"/,
    ],
    [
      'a value as text',
      { body: '{"value":[{"VALDATA":"2024-01-01T00:00:00-03:00","VALVALOR":"0,42"}]}' },
      /value\[0\]\.VALVALOR "0,42" is not a number or null/,
    ],
    [
      'a missing value',
      { body: '{"value":[{"VALDATA":"2024-01-01T00:00:00-03:00"}]}' },
      /value\[0\]\.VALVALOR undefined is not a number or null/,
    ],
    [
      'two different values for one date',
      {
        body:
          '{"value":[{"VALDATA":"2024-01-01T00:00:00-03:00","VALVALOR":0.42},' +
          '{"VALDATA":"2024-01-01T00:00:00-02:00","VALVALOR":0.5}]}',
      },
      /value\[1\]: a second, different value for 2024-01-01/,
    ],
  ])('calls %s a malformed body, retryable, without retrying it', async (_what, answer, message) => {
    // Prepare
    const source = await sourceServing([{ status: 200, ...answer }]);

    // Act
    const error = await sourceFailure(source.fetchRange(ipcaSeries(), iso('2024-01-01'), iso('2024-03-31')));

    // Assess
    expect(error).toMatchObject({ retryable: true, source: 'ipea' });
    expect(error.message).toMatch(/^ipea: malformed body from GET http:\/\/127\.0\.0\.1:\d+\/api\/odata4\//);
    expect(error.message).toMatch(message);
    expect(requests()).toHaveLength(1);
  });

  it('fails permanently on a 404, naming the series code, without retrying', async () => {
    // Prepare
    const source = await sourceServing([
      { status: 404, body: '{"error":{"code":"","message":"Not Found"}}' },
    ]);

    // Act
    const error = await sourceFailure(
      source.fetchRange(ipcaSeries({ code: 'NOPE12_NOPE12' }), iso('2024-01-01'), iso('2024-03-31')),
    );

    // Assess
    expect(requests()).toEqual([target('NOPE12_NOPE12', '2024-01-01', '2024-03-31')]);
    expect(error).toMatchObject({ retryable: false, status: 404, source: 'ipea' });
    expect(error.message).toMatch(
      /^ipea: ipeadata refused series NOPE12_NOPE12: GET .*: HTTP 404: Not Found$/,
    );
  });

  it('retries a 500 HTML page within the invocation and then reads the data', async () => {
    // Prepare
    const source = await sourceServing([
      { status: 500, body: ipeaBody('ipea-500.html'), contentType: 'text/html' },
      { status: 200, body: ipeaBody('ipea-monthly.json') },
    ]);

    // Act
    const observations = await source.fetchRange(ipcaSeries(), iso('2024-01-01'), iso('2024-03-31'));

    // Assess
    expect(requests()).toEqual([firstQuarter, firstQuarter]);
    expect(observations).toHaveLength(3);
  });

  it('gives up with a retryable error when 429 and 503 outlast the attempts', async () => {
    // Prepare
    const source = await sourceServing([
      { status: 429, body: '' },
      { status: 503, body: '' },
      { status: 503, body: '' },
    ]);

    // Act
    const error = await sourceFailure(source.fetchRange(ipcaSeries(), iso('2024-01-01'), iso('2024-03-31')));

    // Assess
    expect(requests()).toHaveLength(3);
    expect(error).toMatchObject({ retryable: true, status: 503, source: 'ipea' });
    expect(error.message).toMatch(/gave up after 3 attempts/);
  });

  it('makes no request once the deadline has passed, and says so retryably', async () => {
    // Prepare
    const source = await sourceServing([{ status: 200, body: ipeaBody('ipea-monthly.json') }]);

    // Act
    const error = await sourceFailure(
      source.fetchRange(ipcaSeries(), iso('2024-01-01'), iso('2024-03-31'), { deadline: Date.now() - 1 }),
    );

    // Assess
    expect(requests()).toEqual([]);
    expect(error).toMatchObject({ retryable: true, source: 'ipea' });
    expect(error.message).toMatch(/deadline passed before request 1/);
  });

  it.each([[undefined], [42], ['precos12_ipcag12'], ["X')?$top=1&('"]])(
    'refuses the code %j without asking',
    async (code) => {
      // Prepare
      const source = await sourceServing([]);

      // Act
      const error = await sourceFailure(
        source.fetchRange(ipcaSeries({ code }), iso('2024-01-01'), iso('2024-03-31')),
      );

      // Assess
      expect(error.retryable).toBe(false);
      expect(error.message).toMatch(/INFLATION#IPCA has no valid ipeadata series code/);
      expect(requests()).toEqual([]);
    },
  );

  it('does not call ipeadata for an empty range', async () => {
    // Prepare
    const source = await sourceServing([]);

    // Act
    const observations = await source.fetchRange(ipcaSeries(), iso('2024-03-31'), iso('2024-01-01'));

    // Assess
    expect(observations).toEqual([]);
    expect(requests()).toEqual([]);
  });
});

describe('ipeadata URLs, dates and windows', () => {
  it('builds a URL that fetch sends unchanged', () => {
    // Act
    const url = ipeaUrl('http://h/api/odata4', 'ANP_PROLDIE', iso('2024-03-01'), iso('2024-02-29'));

    // Assess
    expect(new URL(url).href).toBe(url);
  });

  test.prop([
    fc.integer({ min: dayFromCivil(1900, 1, 1), max: dayFromCivil(2200, 12, 31) }),
    fc.integer({ min: -12, max: 14 }),
  ])('reads the date part of a VALDATA whatever its offset', (day, offsetHours) => {
    // Prepare
    const sign = offsetHours < 0 ? '-' : '+';
    const stamp = `${formatIsoDate(day)}T00:00:00${sign}${String(Math.abs(offsetHours)).padStart(2, '0')}:00`;

    // Act
    const parsed = parseIpeaDate(stamp);

    // Assess
    expect(parsed).toBe(day);
  });

  it.each(['2024-01-01', '2024-1-01T00:00:00-03:00', '2024-13-01T00:00:00-03:00', ' 2024-01-01T00:00:00Z'])(
    'refuses the VALDATA %j',
    (text) => {
      // Act
      const parsed = parseIpeaDate(text);

      // Assess
      expect(parsed).toBeUndefined();
    },
  );

  it('has no window limit', () => {
    // Prepare
    const source = createIpeaSource({ baseUrl: 'http://h' });

    // Act
    const window = source.maxWindowDays(ipcaSeries());

    // Assess
    expect(window).toBe(Infinity);
  });
});
