import { ConfigError } from './errors.js';
import { queueDefinition } from './queueDefinition.js';

/** The environment as the helpers read it: `process.env` or a plain object in tests. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Fault rates of the simulated source (each in [0, 1], their sum at most 1) and the seed it replays from. */
export interface SimulatedFaults {
  readonly error: number;
  readonly timeout: number;
  readonly throttle: number;
  readonly null: number;
  readonly malformed: number;
  readonly seed: number;
}

/** The configuration every function reads at init. */
export interface PipelineConfig {
  readonly tableName: string;
  readonly queueUrl?: string;
  readonly maxRetries: number;
  readonly sgsBaseUrl: string;
  readonly ptaxBaseUrl: string;
  readonly simulatedFaults: SimulatedFaults;
  /** `live` uses each series' own source; `simulated` serves every series from the simulated source. */
  readonly sourceMode: SourceMode;
  /** The queue's MaximumMessageSize: messages are split so that none is larger. */
  readonly maxMessageBytes: number;
  readonly timing: PipelineTiming;
}

export const SourceMode = { Live: 'live', Simulated: 'simulated' } as const;
export type SourceMode = (typeof SourceMode)[keyof typeof SourceMode];

/** The retry path's clocks. Production defaults; the local stack shortens them to seconds. */
export interface PipelineTiming {
  /** Wait after a date's first failure before it is re-enqueued; doubles per retry. */
  readonly retryBackoffBaseMs: number;
  readonly retryBackoffCapMs: number;
  /** How long a PENDING placeholder may wait for its first attempt before it counts as lost. */
  readonly pendingTimeoutMs: number;
  /** How long a re-enqueued date may take, all deliveries included, before it comes due again. */
  readonly inflightTimeoutMs: number;
}

export interface PipelineConfigOptions {
  /** Whether this function sends to the work queue, so `QUEUE_URL` must be set. */
  readonly requireQueue: boolean;
}

export const defaultSgsBaseUrl = 'https://api.bcb.gov.br/dados/serie';
export const defaultPtaxBaseUrl = 'https://olinda.bcb.gov.br/olinda/servico/PTAX/versao/v1/odata';

/** No faults unless asked for: the local stack's default is a well-behaved source. */
export const noSimulatedFaults: SimulatedFaults = {
  error: 0,
  timeout: 0,
  throttle: 0,
  null: 0,
  malformed: 0,
  seed: 42,
};

const faultNames = ['error', 'timeout', 'throttle', 'null', 'malformed'] as const;

/**
 * Reads and validates the pipeline's environment once. `TABLE_NAME` is always required, `QUEUE_URL` only
 * when `options.requireQueue` (a set `QUEUE_URL` is validated either way). Throws {@link ConfigError}
 * naming the first bad variable.
 */
export function readPipelineConfig(
  env: Env = process.env,
  options: PipelineConfigOptions = { requireQueue: false },
): PipelineConfig {
  const tableName = requireString(env, 'TABLE_NAME');
  const queueUrl = options.requireQueue
    ? requireUrl(env, 'QUEUE_URL')
    : optionalUrl(env, 'QUEUE_URL', undefined);
  return {
    tableName,
    ...(queueUrl === undefined ? {} : { queueUrl }),
    maxRetries: optionalInt(env, 'MAX_RETRIES', 5, { min: 0, max: 20 }),
    sgsBaseUrl: optionalUrl(env, 'BCB_SGS_BASE_URL', defaultSgsBaseUrl),
    ptaxBaseUrl: optionalUrl(env, 'BCB_PTAX_BASE_URL', defaultPtaxBaseUrl),
    simulatedFaults: parseSimulatedFaults(env, 'SIMULATED_FAULTS'),
    sourceMode: oneOf(env, 'SOURCE_MODE', Object.values(SourceMode), SourceMode.Live),
    maxMessageBytes: optionalInt(env, 'MAX_MESSAGE_BYTES', queueDefinition.maximumMessageBytes, {
      min: 1024,
      max: 1_048_576,
    }),
    timing: {
      retryBackoffBaseMs: seconds(env, 'RETRY_BACKOFF_BASE_SECONDS', 300),
      retryBackoffCapMs: seconds(env, 'RETRY_BACKOFF_CAP_SECONDS', 6 * 3600),
      pendingTimeoutMs: seconds(env, 'PENDING_TIMEOUT_SECONDS', 3600),
      inflightTimeoutMs: seconds(env, 'INFLIGHT_TIMEOUT_SECONDS', 3600),
    },
  };
}

function seconds(env: Env, name: string, defaultSeconds: number): number {
  return optionalFloat(env, name, defaultSeconds, { min: 0, max: 7 * 24 * 3600 }) * 1000;
}

