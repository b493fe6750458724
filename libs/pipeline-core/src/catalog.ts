import { CALENDAR_IDS, type CalendarId } from './calendar.js';
import { calendarCoverage } from './calendars.js';
import { formatIsoDate, parseIsoDate, type Day } from './dates.js';
import {
  CatalogError,
  ConfigError,
  DuplicateSeriesError,
  InvalidDateError,
  InvalidStartDateError,
  UnknownCalendarError,
  UnknownSourceError,
} from './errors.js';
import {
  SIGN_RULES,
  SOURCE_IDS,
  SourceId,
  SourceMode,
  type SeriesDefinition,
  type SignRule,
} from './series.js';

/**
 * `CURRENCY#USD`: a family and a name. Other prefixes (`META#`, `LEASE#`, the old `CLAIM#`) are the table's
 * bookkeeping: a series named so would be read as leases or watermarks.
 */
const INFO_TYPE = /^[A-Z][A-Z0-9_]*#[A-Z0-9][A-Z0-9_]*$/;
const RESERVED_PREFIXES: readonly string[] = ['META', 'LEASE', 'CLAIM'];
const CURRENCY = /^[A-Z]{3}$/;
/** An ipeadata series code (SERCODIGO), e.g. `PRECOS12_IPCA12`. */
const IPEA_CODE = /^[A-Z0-9][A-Z0-9_]{0,63}$/;
const COMMON_FIELDS = ['info_type', 'source', 'calendar', 'start', 'publication_lag_days', 'bounds', 'sign'];
/** The fields each source accepts besides the common ones; anything else is a typo worth refusing. */
const SOURCE_FIELDS: Readonly<Record<SourceId, readonly string[]>> = {
  [SourceId.BcbSgs]: ['code'],
  [SourceId.BcbPtax]: ['currency', 'side'],
  [SourceId.Ipea]: ['code'],
  [SourceId.Simulated]: [],
};
/**
 * A date's value is normally published the next day at the latest; asking for today's date before it is
 * out would turn it into a gap that spends retries, so the default lag is one day.
 */
const DEFAULT_PUBLICATION_LAG_DAYS = 1;
/** Two years: an annual series' value for 1 January may be published well into the next year. */
const MAX_LAG_DAYS = 731;

type Entry = Readonly<Record<string, unknown>>;

/**
 * Validates the JSON form of a catalog (an array of snake_case entries, see `docs/DESIGN.md`) and returns
 * the typed series. Each problem throws its own {@link CatalogError} subclass naming the entry by its
 * `info_type`, or by `#index` when it has none; `origin` names the catalog as a whole (where it came from)
 * when the problem is not one entry's.
 */
export function parseCatalog(json: unknown, origin = 'SERIES_CATALOG'): SeriesDefinition[] {
  if (!Array.isArray(json)) {
    throw new CatalogError(origin, `expected a JSON array of series, got ${describe(json)}`);
  }
  if (json.length === 0) throw new CatalogError(origin, 'is empty: a catalog needs at least one series');
  const firstIndexOf = new Map<string, number>();
  return json.map((raw: unknown, index) => {
    const series = parseEntry(raw, index);
    const firstIndex = firstIndexOf.get(series.infoType);
    if (firstIndex !== undefined) throw new DuplicateSeriesError(series.infoType, firstIndex, index);
    firstIndexOf.set(series.infoType, index);
    return series;
  });
}

function parseEntry(raw: unknown, index: number): SeriesDefinition {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new CatalogError(`#${index}`, `expected an object, got ${describe(raw)}`);
  }
  const entry = raw as Entry;
  const name = parseInfoType(entry.info_type, index);
  const source = parseSource(entry, name);
  refuseUnknownFields(entry, name, source);
  return {
    infoType: name,
    source,
    ...parseSourceParameters(entry, name, source),
    ...parseCalendarAndStart(entry, name),
    publicationLagDays: parseLag(entry.publication_lag_days, name),
    ...parseValueRules(entry, name),
  };
}

function parseInfoType(value: unknown, index: number): string {
  const name = `#${index}`;
  if (value === undefined) throw new CatalogError(name, 'info_type is required (e.g. "CURRENCY#USD")');
  if (typeof value !== 'string' || !INFO_TYPE.test(value)) {
    throw new CatalogError(
      name,
      `info_type ${JSON.stringify(value)} must look like WORD#WORD (e.g. "CURRENCY#USD")`,
    );
  }
  const prefix = value.slice(0, value.indexOf('#'));
  if (RESERVED_PREFIXES.includes(prefix)) {
    throw new CatalogError(value, `info_type prefix ${prefix}# is reserved for the table's bookkeeping`);
  }
  return value;
}

function parseSource(entry: Entry, name: string): SourceId {
  const source = entry.source;
  if (!SOURCE_IDS.includes(source as SourceId)) throw new UnknownSourceError(name, source, SOURCE_IDS);
  return source as SourceId;
}

function refuseUnknownFields(entry: Entry, name: string, source: SourceId): void {
  const allowed = [...COMMON_FIELDS, ...SOURCE_FIELDS[source]];
  for (const field of Object.keys(entry)) {
    if (!allowed.includes(field)) {
      throw new CatalogError(
        name,
        `unknown field "${field}" for source ${source} (allowed: ${allowed.join(', ')})`,
      );
    }
  }
}

