import { calendarFor, CalendarId, dayFromCivil, formatIsoDate, type Day } from '@gapless/pipeline-core';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the server answered, for asserting how the adapters paged and windowed. */
export interface BcbRequest {
  readonly api: 'sgs' | 'ptax';
  readonly url: string;
}

/** How the server serves one SGS series other than a daily one on Brazilian business days. */
export interface SgsSeriesShape {
  readonly calendar: CalendarId;
  /** Values by ISO date, served as SGS writes them (`"valor":"-0.68"`); other dates get the default. */
  readonly values?: ReadonlyMap<string, number>;
}

export interface BcbTestServerOptions {
  /** SGS series by code that follow another calendar or carry given values (default: business days). */
  readonly sgsSeries?: ReadonlyMap<number, SgsSeriesShape>;
}

export interface BcbTestServer {
  readonly sgsBaseUrl: string;
  readonly ptaxBaseUrl: string;
  readonly requests: BcbRequest[];
  /**
   * Dates SGS leaves out of its answers while serving the others, as `<code> <ISO date>` (an unscheduled
   * closure); the test may change it between runs (delete a key: the date is published late).
   */
  readonly sgsOmitted: Set<string>;
  /** The value SGS serves for a series code on a day (a Brazilian business day). */
  sgsValue(code: number, day: Day): number;
  /** The closing ("Fechamento") sell quote PTAX serves for a currency on a day. */
  ptaxClose(currency: string, day: Day): number;
  stop(): Promise<void>;
}

const businessDays = calendarFor(CalendarId.BrazilBusiness);
/** PTAX publishes an opening, three intermediate and the closing bulletin on each business day. */
const bulletins = [
  ['10:04:31.201', 'Abertura'],
  ['11:05:12.480', 'Intermediário'],
  ['12:03:55.019', 'Intermediário'],
  ['13:06:40.733', 'Fechamento'],
  ['13:02:10.107', 'Intermediário'],
] as const;

/**
 * A loopback server that answers like the two BCB APIs the pipeline reads: SGS (`/dados/serie/bcdata.sgs.N/
 * dados`, rows `{"data":"dd/MM/yyyy","valor":"5.1234"}`, 404 "Value(s) not found" for an empty window) and
 * PTAX's OData `CotacaoMoedaPeriodo` (several bulletins a day, `$top`/`$skip` paging, rows in time order).
 */
export async function startBcbTestServer(options: BcbTestServerOptions = {}): Promise<BcbTestServer> {
  const requests: BcbRequest[] = [];
  const sgsOmitted = new Set<string>();
  const sgsSeries = options.sgsSeries ?? new Map<number, SgsSeriesShape>();
  const sgsValue = (code: number, day: Day) =>
    sgsSeries.get(code)?.values?.get(formatIsoDate(day)) ?? round4(4 + ((code * 31 + day * 7) % 1000) / 997);
  const sgsDates = (code: number, from: Day, to: Day) =>
    Array.from(
      calendarFor(sgsSeries.get(code)?.calendar ?? CalendarId.BrazilBusiness).datesBetween(from, to),
    ).filter((day) => !sgsOmitted.has(`${code} ${formatIsoDate(day)}`));
  const ptaxQuote = (currency: string, day: Day, slot: number) =>
    round4(6 + ((currency.charCodeAt(0) * 13 + day * 11 + slot * 5) % 900) / 1_003);
  const server = createServer((req, res) => {
    try {
      answer(req, res);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    }
  });
  const answer = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/dados/serie/')) {
      requests.push({ api: 'sgs', url: url.pathname + url.search });
      answerSgs(url, res, sgsValue, sgsDates);
    } else if (url.pathname.startsWith('/odata/CotacaoMoedaPeriodo')) {
      requests.push({ api: 'ptax', url: url.pathname + url.search });
      answerPtax(url, res, ptaxQuote);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such path');
    }
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    sgsBaseUrl: `http://127.0.0.1:${port}/dados/serie`,
    ptaxBaseUrl: `http://127.0.0.1:${port}/odata`,
    requests,
    sgsOmitted,
    sgsValue,
    ptaxClose: (currency, day) => ptaxQuote(currency, day, 3),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function answerSgs(
  url: URL,
  res: ServerResponse,
  value: (code: number, day: Day) => number,
  dates: (code: number, from: Day, to: Day) => Day[],
): void {
  const code = Number(/bcdata\.sgs\.(\d+)\/dados$/.exec(url.pathname)?.[1]);
  const from = parseDayMonthYear(url.searchParams.get('dataInicial'));
  const to = parseDayMonthYear(url.searchParams.get('dataFinal'));
  // SGS writes values as decimal strings, as many digits as the series has ("-0.68", "5.1234").
  const rows = dates(code, from, to).map((day) => ({
    data: formatDayMonthYear(day),
    valor: String(value(code, day)),
  }));
  if (rows.length === 0) {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'Value(s) not found', tag: 'Not Found' }));
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(rows));
}

function answerPtax(
  url: URL,
  res: ServerResponse,
  quote: (currency: string, day: Day, slot: number) => number,
): void {
  const unquote = (name: string) => (url.searchParams.get(name) ?? '').replace(/^'|'$/g, '');
  const currency = unquote('@moeda');
  const from = parseMonthDayYear(unquote('@dataInicial'));
  const to = parseMonthDayYear(unquote('@dataFinalCotacao'));
  const top = Number(url.searchParams.get('$top') ?? 100);
  const skip = Number(url.searchParams.get('$skip') ?? 0);
  const rows = Array.from(businessDays.datesBetween(from, to)).flatMap((day) =>
    bulletins
      .map(([time, type], slot) => ({
        cotacaoCompra: round4(quote(currency, day, slot) - 0.0006),
        cotacaoVenda: quote(currency, day, slot),
        dataHoraCotacao: `${formatIsoDate(day)} ${time}`,
        tipoBoletim: type,
      }))
      .sort((a, b) => a.dataHoraCotacao.localeCompare(b.dataHoraCotacao)),
  );
  const page = rows.slice(skip, skip + top);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ '@odata.context': 'local#_CotacaoMoedaPeriodo', value: page }));
}

function parseDayMonthYear(text: string | null): Day {
  const [day, month, year] = (text ?? '').split('/').map(Number);
  return dayFromCivil(year as number, month as number, day as number);
}

function parseMonthDayYear(text: string): Day {
  const [month, day, year] = text.split('-').map(Number);
  return dayFromCivil(year as number, month as number, day as number);
}

function formatDayMonthYear(day: Day): string {
  const [year, month, dom] = formatIsoDate(day).split('-');
  return `${dom}/${month}/${year}`;
}

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
