import {
  formatIsoDate,
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
import { formatSourceDate, parseSourceDate, SourceDateFormat } from './sourceDates.js';

export interface BcbSgsSourceOptions extends HttpRetryOptions {
  /** e.g. `https://api.bcb.gov.br/dados/serie`, without a trailing slash. */
  readonly baseUrl: string;
}

const SGS_VALUE = /^-?\d+(?:\.\d+)?$/;

/**
 * The Banco Central do Brasil SGS time-series API as a {@link SeriesSource}: one GET per range, an empty
 * window (404 "Value(s) not found") is no data, rows outside the range are dropped, and a body that is not
 * the expected JSON array is a retryable {@link SourceError} (BCB serves XML or HTML now and then).
 */
export function createBcbSgsSource(options: BcbSgsSourceOptions): SeriesSource {
  return {
    id: SourceId.BcbSgs,
    maxWindowDays: (series) => sourceWindowDays(SourceId.BcbSgs, series),
    async fetchRange(series: SeriesDefinition, from: Day, to: Day, fetchOptions?: FetchOptions) {
      if (from > to) return [];
      const code = series.code;
      if (typeof code !== 'number' || !Number.isSafeInteger(code) || code <= 0) {
        throw new SourceError(SourceId.BcbSgs, `${series.infoType} has no valid SGS code (${code})`, {
          retryable: false,
        });
      }
      const span = to - from;
      const window = sourceWindowDays(SourceId.BcbSgs, series);
      if (span > window) {
        throw new SourceError(
          SourceId.BcbSgs,
          `${series.infoType}: window ${formatIsoDate(from)}..${formatIsoDate(to)} spans ${span} days, SGS accepts at most ${window}`,
          { retryable: false },
        );
      }
      const { baseUrl, ...retry } = options;
      const url = sgsUrl(baseUrl, code, from, to);
      const answer = await fetchWithRetry(url, {
        ...retry,
        source: SourceId.BcbSgs,
        acceptStatus: [404],
        ...(fetchOptions?.deadline === undefined ? {} : { deadline: fetchOptions.deadline }),
      });
      if (answer.status === 404) return emptyWindow(url, answer.body);
      return parseSgsBody(url, answer.body, from, to);
    },
  };
}

/** `{base}/bcdata.sgs.{code}/dados?formato=json&dataInicial=dd/MM/yyyy&dataFinal=dd/MM/yyyy`. */
export function sgsUrl(baseUrl: string, code: number, from: Day, to: Day): string {
  return `${baseUrl}/bcdata.sgs.${code}/dados?formato=json&dataInicial=${sgsDate(from)}&dataFinal=${sgsDate(to)}`;
}

function sgsDate(day: Day): string {
  return formatSourceDate(day, SourceDateFormat.Sgs);
}

/** A 404 is SGS's way of saying "no values in this window"; any other 404 (a wrong path) is a failure. */
function emptyWindow(url: string, body: string): Observation[] {
  if (/value\(s\) not found/i.test(body)) return [];
  throw new SourceError(SourceId.BcbSgs, `GET ${url}: HTTP 404: ${summarizeBody(body)}`, {
    retryable: false,
    status: 404,
  });
}

function parseSgsBody(url: string, body: string, from: Day, to: Day): Observation[] {
  const malformed = (what: string) =>
    new SourceError(SourceId.BcbSgs, `malformed body from GET ${url}: ${what}`, { retryable: true });
  const text = body.trim();
  if (text.startsWith('<')) throw malformed(`expected a JSON array, got markup: ${summarizeBody(text)}`);
  let rows: unknown;
  try {
    rows = JSON.parse(text);
  } catch {
    throw malformed(`not JSON: ${summarizeBody(text)}`);
  }
  if (!Array.isArray(rows)) throw malformed(`expected a JSON array of {data, valor}, got ${kindOf(rows)}`);
  const values = new Map<Day, number | null>();
  rows.forEach((row: unknown, index) => {
    const { day, value } = parseRow(row, index, malformed);
    if (day < from || day > to) return;
    if (values.has(day) && values.get(day) !== value)
      throw malformed(`row ${index}: a second, different value for ${formatIsoDate(day)}`);
    values.set(day, value);
  });
  return [...values.entries()].sort(([a], [b]) => a - b).map(([day, value]) => ({ day, value }));
}

function parseRow(row: unknown, index: number, malformed: (what: string) => SourceError): Observation {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) {
    throw malformed(`row ${index}: expected an object, got ${kindOf(row)}`);
  }
  const { data, valor } = row as Record<string, unknown>;
  const day = typeof data === 'string' ? parseSgsDate(data) : undefined;
  if (day === undefined)
    throw malformed(`row ${index}: "data" ${JSON.stringify(data)} is not a dd/MM/yyyy date`);
  if (valor === undefined || valor === null || valor === '') return { day, value: null };
  if (typeof valor === 'string' && SGS_VALUE.test(valor.trim())) return { day, value: Number(valor) };
  throw malformed(`row ${index}: "valor" ${JSON.stringify(valor)} is not a decimal number`);
}

/** Strict `dd/MM/yyyy` (two-digit day and month, a day that exists), as a day number. */
export function parseSgsDate(text: string): Day | undefined {
  return parseSourceDate(text, SourceDateFormat.Sgs);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
