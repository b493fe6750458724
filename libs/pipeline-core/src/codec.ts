import type { Calendar } from './calendar.js';
import { formatIsoDate, parseIsoDate, type Day } from './dates.js';
import { InvalidDateError, InvalidMessageError, MessageProblem } from './errors.js';

/** Why a stream is being downloaded: a gap found by clustering, or a retry of failed dates. */
export const MessageReason = {
  Gap: 'gap',
  Retry: 'retry',
} as const;
export type MessageReason = (typeof MessageReason)[keyof typeof MessageReason];

/** One work-queue message, decoded: a stream of dates of one series to download in one request. */
export interface WorkMessage {
  readonly partitionKey: string;
  /** Ascending, unique dates of the series' calendar. */
  readonly days: Int32Array;
  readonly reason: MessageReason;
  /** 0 for the first attempt, k for the k-th retry (informational: the work ledger counts attempts). */
  readonly attempt: number;
  /** The work-ledger lease a gap stream travels under (see DESIGN.md "The work ledger"); none on retries. */
  readonly lease?: LeaseRef;
}

/** Which lease a message belongs to: the series' lease starting on `first`, with its unique `id`. */
export interface LeaseRef {
  readonly first: Day;
  readonly id: string;
}

/** A lease id: what `crypto.randomUUID()` makes, or any short token of letters, digits and dashes. */
const LEASE_ID = /^[A-Za-z0-9-]{1,64}$/;
/** The longest lease field a body can carry (for sizing messages): an ISO date, `/`, a 64-character id. */
const LONGEST_LEASE = `0000-00-00/${'x'.repeat(64)}`;

/** What the decoder needs to know about a series: its calendar and how many dates one message may hold. */
export interface MessageSeries {
  readonly calendar: Calendar;
  readonly maxDates: number;
}

/** Where the problem is when it is the body as a whole. */
const BODY = '$';
const DATES = 'dates_to_download';
// Every ISO date (years 0000-9999, all parseIsoDate accepts) is 10 characters, 12 with its quotes,
// plus one comma between two of them.
const BYTES_PER_DATE = 13;

/**
 * The SQS body of a message: `{"partition_key","dates_to_download","reason","attempt"}` in that order,
 * dates as ISO strings, then `"lease":"<first>/<id>"` when the stream travels under a lease. It does not
 * validate: {@link decodeMessage} is where bad messages are caught.
 */
export function encodeMessage(message: WorkMessage): string {
  return JSON.stringify({
    partition_key: message.partitionKey,
    dates_to_download: Array.from(message.days, formatIsoDate),
    reason: message.reason,
    attempt: message.attempt,
    ...(message.lease === undefined
      ? {}
      : { lease: `${formatIsoDate(message.lease.first)}/${message.lease.id}` }),
  });
}

/**
 * Reads and validates an SQS body. `lookup` gives the series of a partition key (undefined when the
 * catalog does not know it). `reason` defaults to `gap` and `attempt` to 0 when absent; fields it does
 * not know are ignored, so a newer producer can add some without breaking an older consumer.
 *
 * Throws {@link InvalidMessageError} and nothing else for a bad body, with `problem` saying what is wrong
 * and `path` where (`$` for the body itself, `dates_to_download[3]` for one date).
 */
export function decodeMessage(
  body: string,
  lookup: (partitionKey: string) => MessageSeries | undefined,
): WorkMessage {
  const fields = parseObject(body);
  const partitionKey = fields['partition_key'];
  if (typeof partitionKey !== 'string' || partitionKey === '') {
    throw new InvalidMessageError(
      MessageProblem.MissingPartitionKey,
      'partition_key',
      `expected a non-empty string, got ${describe(partitionKey)}`,
    );
  }
  const series = lookup(partitionKey);
  if (series === undefined) {
    throw new InvalidMessageError(
      MessageProblem.UnknownPartitionKey,
      'partition_key',
      `no series ${quote(partitionKey)} in the catalog`,
    );
  }
  const lease = readLease(fields['lease']);
  return {
    partitionKey,
    reason: readReason(fields['reason']),
    attempt: readAttempt(fields['attempt']),
    days: readDays(fields[DATES], series),
    ...(lease === undefined ? {} : { lease }),
  };
}

/**
 * How many dates fit in one body of at most `maxMessageBytes` UTF-8 bytes for `partitionKey`, exactly:
 * every date costs the same, and the rest of the envelope is measured at its largest (`"retry"`, the
 * largest safe-integer attempt). 0 when not even one date fits; a `RangeError` for a non-finite limit.
 */
