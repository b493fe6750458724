import { afterEach, describe, expect, it } from 'vitest';
import {
  startFixtureServer,
  type FixtureServer,
  type ScriptedAnswer,
} from '../tests/fixtures/bcb/fixtureServer.js';
import { CalendarId, parseIsoDate, type SeriesDefinition, type SeriesSource } from '@gapless/pipeline-core';
import { sourceFailure } from '../tests/sourceFailure.js';
import { createBcbPtaxSource, isClosingBulletin, ptaxUrl } from './bcbPtax.js';

const iso = parseIsoDate;
const prefix = '/olinda/servico/PTAX/versao/v1/odata';

function eurSeries(overrides: Partial<SeriesDefinition> = {}): SeriesDefinition {
  return {
    infoType: 'CURRENCY#EUR',
    source: 'bcb-ptax',
    currency: 'EUR',
    calendar: CalendarId.BrazilBusiness,
    start: iso('2015-01-02'),
    publicationLagDays: 1,
    ...overrides,
  };
}

/** The request target the adapter must send, as the server receives it. */
function target(currency: string, from: string, to: string, top: number, skip: number): string {
  return (
    `${prefix}/CotacaoMoedaPeriodo(moeda=@moeda,dataInicial=@dataInicial,dataFinalCotacao=@dataFinalCotacao)` +
    `?@moeda=%27${currency}%27&@dataInicial=%27${from}%27&@dataFinalCotacao=%27${to}%27&$format=json&$top=${top}&$skip=${skip}`
  );
}

let server: FixtureServer | undefined;

async function sourceServing(script: ScriptedAnswer[], pageSize?: number): Promise<SeriesSource> {
  server = await startFixtureServer(prefix, script);
  return createBcbPtaxSource({
    baseUrl: server.baseUrl,
    sleep: async () => {},
    maxAttempts: 2,
    ...(pageSize === undefined ? {} : { pageSize }),
  });
}

