import { isAbsolute } from 'node:path';
import { ConfigError, optionalString, optionalUrl, type Env } from '@gapless/pipeline-core';

/** Fault rates of the simulated source (each in [0, 1], their sum at most 1) and the seed it replays from. */
export interface SimulatedFaults {
  readonly error: number;
  readonly timeout: number;
  readonly throttle: number;
  readonly null: number;
  readonly malformed: number;
  readonly seed: number;
}

/**
 * What the scraper's sources are built from: the BCB base URLs, the simulated source's faults and, for the
 * local stack, the file where the simulated source logs the requests it receives.
 */
export interface SourceConfig {
  readonly sgsBaseUrl: string;
  readonly ptaxBaseUrl: string;
  /** IPEA's ipeadata OData v4 service. */
  readonly ipeaBaseUrl: string;
  readonly simulatedFaults: SimulatedFaults;
  /** An absolute file path; the simulated source appends a JSON line per request to it. Unset in production. */
  readonly simulatedSourceLog?: string;
}

export const defaultSgsBaseUrl = 'https://api.bcb.gov.br/dados/serie';
export const defaultPtaxBaseUrl = 'https://olinda.bcb.gov.br/olinda/servico/PTAX/versao/v1/odata';
export const defaultIpeaBaseUrl = 'http://www.ipeadata.gov.br/api/odata4';

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
 * Reads the sources' settings once, at init: `BCB_SGS_BASE_URL`, `BCB_PTAX_BASE_URL`, `IPEA_BASE_URL`
 * (tests, proxies), `SIMULATED_FAULTS` and `SIMULATED_SOURCE_LOG`. Throws a ConfigError naming the first
 * bad variable.
 */
export function readSourceConfig(env: Env = process.env): SourceConfig {
  const simulatedSourceLog = optionalAbsolutePath(env, 'SIMULATED_SOURCE_LOG');
  return {
    sgsBaseUrl: optionalUrl(env, 'BCB_SGS_BASE_URL', defaultSgsBaseUrl),
    ptaxBaseUrl: optionalUrl(env, 'BCB_PTAX_BASE_URL', defaultPtaxBaseUrl),
    ipeaBaseUrl: optionalUrl(env, 'IPEA_BASE_URL', defaultIpeaBaseUrl),
    simulatedFaults: parseSimulatedFaults(env, 'SIMULATED_FAULTS'),
    ...(simulatedSourceLog === undefined ? {} : { simulatedSourceLog }),
  };
}

/**
 * An optional absolute file path. A relative one is refused: it would depend on the function's working
 * directory, which is not the directory of whoever set it.
 */
function optionalAbsolutePath(env: Env, name: string): string | undefined {
  const raw = optionalString(env, name);
  if (raw !== undefined && !isAbsolute(raw)) {
    throw new ConfigError(name, `must be an absolute file path, got ${JSON.stringify(raw)}`);
  }
  return raw;
}

/**
 * Parses `SIMULATED_FAULTS`, a JSON object of rates such as `{"error":0.1,"null":0.02,"seed":42}`. Missing
 * rates are 0; unknown keys are refused, since a typo (`"errors"`) would otherwise silently mean "no faults".
 */
export function parseSimulatedFaults(env: Env, name: string): SimulatedFaults {
  const raw = optionalString(env, name);
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