/** An optional value from a fixed list; unset or blank gives `defaultValue`. */
export function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], defaultValue: T): T {
  const raw = present(env, name);
  if (raw === undefined) return defaultValue;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`);
  }
  return raw as T;
}

/** A variable that must be set to a non-blank string; returned trimmed. */
export function requireString(env: Env, name: string): string {
  const raw = present(env, name);
  if (raw === undefined) throw new ConfigError(name, 'is required (set it to a non-empty string)');
  return raw;
}

/** An optional integer within `[min, max]`; unset or blank gives `defaultValue`. */
export function optionalInt(
  env: Env,
  name: string,
  defaultValue: number,
  range: { min?: number; max?: number } = {},
): number {
  const raw = present(env, name);
  if (raw === undefined) return defaultValue;
  const value = Number(raw);
  if (!/^[+-]?\d+$/.test(raw) || !Number.isSafeInteger(value)) {
    throw new ConfigError(name, `must be an integer${describeRange(range)}, got ${JSON.stringify(raw)}`);
  }
  return checkRange(name, value, range);
}

/** An optional finite number within `[min, max]`; unset or blank gives `defaultValue`. */
export function optionalFloat(
  env: Env,
  name: string,
  defaultValue: number,
  range: { min?: number; max?: number } = {},
): number {
  const raw = present(env, name);
  if (raw === undefined) return defaultValue;
  const value = Number(raw);
  if (!Number.isFinite(value)) {
    throw new ConfigError(name, `must be a number${describeRange(range)}, got ${JSON.stringify(raw)}`);
  }
  return checkRange(name, value, range);
}

/** An optional absolute http(s) URL, returned without a trailing slash; unset or blank gives `defaultValue`. */
export function optionalUrl<D extends string | undefined>(
  env: Env,
  name: string,
  defaultValue: D,
): string | D {
  const raw = present(env, name);
  return raw === undefined ? defaultValue : checkUrl(name, raw);
}

function requireUrl(env: Env, name: string): string {
  const raw = present(env, name);
  if (raw === undefined) throw new ConfigError(name, 'is required (set it to an http(s) URL)');
  return checkUrl(name, raw);
}

function checkUrl(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (error) {
    throw new ConfigError(name, `must be an absolute http(s) URL, got ${JSON.stringify(raw)}`, {
      cause: error,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(name, `must be an http(s) URL, got protocol ${JSON.stringify(url.protocol)}`);
  }
  // Callers append paths with `/`, so a trailing slash would double it.
  return raw.replace(/\/+$/, '');
}

/**
 * Parses `SIMULATED_FAULTS`, a JSON object of rates such as `{"error":0.1,"null":0.02,"seed":42}`. Missing
 * rates are 0; unknown keys are refused, since a typo (`"errors"`) would otherwise silently mean "no faults".
 */
export function parseSimulatedFaults(env: Env, name: string): SimulatedFaults {
  const raw = present(env, name);
  if (raw === undefined) return noSimulatedFaults;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new ConfigError(
      name,
      `must be a JSON object such as {"error":0.1,"seed":42}, got ${JSON.stringify(raw)}`,
      {
        cause: error,
      },
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(name, `must be a JSON object, got ${JSON.stringify(raw)}`);
  }
  const record = parsed as Record<string, unknown>;
  const known = new Set<string>([...faultNames, 'seed']);
  const unknown = Object.keys(record).filter((key) => !known.has(key));
  if (unknown.length > 0) {
    throw new ConfigError(name, `has unknown key(s) ${unknown.join(', ')} (known: ${[...known].join(', ')})`);
  }
  const rates = Object.fromEntries(faultNames.map((fault) => [fault, faultRate(name, fault, record[fault])]));
  const sum = faultNames.reduce((total, fault) => total + (rates[fault] ?? 0), 0);
  if (sum > 1 + 1e-9) throw new ConfigError(name, `rates must sum to at most 1, got ${sum}`);
  const seed = record['seed'] ?? noSimulatedFaults.seed;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new ConfigError(name, `seed must be an integer, got ${JSON.stringify(seed)}`);
  }
  return { ...(rates as Omit<SimulatedFaults, 'seed'>), seed };
}

function faultRate(name: string, fault: string, value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new ConfigError(name, `rate "${fault}" must be a number in [0, 1], got ${JSON.stringify(value)}`);
  }
  return value;
}

/** The trimmed value, or undefined when unset or blank (an empty variable is as good as unset). */
function present(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw;
}

function checkRange(name: string, value: number, range: { min?: number; max?: number }): number {
  const { min = -Infinity, max = Infinity } = range;
  if (value < min || value > max) {
    throw new ConfigError(name, `must be${describeRange(range)}, got ${value}`);
  }
  return value;
}

function describeRange(range: { min?: number; max?: number }): string {
  const { min, max } = range;
  if (min !== undefined && max !== undefined) return ` between ${min} and ${max}`;
  if (min !== undefined) return ` at least ${min}`;
  if (max !== undefined) return ` at most ${max}`;
  return '';
}