function parseSourceParameters(
  entry: Entry,
  name: string,
  source: SourceId,
): Pick<SeriesDefinition, 'code' | 'currency' | 'side'> {
  if (source === SourceId.BcbSgs) {
    const code = entry.code;
    if (typeof code !== 'number' || !Number.isSafeInteger(code) || code <= 0) {
      throw new CatalogError(
        name,
        `bcb-sgs needs "code", a positive integer SGS series code; got ${describe(code)}`,
      );
    }
    return { code };
  }
  if (source === SourceId.BcbPtax) {
    const { currency, side = 'sell' } = entry;
    if (typeof currency !== 'string' || !CURRENCY.test(currency)) {
      throw new CatalogError(
        name,
        `bcb-ptax needs "currency", a 3-letter code such as "GBP"; got ${describe(currency)}`,
      );
    }
    if (side !== 'buy' && side !== 'sell') {
      throw new CatalogError(name, `side must be "buy" or "sell"; got ${describe(side)}`);
    }
    return { currency, side };
  }
  if (source === SourceId.Ipea) {
    const code = entry.code;
    if (typeof code !== 'string' || !IPEA_CODE.test(code)) {
      throw new CatalogError(
        name,
        `ipea needs "code", an ipeadata series code such as "PRECOS12_IPCA12"; got ${describe(code)}`,
      );
    }
    return { code };
  }
  return {};
}

function parseCalendarAndStart(entry: Entry, name: string): { calendar: CalendarId; start: Day } {
  const calendar = entry.calendar;
  if (!CALENDAR_IDS.includes(calendar as CalendarId))
    throw new UnknownCalendarError(name, calendar, CALENDAR_IDS);
  let start: Day;
  try {
    start = parseIsoDate(entry.start);
  } catch (error) {
    if (error instanceof InvalidDateError)
      throw new InvalidStartDateError(name, entry.start, { cause: error });
    throw error;
  }
  // A start the calendar cannot answer for would fail every clustering run of the series.
  const coverage = calendarCoverage(calendar as CalendarId);
  if (coverage !== undefined && (start < coverage.first || start > coverage.last)) {
    throw new CatalogError(
      name,
      `start ${formatIsoDate(start)} is outside the ${String(calendar)} calendar's coverage ` +
        `(${formatIsoDate(coverage.first)} to ${formatIsoDate(coverage.last)})`,
    );
  }
  return { calendar: calendar as CalendarId, start };
}

function parseValueRules(entry: Entry, name: string): Pick<SeriesDefinition, 'bounds' | 'sign'> {
  if (entry.bounds !== undefined && entry.sign !== undefined) {
    throw new CatalogError(name, 'give "bounds" or "sign", not both: bounds alone decide when given');
  }
  if (entry.bounds !== undefined) return { bounds: parseBounds(entry.bounds, name) };
  if (entry.sign === undefined) return {};
  if (!SIGN_RULES.includes(entry.sign as SignRule)) {
    throw new CatalogError(name, `sign must be one of ${SIGN_RULES.join(', ')}; got ${describe(entry.sign)}`);
  }
  return { sign: entry.sign as SignRule };
}

function parseLag(value: unknown, name: string): number {
  if (value === undefined) return DEFAULT_PUBLICATION_LAG_DAYS;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > MAX_LAG_DAYS) {
    throw new CatalogError(
      name,
      `publication_lag_days must be an integer from 0 to ${MAX_LAG_DAYS}; got ${describe(value)}`,
    );
  }
  return value;
}

function parseBounds(value: unknown, name: string): { min: number; max: number } {
  const bounds = value as Entry;
  const keys =
    typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.keys(bounds) : [];
  const wellFormed =
    keys.length === 2 &&
    Number.isFinite(bounds.min) &&
    Number.isFinite(bounds.max) &&
    (bounds.min as number) < (bounds.max as number);
  if (!wellFormed) {
    throw new CatalogError(
      name,
      `bounds must be {"min": number, "max": number} with min < max; got ${describe(value)}`,
    );
  }
  return { min: bounds.min as number, max: bounds.max as number };
}

/** A short, safe description of a JSON value for error messages. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * A catalog in its text form (a JSON array), as a file or `SERIES_CATALOG` holds it: invalid JSON throws a
 * {@link ConfigError} naming `origin` (the variable or the file); a bad entry throws the {@link CatalogError}
 * that names it and its field.
 */
export function parseCatalogText(text: string, origin: string): SeriesDefinition[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(origin, `is not valid JSON (${(error as Error).message})`, { cause: error });
  }
  return parseCatalog(json, origin);
}

/**
 * Refuses, when sources are live, a series whose source is the simulated one: invented values must never
 * reach a real table as `OK`. Only `SOURCE_MODE=simulated` (the local stack, tests) serves such a series.
 */
export function refuseSimulatedSeries(catalog: readonly SeriesDefinition[], mode: SourceMode): void {
  if (mode === SourceMode.Simulated) return;
  const simulated = catalog.find((series) => series.source === SourceId.Simulated);
  if (simulated !== undefined) {
    throw new CatalogError(
      simulated.infoType,
      `source "simulated" is served only with SOURCE_MODE=simulated (SOURCE_MODE is ${mode}): ` +
        'give the series a real source, or take it out of the catalog',
    );
  }
}

/** The catalog keyed by `info_type`, for looking up the series of a message or an item. */
export function catalogIndex(catalog: readonly SeriesDefinition[]): ReadonlyMap<string, SeriesDefinition> {
  return new Map(catalog.map((series) => [series.infoType, series]));
}