export function maxDatesPerMessage(maxMessageBytes: number, partitionKey: string): number {
  if (!Number.isFinite(maxMessageBytes)) {
    throw new RangeError(`maxMessageBytes must be finite, got ${maxMessageBytes}`);
  }
  const envelope = encodeMessage({
    partitionKey,
    days: new Int32Array(0),
    reason: MessageReason.Retry,
    attempt: Number.MAX_SAFE_INTEGER,
  }).replace(/}$/, `,"lease":${JSON.stringify(LONGEST_LEASE)}}`);
  // The first date has no comma before it, so n dates cost 13n - 1 bytes.
  const room = maxMessageBytes - Buffer.byteLength(envelope, 'utf8') + 1;
  return Math.max(0, Math.floor(room / BYTES_PER_DATE));
}

function parseObject(body: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new InvalidMessageError(MessageProblem.NotJson, BODY, `body is not JSON: ${quote(body)}`, {
      cause: error,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidMessageError(
      MessageProblem.NotObject,
      BODY,
      `expected a JSON object, got ${describe(parsed)}`,
    );
  }
  return parsed as Record<string, unknown>;
}

function readReason(reason: unknown): MessageReason {
  if (reason === undefined) return MessageReason.Gap;
  if (reason === MessageReason.Gap || reason === MessageReason.Retry) return reason;
  throw new InvalidMessageError(
    MessageProblem.BadReason,
    'reason',
    `expected "gap" or "retry", got ${describe(reason)}`,
  );
}

function readAttempt(attempt: unknown): number {
  if (attempt === undefined) return 0;
  if (typeof attempt === 'number' && Number.isSafeInteger(attempt) && attempt >= 0) return attempt + 0; // -0 -> 0
  throw new InvalidMessageError(
    MessageProblem.BadAttempt,
    'attempt',
    `expected a non-negative integer, got ${describe(attempt)}`,
  );
}

function readLease(lease: unknown): LeaseRef | undefined {
  if (lease === undefined) return undefined;
  const [date, id, ...rest] = typeof lease === 'string' ? lease.split('/') : [];
  if (date !== undefined && id !== undefined && rest.length === 0 && LEASE_ID.test(id)) {
    try {
      return { first: parseIsoDate(date), id };
    } catch (error) {
      if (!(error instanceof InvalidDateError)) throw error;
    }
  }
  throw new InvalidMessageError(
    MessageProblem.BadLease,
    'lease',
    `expected "<YYYY-MM-DD>/<id>", got ${describe(lease)}`,
  );
}

function readDays(dates: unknown, series: MessageSeries): Int32Array {
  if (!Array.isArray(dates)) {
    throw new InvalidMessageError(
      MessageProblem.BadDates,
      DATES,
      `expected an array of dates, got ${describe(dates)}`,
    );
  }
  if (dates.length === 0) throw new InvalidMessageError(MessageProblem.Empty, DATES, 'no dates to download');
  // Checked before reading the dates, so an oversized body is refused without parsing all of it.
  if (dates.length > series.maxDates) {
    throw new InvalidMessageError(
      MessageProblem.TooMany,
      DATES,
      `${dates.length} dates, at most ${series.maxDates} per message`,
    );
  }
  const days = new Int32Array(dates.length);
  for (let index = 0; index < dates.length; index += 1) {
    const day = readDay(dates[index], index);
    checkOrder(day, index === 0 ? undefined : (days[index - 1] as number), dates[index], index);
    if (!onCalendar(series.calendar, day)) {
      throw new InvalidMessageError(
        MessageProblem.OffCalendar,
        `${DATES}[${index}]`,
        `${JSON.stringify(dates[index])} is not a date of the ${series.calendar.id} calendar`,
      );
    }
    days[index] = day;
  }
  return days;
}

function readDay(date: unknown, index: number): Day {
  try {
    return parseIsoDate(date);
  } catch (error) {
    if (!(error instanceof InvalidDateError)) throw error;
    throw new InvalidMessageError(MessageProblem.DateNotIso, `${DATES}[${index}]`, error.message, {
      cause: error,
    });
  }
}

function checkOrder(day: Day, previous: Day | undefined, date: unknown, index: number): void {
  if (previous === undefined || day > previous) return;
  const problem = day === previous ? MessageProblem.Duplicated : MessageProblem.Unsorted;
  const relation = day === previous ? 'repeats' : 'comes before';
  throw new InvalidMessageError(
    problem,
    `${DATES}[${index}]`,
    `${JSON.stringify(date)} ${relation} the previous date ${JSON.stringify(formatIsoDate(previous))}`,
  );
}

/** A short, safe rendering of a bad value for an error message (bodies can be large). */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'string' ? quote(value) : String(value);
}

function quote(text: string): string {
  return text.length <= 80
    ? JSON.stringify(text)
    : `${JSON.stringify(text.slice(0, 80))}... (${text.length} characters)`;
}

/** A calendar that covers a bounded span of years refuses dates outside it: those are off the calendar too. */
function onCalendar(calendar: Calendar, day: Day): boolean {
  try {
    return calendar.contains(day);
  } catch (error) {
    if (error instanceof RangeError) return false;
    throw error;
  }
}