function requests(): string[] {
  return server?.requests ?? [];
}

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('createBcbPtaxSource against recorded answers', () => {
  it('keeps the closing PTAX bulletin of each day, never the interbank one, and its sell quote', async () => {
    // Prepare
    const source = await sourceServing([{ status: 200, fixture: 'ptax-bulletins.json' }]);

    // Act
    const observations = await source.fetchRange(eurSeries(), iso('2023-01-02'), iso('2023-01-04'));

    // Assess
    expect(requests()).toEqual([target('EUR', '01-02-2023', '01-04-2023', 1000, 0)]);
    expect(observations).toEqual([
      { day: iso('2023-01-02'), value: 5.6432 },
      { day: iso('2023-01-03'), value: 5.6845 },
    ]);
  });

  it('gives the buy quote when the series asks for it', async () => {
    // Prepare
    const source = await sourceServing([{ status: 200, fixture: 'ptax-bulletins.json' }]);

    // Act
    const observations = await source.fetchRange(
      eurSeries({ side: 'buy' }),
      iso('2023-01-02'),
      iso('2023-01-03'),
    );

    // Assess
    expect(observations.map((o) => o.value)).toEqual([5.6414, 5.6828]);
  });

  it('pages with $skip until a page comes back short', async () => {
    // Prepare
    const source = await sourceServing(
      [
        { status: 200, fixture: 'ptax-page1.json' },
        { status: 200, fixture: 'ptax-page2.json' },
        { status: 200, fixture: 'ptax-page3.json' },
      ],
      3,
    );

    // Act
    const observations = await source.fetchRange(eurSeries(), iso('2023-01-09'), iso('2023-01-11'));

    // Assess
    expect(requests()).toEqual([
      target('EUR', '01-09-2023', '01-11-2023', 3, 0),
      target('EUR', '01-09-2023', '01-11-2023', 3, 3),
      target('EUR', '01-09-2023', '01-11-2023', 3, 6),
    ]);
    expect(observations).toEqual([
      { day: iso('2023-01-09'), value: 5.7627 },
      { day: iso('2023-01-10'), value: 5.6818 },
      { day: iso('2023-01-11'), value: 5.6065 },
    ]);
  });

  it('asks once more after an exactly full last page, and the empty page ends it', async () => {
    // Prepare
    const source = await sourceServing(
      [
        { status: 200, fixture: 'ptax-page1.json' },
        { status: 200, fixture: 'ptax-weekend.json' },
      ],
      3,
    );

    // Act
    const observations = await source.fetchRange(eurSeries(), iso('2023-01-09'), iso('2023-01-10'));

    // Assess
    expect(requests()).toHaveLength(2);
    expect(observations).toEqual([{ day: iso('2023-01-09'), value: 5.7627 }]);
  });

  it('reads a weekend as no data', async () => {
    // Prepare
    const source = await sourceServing([{ status: 200, fixture: 'ptax-weekend.json' }]);

    // Act
    const observations = await source.fetchRange(
      eurSeries({ currency: 'USD' }),
      iso('2023-01-07'),
      iso('2023-01-08'),
    );

    // Assess
    expect(observations).toEqual([]);
    expect(requests()).toEqual([target('USD', '01-07-2023', '01-08-2023', 1000, 0)]);
  });

  it('drops closing bulletins outside the window', async () => {
    // Prepare
    const source = await sourceServing([{ status: 200, fixture: 'ptax-bulletins.json' }]);

    // Act
    const observations = await source.fetchRange(eurSeries(), iso('2023-01-03'), iso('2023-01-03'));

    // Assess
    expect(observations).toEqual([{ day: iso('2023-01-03'), value: 5.6845 }]);
  });

  it('fails permanently on an OData error, quoting it', async () => {
    // Prepare
    const source = await sourceServing([{ status: 400, fixture: 'ptax-odata-error-400.json' }]);

    // Act
    const error = await sourceFailure(source.fetchRange(eurSeries(), iso('2023-01-02'), iso('2023-01-04')));

    // Assess
    expect(error).toMatchObject({ retryable: false, status: 400, source: 'bcb-ptax' });
    expect(error.message).toMatch(/HTTP 400: O parâmetro @moeda é inválido/);
  });

  it('retries a 503 and gives up retryable when it persists', async () => {
    // Prepare
    const source = await sourceServing([
      { status: 503, body: '<html><title>Service Unavailable</title></html>' },
      { status: 504, fixture: 'sgs-504.html' },
    ]);

    // Act
    const error = await sourceFailure(source.fetchRange(eurSeries(), iso('2023-01-02'), iso('2023-01-04')));

    // Assess
    expect(requests()).toHaveLength(2);
    expect(error).toMatchObject({ retryable: true, status: 504 });
  });

  it.each([
    [{ status: 200, fixture: 'sgs-xml.xml' }, /not JSON: XML document/],
    [{ status: 200, fixture: 'sgs-data.json' }, /expected an object with a "value" array/],
    [
      { status: 200, fixture: 'ptax-bad-row.json' },
      /value\[1\]\.cotacaoCompra "5,3" is not a positive number/,
    ],
    [
      { status: 200, body: '{"value":[{"dataHoraCotacao":"02/01/2023"}]}' },
      /value\[0\]\.dataHoraCotacao "02\/01\/2023"/,
    ],
  ])('calls a malformed body retryable and says where (%#)', async (answer, message) => {
    // Prepare
    const source = await sourceServing([answer]);

    // Act
    const error = await sourceFailure(source.fetchRange(eurSeries(), iso('2023-01-02'), iso('2023-01-04')));

    // Assess
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/^bcb-ptax: malformed body from GET /);
    expect(error.message).toMatch(message);
  });

  it('refuses a series without a currency code, without asking', async () => {
    // Prepare
    const source = await sourceServing([]);

    // Act
    const error = await sourceFailure(
      source.fetchRange(eurSeries({ currency: 'eur' }), iso('2023-01-02'), iso('2023-01-04')),
    );

    // Assess
    expect(error.retryable).toBe(false);
    expect(requests()).toEqual([]);
  });

  it('stops a server that ignores $skip', async () => {
    // Prepare
    server = await startFixtureServer(
      prefix,
      Array.from({ length: 5 }, () => ({ status: 200, fixture: 'ptax-page1.json' })),
    );
    const source = createBcbPtaxSource({ baseUrl: server.baseUrl, pageSize: 3, maxPages: 4 });

    // Act
    const error = await sourceFailure(source.fetchRange(eurSeries(), iso('2023-01-09'), iso('2023-01-10')));

    // Assess
    expect(error.message).toMatch(/more than 4 pages of 3/);
    expect(requests()).toHaveLength(4);
  });
});

describe('PTAX helpers', () => {
  it.each([
    ['Fechamento', true],
    ['Fechamento PTAX', true],
    ['Fechamento Interbancário', false],
    ['FECHAMENTO INTERBANCARIO', false],
    ['Abertura', false],
    ['Intermediário', false],
  ])('%j is the closing bulletin: %s', (type, closing) => {
    // Act
    const result = isClosingBulletin(type);

    // Assess
    expect(result).toBe(closing);
  });

  it('builds a URL that fetch sends unchanged', () => {
    // Act
    const url = ptaxUrl('http://h/odata', 'GBP', iso('2024-02-29'), iso('2024-03-01'), 100, 200);

    // Assess
    expect(new URL(url).href).toBe(url);
    expect(url).toContain(
      '@dataInicial=%2702-29-2024%27&@dataFinalCotacao=%2703-01-2024%27&$format=json&$top=100&$skip=200',
    );
  });

  it('has no window limit', () => {
    // Prepare
    const source = createBcbPtaxSource({ baseUrl: 'http://h' });

    // Act
    const maxWindowDays = source.maxWindowDays(eurSeries());

    // Assess
    expect(maxWindowDays).toBe(Infinity);
  });
});
