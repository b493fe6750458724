/** Base of the cost tool's errors: each names what was wrong and where. */
export class CostError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CostError';
  }
}

/** A price table that is missing, malformed, or lacks a figure the model needs. */
export class PriceTableError extends CostError {
  constructor(
    readonly region: string,
    reason: string,
  ) {
    super(`price table ${region}: ${reason}`);
    this.name = 'PriceTableError';
  }
}

/** Usage the model cannot price (a function without deployed settings, a negative count). */
export class UsageError extends CostError {
  constructor(reason: string) {
    super(reason);
    this.name = 'UsageError';
  }
}

/** A bad command line of `npm run cost`: the message names the flag. */
export class CliUsageError extends CostError {
  constructor(reason: string) {
    super(reason);
    this.name = 'CliUsageError';
  }
}

/** A measuring run of the local stack that failed or did not converge. */
export class MeasurementError extends CostError {
  constructor(reason: string, options?: ErrorOptions) {
    super(reason, options);
    this.name = 'MeasurementError';
  }
}
