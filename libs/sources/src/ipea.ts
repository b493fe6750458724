import {
  formatIsoDate,
  InvalidDateError,
  parseIsoDate,
  type Day,
  SourceError,
  SourceId,
  type SeriesDefinition,
  type FetchOptions,
  type Observation,
  type SeriesSource,
  sourceWindowDays,
} from '@gapless/pipeline-core';
import {
  fetchWithRetry,
  summarizeBody,
  type FetchWithRetryOptions,
  type HttpAnswer,
  type HttpRetryOptions,
} from './http.js';

export interface IpeaSourceOptions extends HttpRetryOptions {
  /** e.g. `http://www.ipeadata.gov.br/api/odata4`, without a trailing slash. */
  readonly baseUrl: string;
}

/** An ipeadata series code (SERCODIGO) as the catalog accepts it; nothing in it needs quoting in the URL. */
const IPEA_CODE = /^[A-Z0-9][A-Z0-9_]{0,63}$/;

/**
 * `VALDATA`, an OData DateTimeOffset such as `2024-01-01T00:00:00-03:00`. The date part is the civil date
 * in Brazil the value belongs to; the offset varies (-02:00 in old daylight-saving months), so the date is
 * never moved through UTC.
 */
const VALDATA = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}:\d{2}(?:\.\d{1,7})?(?:Z|[+-]\d{2}:\d{2})?$/;

/**
 * IPEA's ipeadata OData v4 service as a {@link SeriesSource}: one GET of `ValoresSerie` per range, filtered
 * on `VALDATA`; rows outside the range are dropped, `VALVALOR: null` is a null observation (never a 0), a
 * body that is not the expected JSON is a retryable {@link SourceError}, and a refusal (4xx other than 429,
 * e.g. 404 for a code ipeadata does not know) is a non-retryable one that names the series code.
 */
export function createIpeaSource(options: IpeaSourceOptions): SeriesSource {
  const { baseUrl, ...retry } = options;
  return {
    id: SourceId.Ipea,
    maxWindowDays: (series) => sourceWindowDays(SourceId.Ipea, series),
    async fetchRange(series: SeriesDefinition, from: Day, to: Day, fetchOptions?: FetchOptions) {
      if (from > to) return [];
      const code = series.code;
      if (typeof code !== 'string' || !IPEA_CODE.test(code)) {
        throw new SourceError(
          SourceId.Ipea,
          `${series.infoType} has no valid ipeadata series code (${JSON.stringify(code)})`,
          { retryable: false },
        );
      }
      const url = ipeaUrl(baseUrl, code, from, to);
      const answer = await getSeries(url, code, {
        ...retry,
        source: SourceId.Ipea,
        ...(fetchOptions?.deadline === undefined ? {} : { deadline: fetchOptions.deadline }),
      });
      return parseIpeaBody(url, answer.body, from, to);
    },
  };
}

/**
 * `{base}/ValoresSerie(SERCODIGO='{code}')?$filter=VALDATA ge {from - 1}T00:00:00Z and VALDATA lt
 * {to + 2}T00:00:00Z`, spaces written `%20` so that `fetch` sends it as built. The filter reaches a day past
 * each end, so a value stamped midnight of its date in any Brazilian offset (-02:00 to -05:00, daylight
 * saving included) is inside it; the extra days' rows are dropped by their civil date.
 */
export function ipeaUrl(baseUrl: string, code: string, from: Day, to: Day): string {
  const filter = `VALDATA ge ${formatIsoDate(from - 1)}T00:00:00Z and VALDATA lt ${formatIsoDate(to + 2)}T00:00:00Z`;
  return `${baseUrl}/ValoresSerie(SERCODIGO='${code}')?$filter=${filter.replaceAll(' ', '%20')}`;
}

/** GETs a series; a final refusal is rethrown naming the series code, the status and IPEA's text kept. */
async function getSeries(url: string, code: string, options: FetchWithRetryOptions): Promise<HttpAnswer> {
  try {
    return await fetchWithRetry(url, options);
  } catch (error) {
    if (!(error instanceof SourceError) || error.retryable) throw error;
    const detail = error.message.slice(`${error.source}: `.length);
    throw new SourceError(
      SourceId.Ipea,
      `ipeadata refused series ${code}: ${detail}`,
      { retryable: false, ...(error.status === undefined ? {} : { status: error.status }) },
      { cause: error },
    );
  }
}

function parseIpeaBody(url: string, body: string, from: Day, to: Day): Observation[] {
  const malformed = (what: string) =>
    new SourceError(SourceId.Ipea, `malformed body from GET ${url}: ${what}`, { retryable: true });
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw malformed(`not JSON: ${summarizeBody(body)}`);
  }
  const rows =
    typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)['value']
      : undefined;
  if (!Array.isArray(rows)) throw malformed('expected an object with a "value" array of {VALDATA, VALVALOR}');
  const values = new Map<Day, number | null>();
  rows.forEach((row: unknown, index) => {
    const { day, value } = parseRow(row, index, malformed);
    if (day < from || day > to) return;
    if (values.has(day) && values.get(day) !== value)
      throw malformed(`value[${index}]: a second, different value for ${formatIsoDate(day)}`);
    values.set(day, value);
  });
  return [...values.entries()].sort(([a], [b]) => a - b).map(([day, value]) => ({ day, value }));
}

function parseRow(row: unknown, index: number, malformed: (what: string) => SourceError): Observation {
  if (typeof row !== 'object' || row === null || Array.isArray(row))
    throw malformed(`value[${index}] is not an object`);
  const { VALDATA: stamp, VALVALOR: value } = row as Record<string, unknown>;
  const day = typeof stamp === 'string' ? parseIpeaDate(stamp) : undefined;
  if (day === undefined) {
    throw malformed(
      `value[${index}].VALDATA ${JSON.stringify(stamp)} is not a date-time such as "2024-01-01T00:00:00-03:00"`,
    );
  }
  if (value === null) return { day, value: null };
  if (typeof value === 'number' && Number.isFinite(value)) return { day, value };
  throw malformed(`value[${index}].VALVALOR ${JSON.stringify(value)} is not a number or null`);
}

/** The civil date of a `VALDATA` (its date part, whatever the offset), or undefined when malformed. */
export function parseIpeaDate(text: string): Day | undefined {
  const date = VALDATA.exec(text)?.[1];
  if (date === undefined) return undefined;
  try {
    return parseIsoDate(date);
  } catch (error) {
    if (error instanceof InvalidDateError) return undefined;
    throw error;
  }
}
