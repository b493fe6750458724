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
