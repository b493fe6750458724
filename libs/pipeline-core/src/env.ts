import { ConfigError } from './errors.js';

/** The environment as the helpers read it: `process.env` or a plain object in tests. */
export type Env = Readonly<Record<string, string | undefined>>;

// Readers of one environment variable each: a missing or malformed value throws a ConfigError that names the
// variable and says what was expected. The functions read their whole configuration with these, at init.

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

/** A variable that must be set to an absolute http(s) URL; returned without a trailing slash. */
export function requireUrl(env: Env, name: string): string {
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

/** The trimmed value, or undefined when unset or blank (an empty variable is as good as unset). */
export function optionalString(env: Env, name: string): string | undefined {
  return present(env, name);
}

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
