import type { Day } from '@gapless/pipeline-core';
import dayjs from 'dayjs';
import customParseFormat from 'dayjs/plugin/customParseFormat.js';
import utc from 'dayjs/plugin/utc.js';

// Dates cross into and out of the sources' own formats here, and only here: the pipeline counts days as
// integers (days since 1970-01-01) and never builds a date object in its hot paths. dayjs parses strictly
// (a format mismatch or a day that does not exist is refused, never rolled over) and in UTC, so neither the
// machine's time zone nor its daylight-saving gaps can move a date.
dayjs.extend(customParseFormat);
dayjs.extend(utc);

/** The date formats the BCB APIs speak: SGS `dataInicial`/`data`, PTAX `@dataInicial`. */
export const SourceDateFormat = {
  Sgs: 'DD/MM/YYYY',
  Ptax: 'MM-DD-YYYY',
} as const;
export type SourceDateFormat = (typeof SourceDateFormat)[keyof typeof SourceDateFormat];

const DAY_MS = 86_400_000;
/** PTAX's `dataHoraCotacao`, e.g. `2023-01-02 13:05:57.593`: the fraction's length varies from row to row. */
const PTAX_TIMESTAMP = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})(?:\.\d{1,9})?$/;

/** `day` written in a source's format, e.g. `02/01/2024` for SGS. */
export function formatSourceDate(day: Day, format: SourceDateFormat): string {
  return dayjs.utc(day * DAY_MS).format(format);
}

/** The day a source wrote in `format`, or undefined when the text is not exactly such a date. */
export function parseSourceDate(text: string, format: SourceDateFormat): Day | undefined {
  return dayOf(dayjs.utc(text, format, true));
}

/** The day of a PTAX bulletin timestamp (`YYYY-MM-DD hh:mm:ss[.fraction]`), or undefined when malformed. */
export function parsePtaxTimestamp(text: string): Day | undefined {
  const match = PTAX_TIMESTAMP.exec(text);
  return match?.[1] === undefined ? undefined : dayOf(dayjs.utc(match[1], 'YYYY-MM-DD HH:mm:ss', true));
}

function dayOf(parsed: dayjs.Dayjs): Day | undefined {
  return parsed.isValid() ? Math.floor(parsed.valueOf() / DAY_MS) : undefined;
}
