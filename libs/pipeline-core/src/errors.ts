/**
 * Every error the pipeline raises on purpose derives from {@link PipelineError}, so callers can tell a
 * known failure (bad input, an upstream refusing) from a bug. Subclasses set `name` and carry the data a
 * log line or a quarantine record needs; the original error travels as `cause`.
 */
export class PipelineError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PipelineError';
  }
}

/** A date string that is not a real `YYYY-MM-DD` calendar date. */
export class InvalidDateError extends PipelineError {
  readonly input: unknown;
  constructor(input: unknown, reason: string, options?: ErrorOptions) {
    super(`invalid date ${JSON.stringify(input)}: ${reason}`, options);
    this.name = 'InvalidDateError';
    this.input = input;
  }
}

/** An environment variable that is missing or malformed. */
export class ConfigError extends PipelineError {
  readonly variable: string;
  constructor(variable: string, message: string, options?: ErrorOptions) {
    super(`${variable} ${message}`, options);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

/** A catalog entry (built-in or from `SERIES_CATALOG`) that cannot be used. `entry` names it. */
export class CatalogError extends PipelineError {
  readonly entry: string;
  constructor(entry: string, message: string, options?: ErrorOptions) {
    super(`catalog entry ${entry}: ${message}`, options);
    this.name = 'CatalogError';
    this.entry = entry;
  }
}

/** A catalog entry whose `source` is not one of the known sources. */
export class UnknownSourceError extends CatalogError {
  constructor(entry: string, source: unknown, known: readonly string[]) {
    super(entry, `unknown source ${JSON.stringify(source)} (known: ${known.join(', ')})`);
    this.name = 'UnknownSourceError';
  }
}

/** A catalog entry whose `calendar` is not one of the known calendars. */
export class UnknownCalendarError extends CatalogError {
  constructor(entry: string, calendar: unknown, known: readonly string[]) {
    super(entry, `unknown calendar ${JSON.stringify(calendar)} (known: ${known.join(', ')})`);
    this.name = 'UnknownCalendarError';
  }
}

/** A catalog entry whose `start` is not a valid ISO date. */
export class InvalidStartDateError extends CatalogError {
  constructor(entry: string, start: unknown, options?: ErrorOptions) {
    super(entry, `invalid start date ${JSON.stringify(start)} (expected YYYY-MM-DD)`, options);
    this.name = 'InvalidStartDateError';
  }
}

/** Two catalog entries with the same `info_type`. */
export class DuplicateSeriesError extends CatalogError {
  constructor(entry: string, firstIndex: number, secondIndex: number) {
    super(entry, `info_type appears twice (entries #${firstIndex} and #${secondIndex})`);
    this.name = 'DuplicateSeriesError';
  }
}

/** The ways an SQS message body can be bad; each gets its own `problem`. */
export const MessageProblem = {
  NotJson: 'not-json',
  NotObject: 'not-object',
  MissingPartitionKey: 'missing-partition-key',
  UnknownPartitionKey: 'unknown-partition-key',
  BadDates: 'bad-dates',
  DateNotIso: 'date-not-iso',
  Unsorted: 'unsorted',
  Duplicated: 'duplicated',
  OffCalendar: 'off-calendar',
  TooMany: 'too-many',
  Empty: 'empty',
  BadReason: 'bad-reason',
  BadAttempt: 'bad-attempt',
  BadLease: 'bad-lease',
} as const;
export type MessageProblem = (typeof MessageProblem)[keyof typeof MessageProblem];

/** A work-queue message body that does not follow the contract. Poison: retrying it cannot help. */
export class InvalidMessageError extends PipelineError {
  readonly problem: MessageProblem;
  /** Where in the body the problem is, e.g. `dates_to_download[3]`. */
  readonly path: string;
  constructor(problem: MessageProblem, path: string, message: string, options?: ErrorOptions) {
    super(`invalid message (${problem}) at ${path}: ${message}`, options);
    this.name = 'InvalidMessageError';
    this.problem = problem;
    this.path = path;
  }
}

/** A status change the item state machine forbids, such as an `OK` value becoming missing. */
export class IllegalTransitionError extends PipelineError {
  readonly from: string;
  readonly to: string;
  constructor(from: string, to: string, key: string) {
    super(`illegal status change ${from} -> ${to} for ${key}`);
    this.name = 'IllegalTransitionError';
    this.from = from;
    this.to = to;
  }
}

/** A DynamoDB item that does not have the shape of the table's model. */
export class InvalidItemError extends PipelineError {
  readonly key: string;
  constructor(key: string, message: string) {
    super(`invalid item ${key}: ${message}`);
    this.name = 'InvalidItemError';
    this.key = key;
  }
}

/**
 * A data source failed. `retryable` tells transient failures (5xx, timeouts, throttling) from permanent
 * ones (a refused window, a body of the wrong shape).
 */
export class SourceError extends PipelineError {
  readonly source: string;
  readonly retryable: boolean;
  readonly status?: number;
  constructor(
    source: string,
    message: string,
    details: { retryable: boolean; status?: number },
    options?: ErrorOptions,
  ) {
    super(`${source}: ${message}`, options);
    this.name = 'SourceError';
    this.source = source;
    this.retryable = details.retryable;
    if (details.status !== undefined) this.status = details.status;
  }
}

/** A DynamoDB call failed (after the SDK's own retries). */
export class StoreError extends PipelineError {
  readonly operation: string;
  constructor(operation: string, message: string, options?: ErrorOptions) {
    super(`DynamoDB ${operation}: ${message}`, options);
    this.name = 'StoreError';
    this.operation = operation;
  }
}

/** An SQS call failed (after the SDK's own retries), or some entries of a batch could not be sent. */
export class QueueError extends PipelineError {
  readonly operation: string;
  constructor(operation: string, message: string, options?: ErrorOptions) {
    super(`SQS ${operation}: ${message}`, options);
    this.name = 'QueueError';
    this.operation = operation;
  }
}

/** An item bigger than DynamoDB's 400 KB item limit: no write can ever store it, so it is refused up front. */
export class ItemTooLargeError extends PipelineError {
  /** Position of the item in the input. */
  readonly index: number;
  readonly bytes: number;
  readonly limit: number;
  constructor(index: number, bytes: number, limit: number) {
    super(`item #${index} is ${bytes} bytes, over the ${limit}-byte item limit; it can never be written`);
    this.name = 'ItemTooLargeError';
    this.index = index;
    this.bytes = bytes;
    this.limit = limit;
  }
}

/**
 * `Name: message` of an error (SDK errors are named after the service's exception), anything else as a
 * string: how every log line and stored `last_error` describes a caught failure.
 */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
