import { ConfigError } from '../errors.js';

/** The ConfigError `action` throws; any other outcome (another error, no error) fails the test. */
export function configErrorOf(action: () => unknown): ConfigError {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
