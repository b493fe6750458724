import {
  type Day,
  SourceError,
  SourceId,
  type SeriesDefinition,
  type FetchOptions,
  type Observation,
  type SeriesSource,
  sourceWindowDays,
} from '@gapless/pipeline-core';
import { fetchWithRetry, summarizeBody, type HttpRetryOptions } from './http.js';
import { formatSourceDate, parsePtaxTimestamp, SourceDateFormat } from './sourceDates.js';

export interface BcbPtaxSourceOptions extends HttpRetryOptions {
  /** e.g. `https://olinda.bcb.gov.br/olinda/servico/PTAX/versao/v1/odata`, without a trailing slash. */
  readonly baseUrl: string;
  /** `$top` of each page; the service truncates silently at it, so a full page means "ask for more". */
  readonly pageSize?: number;
  /** Guard against a server that ignores `$skip` and keeps answering full pages. */
  readonly maxPages?: number;
}

/** One PTAX bulletin as the OData service answers it. */
interface Bulletin {
  readonly day: Day;
  readonly time: string;
  readonly buy: number;
  readonly sell: number;
  readonly type: string;
}

const CURRENCY = /^[A-Z]{3}$/;

/**
 * The PTAX exchange rates (BCB's Olinda OData service) as a {@link SeriesSource}. One logical request
 * pages with `$top`/`$skip`; of the several bulletins a day it keeps the closing one ("Fechamento...",
 * never "Fechamento Interbancário") and returns its sell quote, or its buy quote when `series.side` is `buy`.
 */
export function createBcbPtaxSource(options: BcbPtaxSourceOptions): SeriesSource {
  const { baseUrl, pageSize = 1000, maxPages = 1000, ...retry } = options;
  if (!Number.isSafeInteger(pageSize) || pageSize < 1)
    throw new RangeError(`pageSize must be a positive integer`);
  return {
    id: SourceId.BcbPtax,
    maxWindowDays: (series) => sourceWindowDays(SourceId.BcbPtax, series),
    async fetchRange(series: SeriesDefinition, from: Day, to: Day, fetchOptions?: FetchOptions) {
      if (from > to) return [];
      const currency = series.currency;
      if (currency === undefined || !CURRENCY.test(currency)) {
        throw new SourceError(SourceId.BcbPtax, `${series.infoType} has no valid currency (${currency})`, {
          retryable: false,
        });
      }
      const bulletins: Bulletin[] = [];
      for (let page = 0; ; page += 1) {
        if (page >= maxPages) {
          throw new SourceError(
            SourceId.BcbPtax,
            `more than ${maxPages} pages of ${pageSize} for ${series.infoType}`,
            {
              retryable: false,
            },
          );
        }
        const url = ptaxUrl(baseUrl, currency, from, to, pageSize, page * pageSize);
        const answer = await fetchWithRetry(url, {
          ...retry,
          source: SourceId.BcbPtax,
          ...(fetchOptions?.deadline === undefined ? {} : { deadline: fetchOptions.deadline }),
        });
        const rows = parsePtaxPage(url, answer.body);
        bulletins.push(...rows);
        if (rows.length < pageSize) break;
      }
      return closingQuotes(bulletins, from, to, series.side ?? 'sell');
    },
  };
}

/**
 * The `CotacaoMoedaPeriodo` URL. The quotes around the parameter values are written `%27`: WHATWG URLs
 * (so `fetch`) percent-encode `'` in a query anyway, and the OData service decodes it; `@`, `$`, `(`, `)`,
 * `,` and `-` are legal as they stand. The currency is checked to be three capital letters before it gets here.
 */
export function ptaxUrl(
  baseUrl: string,
  currency: string,
  from: Day,
  to: Day,
  top: number,
  skip: number,
): string {
  const quoted = (value: string) => `%27${value}%27`;
  return (
    `${baseUrl}/CotacaoMoedaPeriodo(moeda=@moeda,dataInicial=@dataInicial,dataFinalCotacao=@dataFinalCotacao)` +
    `?@moeda=${quoted(currency)}&@dataInicial=${quoted(ptaxDate(from))}&@dataFinalCotacao=${quoted(ptaxDate(to))}` +
    `&$format=json&$top=${top}&$skip=${skip}`
  );
}

function ptaxDate(day: Day): string {
  return formatSourceDate(day, SourceDateFormat.Ptax);
}

function parsePtaxPage(url: string, body: string): Bulletin[] {
  const malformed = (what: string) =>
    new SourceError(SourceId.BcbPtax, `malformed body from GET ${url}: ${what}`, { retryable: true });
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw malformed(`not JSON: ${summarizeBody(body)}`);
  }
  const value =
    typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)['value'] : undefined;
  if (!Array.isArray(value)) throw malformed('expected an object with a "value" array');
  return value.map((row: unknown, index) => parseBulletin(row, index, malformed));
}

function parseBulletin(row: unknown, index: number, malformed: (what: string) => SourceError): Bulletin {
  if (typeof row !== 'object' || row === null || Array.isArray(row))
    throw malformed(`value[${index}] is not an object`);
  const { cotacaoCompra, cotacaoVenda, dataHoraCotacao, tipoBoletim } = row as Record<string, unknown>;
  const day = typeof dataHoraCotacao === 'string' ? parsePtaxTimestamp(dataHoraCotacao) : undefined;
  if (day === undefined) {
    throw malformed(
      `value[${index}].dataHoraCotacao ${JSON.stringify(dataHoraCotacao)} is not "YYYY-MM-DD hh:mm:ss"`,
    );
  }
  for (const [name, quote] of [
    ['cotacaoCompra', cotacaoCompra],
    ['cotacaoVenda', cotacaoVenda],
  ] as const) {
    if (typeof quote !== 'number' || !Number.isFinite(quote) || quote <= 0) {
      throw malformed(`value[${index}].${name} ${JSON.stringify(quote)} is not a positive number`);
    }
  }
  if (typeof tipoBoletim !== 'string') throw malformed(`value[${index}].tipoBoletim is not a string`);
  return {
    day,
    time: dataHoraCotacao as string,
    buy: cotacaoCompra as number,
    sell: cotacaoVenda as number,
    type: tipoBoletim,
  };
}

/** Whether a bulletin is the day's PTAX close: "Fechamento" or "Fechamento PTAX", not the interbank close. */
export function isClosingBulletin(type: string): boolean {
  const plain = type
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .trim()
    .toLowerCase();
  return plain.startsWith('fechamento') && !plain.startsWith('fechamento interbancario');
}

/** One observation per day that has a closing bulletin in `[from, to]`; the latest wins if there are two. */
function closingQuotes(
  bulletins: readonly Bulletin[],
  from: Day,
  to: Day,
  side: 'buy' | 'sell',
): Observation[] {
  const closing = new Map<Day, Bulletin>();
  for (const bulletin of bulletins) {
    if (bulletin.day < from || bulletin.day > to || !isClosingBulletin(bulletin.type)) continue;
    const seen = closing.get(bulletin.day);
    if (seen === undefined || seen.time < bulletin.time) closing.set(bulletin.day, bulletin);
  }
  return [...closing.values()]
    .sort((a, b) => a.day - b.day)
    .map((bulletin) => ({ day: bulletin.day, value: side === 'buy' ? bulletin.buy : bulletin.sell }));
}
