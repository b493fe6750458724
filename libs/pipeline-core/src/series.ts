import type { CalendarId } from './calendar.js';
import { todayIn, type Day } from './dates.js';
import { SourceError } from './errors.js';

/** The sources a series can be downloaded from. */
export const SourceId = {
  BcbSgs: 'bcb-sgs',
  BcbPtax: 'bcb-ptax',
  /** IPEA's ipeadata OData API (it republishes, among others, ANP's fuel price surveys). */
  Ipea: 'ipea',
  Simulated: 'simulated',
} as const;
export type SourceId = (typeof SourceId)[keyof typeof SourceId];

/** Every source id, in declaration order (for validation messages). */
export const SOURCE_IDS: readonly SourceId[] = Object.freeze(Object.values(SourceId));

/** `live` uses each series' own source; `simulated` serves every series from the simulated source. */
export const SourceMode = { Live: 'live', Simulated: 'simulated' } as const;
export type SourceMode = (typeof SourceMode)[keyof typeof SourceMode];

/**
 * The source that serves a series' `source` id in a mode: its own when live, the simulated one otherwise.
 * The scraper builds its sources by this rule and the schedulers split streams by it, so they agree.
 * Throws a non-retryable {@link SourceError} for an id that is no source (an untyped caller's string).
 */
export function servingSource(id: SourceId, mode: SourceMode): SourceId {
  if (!(SOURCE_IDS as readonly string[]).includes(id)) {
    throw new SourceError(String(id), `unknown source (known: ${SOURCE_IDS.join(', ')})`, {
      retryable: false,
    });
  }
  return mode === SourceMode.Simulated ? SourceId.Simulated : id;
}

/**
 * The time zone whose calendar date a source publishes by: "today" and the publication lag are counted on its
 * wall clocks. Every source so far is Brazilian (BCB; the simulated one stands in for them).
 */
const SOURCE_TIME_ZONES: Readonly<Record<SourceId, string>> = {
  [SourceId.BcbSgs]: 'America/Sao_Paulo',
  [SourceId.BcbPtax]: 'America/Sao_Paulo',
  [SourceId.Ipea]: 'America/Sao_Paulo',
  [SourceId.Simulated]: 'America/Sao_Paulo',
};

/** The IANA time zone of a series' source. */
export function seriesTimeZone(series: Pick<SeriesDefinition, 'source'>): string {
  return SOURCE_TIME_ZONES[series.source];
}

/**
 * The last date a series is expected to have at `now`: today in its source's time zone, less its
 * publication lag. Gap detection asks for nothing later; the local stack's figures count up to it too.
 */
export function lastExpectedDay(
  series: Pick<SeriesDefinition, 'source' | 'publicationLagDays'>,
  now: Date = new Date(),
): Day {
  return todayIn(seriesTimeZone(series), now) - series.publicationLagDays;
}

/**
 * Which values a series without `bounds` accepts: FX rates and prices are `positive` (the default), a
 * count may be `non-negative`, and a rate of change (monthly inflation) may be anything (`any`).
 */
export const SignRule = { Positive: 'positive', NonNegative: 'non-negative', Any: 'any' } as const;
export type SignRule = (typeof SignRule)[keyof typeof SignRule];
export const SIGN_RULES: readonly SignRule[] = Object.freeze(Object.values(SignRule));

/**
 * One series of the catalog, validated. The catalog's JSON form uses snake_case
 * (`info_type`, `publication_lag_days`); this is the typed form the code works with.
 */
export interface SeriesDefinition {
  /** Partition key, e.g. `CURRENCY#USD`. */
  readonly infoType: string;
  readonly source: SourceId;
  /** `bcb-sgs`: the SGS series code, a number (1 = USD sell); `ipea`: the ipeadata series code, a string. */
  readonly code?: number | string;
  /** `bcb-ptax`: ISO 4217 currency code, e.g. `GBP`. */
  readonly currency?: string;
  /** `bcb-ptax`: which quote of the closing bulletin; default `sell`. */
  readonly side?: 'buy' | 'sell';
  readonly calendar: CalendarId;
  /** First expected date. */
  readonly start: Day;
  /** Days between a date and the day its value is published (today minus this is the last expected date). */
  readonly publicationLagDays: number;
  /** Data-quality bounds: a value outside them is not written as `OK`. When given, they alone decide. */
  readonly bounds?: { readonly min: number; readonly max: number };
  /** Without bounds: which signs a value may have (default `positive`). */
  readonly sign?: SignRule;
}
