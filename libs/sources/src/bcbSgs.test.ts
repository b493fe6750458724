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
  parseIsoDate,
  sgsDailyWindowDays,
  type SeriesDefinition,
  type SeriesSource,
} from '@gapless/pipeline-core';
import { sourceFailure } from '../tests/sourceFailure.js';
import { createBcbSgsSource, parseSgsDate, sgsUrl } from './bcbSgs.js';

const iso = parseIsoDate;

function usdSeries(overrides: Partial<SeriesDefinition> = {}): SeriesDefinition {
  return {
    infoType: 'CURRENCY#USD',
    source: 'bcb-sgs',
    code: 1,
    calendar: CalendarId.BrazilBusiness,
    start: iso('2015-01-02'),
    publicationLagDays: 1,
    ...overrides,
  };
}

let server: FixtureServer | undefined;

async function sourceServing(
  script: ScriptedAnswer[],
): Promise<{ source: SeriesSource; server: FixtureServer }> {
  server = await startFixtureServer('/dados/serie', script);
  const source = createBcbSgsSource({ baseUrl: server.baseUrl, sleep: async () => {}, maxAttempts: 3 });
  return { source, server };
}

const januaryQuery =
  '/dados/serie/bcdata.sgs.1/dados?formato=json&dataInicial=02/01/2024&dataFinal=05/01/2024';

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('createBcbSgsSource against recorded answers', () => {
  it('asks for the exact window and reads the string values', async () => {
    // Prepare
    const { source, server } = await sourceServing([{ status: 200, fixture: 'sgs-data.json' }]);

    // Act
    const observations = await source.fetchRange(usdSeries(), iso('2024-01-02'), iso('2024-01-05'));

    // Assess
    expect(server.requests).toEqual([januaryQuery]);
    expect(observations).toEqual([
      { day: iso('2024-01-02'), value: 4.8916 },
      { day: iso('2024-01-03'), value: 4.9212 },
      { day: iso('2024-01-04'), value: 4.9183 },
      { day: iso('2024-01-05'), value: 4.8868 },
    ]);
  });

  it('drops rows outside the window and reads an empty or missing "valor" as null', async () => {
    // Prepare
    const { source } = await sourceServing([{ status: 200, fixture: 'sgs-outside-range.json' }]);

    // Act
    const observations = await source.fetchRange(usdSeries(), iso('2024-01-02'), iso('2024-01-05'));

    // Assess
    expect(observations).toEqual([
      { day: iso('2024-01-02'), value: 4.8916 },
      { day: iso('2024-01-03'), value: null },
      { day: iso('2024-01-04'), value: null },
      { day: iso('2024-01-05'), value: 4.8868 },
    ]);
  });

  it('reads the 404 "Value(s) not found" of an empty window as no data', async () => {
    // Prepare
    const { source, server } = await sourceServing([{ status: 404, fixture: 'sgs-empty-404.json' }]);

    // Act
    const observations = await source.fetchRange(usdSeries(), iso('2024-01-06'), iso('2024-01-07'));

    // Assess
    expect(observations).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('fails permanently on a 404 that is not an empty window', async () => {
    // Prepare
    const { source } = await sourceServing([{ status: 404, body: '<html><title>Not Found</title></html>' }]);

    // Act
    const error = await sourceFailure(source.fetchRange(usdSeries(), iso('2024-01-02'), iso('2024-01-05')));

    // Assess
    expect(error).toMatchObject({ retryable: false, status: 404 });
    expect(error.message).toMatch(/HTTP 404: Not Found/);
  });

  it('fails permanently, quoting BCB, when the window is refused', async () => {
    // Prepare
    const { source, server } = await sourceServing([{ status: 406, fixture: 'sgs-window-refused-406.json' }]);

    // Act
    const error = await sourceFailure(source.fetchRange(usdSeries(), iso('2024-01-02'), iso('2024-01-05')));

    // Assess
    expect(server.requests).toEqual([januaryQuery]);
    expect(error).toMatchObject({ retryable: false, status: 406 });
    expect(error.message).toMatch(/HTTP 406: O sistema aceita uma janela de consulta de, no máximo, 10 anos/);
  });

  it('refuses a window wider than SGS accepts without asking', async () => {
    // Prepare
    const { source, server } = await sourceServing([]);
    const from = iso('2010-01-01');

    // Act
    const error = await sourceFailure(source.fetchRange(usdSeries(), from, from + sgsDailyWindowDays + 1));

    // Assess
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/spans 3653 days, SGS accepts at most 3652/);
    expect(server.requests).toEqual([]);
  });

  it('asks for the widest window it announces, ten years to the day', async () => {
    // Prepare
    const { source, server } = await sourceServing([{ status: 404, fixture: 'sgs-empty-404.json' }]);
    const from = iso('2014-01-02');

    // Act
    await source.fetchRange(usdSeries(), from, from + source.maxWindowDays(usdSeries()));

    // Assess
    expect(server.requests).toEqual([
      '/dados/serie/bcdata.sgs.1/dados?formato=json&dataInicial=02/01/2014&dataFinal=02/01/2024',
    ]);
  });

  it('retries a 500 HTML page within the invocation and then reads the data', async () => {
    // Prepare
    const { source, server } = await sourceServing([
      { status: 500, fixture: 'sgs-500.html' },
      { status: 200, fixture: 'sgs-data.json' },
    ]);

    // Act
    const observations = await source.fetchRange(usdSeries(), iso('2024-01-02'), iso('2024-01-05'));

    // Assess
    expect(observations).toHaveLength(4);
    expect(server.requests).toEqual([januaryQuery, januaryQuery]);
  });

  it('gives up with a retryable error when 500 and 504 outlast the attempts', async () => {
    // Prepare
    const { source, server } = await sourceServing([
      { status: 500, fixture: 'sgs-500.html' },
      { status: 504, fixture: 'sgs-504.html' },
      { status: 504, fixture: 'sgs-504.html' },
    ]);

    // Act
    const error = await sourceFailure(source.fetchRange(usdSeries(), iso('2024-01-02'), iso('2024-01-05')));

    // Assess
    expect(server.requests).toHaveLength(3);
    expect(error).toMatchObject({ retryable: true, status: 504, source: 'bcb-sgs' });
    expect(error.message).toMatch(/HTTP 504: 504 Gateway Time-out .*gave up after 3 attempts/);
  });

  it.each([
    ['sgs-xml.xml', /expected a JSON array, got markup: XML document/],
    ['sgs-wrong-shape.json', /expected a JSON array of \{data, valor\}, got an object/],
    ['sgs-bad-row.json', /row 1: "data" "2024-01-03" is not a dd\/MM\/yyyy date/],
  ])('calls %s a malformed body, retryable, saying where', async (file, message) => {
    // Prepare
    const { source } = await sourceServing([{ status: 200, fixture: file }]);

    // Act
    const error = await sourceFailure(source.fetchRange(usdSeries(), iso('2024-01-02'), iso('2024-01-05')));

    // Assess
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(
      /^bcb-sgs: malformed body from GET http:\/\/127\.0\.0\.1:\d+\/dados\/serie\/bcdata/,
    );
    expect(error.message).toMatch(message);
  });

  it.each([
    ['"4,8916"', /row 0: "valor" "4,8916" is not a decimal number/],
    ['4.8916', /row 0: "valor" 4.8916 is not a decimal number/],
  ])('refuses a valor of %s', async (valor, message) => {
    // Prepare
    const { source } = await sourceServing([
      { status: 200, body: `[{"data":"02/01/2024","valor":${valor}}]` },
    ]);

    // Act
    const error = await sourceFailure(source.fetchRange(usdSeries(), iso('2024-01-02'), iso('2024-01-05')));

    // Assess
    expect(error.message).toMatch(message);
  });

  it('does not call SGS for an empty range', async () => {
    // Prepare
    const { source, server } = await sourceServing([]);

    // Act
    const observations = await source.fetchRange(usdSeries(), iso('2024-01-05'), iso('2024-01-02'));

    // Assess
    expect(observations).toEqual([]);
    expect(server.requests).toEqual([]);
  });
});

describe('SGS windows and dates', () => {
  const source = createBcbSgsSource({ baseUrl: 'http://127.0.0.1:1' });

  it('limits daily series to 3652 days and leaves weekly and monthly ones unlimited', () => {
    // Act
    const daily = source.maxWindowDays(usdSeries());
    const weekdays = source.maxWindowDays(usdSeries({ calendar: CalendarId.Weekdays }));
    const monthly = source.maxWindowDays(usdSeries({ calendar: CalendarId.Monthly }));

    // Assess
    expect(daily).toBe(3652);
    expect(weekdays).toBe(3652);
    expect(monthly).toBe(Infinity);
  });

  test.prop([fc.integer({ min: dayFromCivil(1900, 1, 1), max: dayFromCivil(2200, 12, 31) })])(
    'formats dd/MM/yyyy that parses back to the same day',
    (day) => {
      // Act
      const url = sgsUrl('http://b', 1, day, day);
      const formatted = /dataInicial=([^&]+)/.exec(url)?.[1] ?? '';
      const parsed = parseSgsDate(formatted);

      // Assess
      expect(parsed).toBe(day);
    },
  );

  it.each(['2/01/2024', '31/02/2024', '02/13/2024', '2024-01-02', '02/01/24', ' 02/01/2024'])(
    'refuses the date %j',
    (text) => {
      // Act
      const parsed = parseSgsDate(text);

      // Assess
      expect(parsed).toBeUndefined();
    },
  );
});
