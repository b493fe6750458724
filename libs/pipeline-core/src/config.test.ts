import { fc, test } from '@fast-check/vitest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  defaultPtaxBaseUrl,
  defaultSgsBaseUrl,
  optionalFloat,
  optionalInt,
  optionalUrl,
  readPipelineConfig,
  requireString,
  type Env,
} from './config.js';
import { ConfigError } from './errors.js';

const baseEnv = (overrides: Env = {}): Env => ({ TABLE_NAME: 'gapless', ...overrides });

function errorOf(action: () => unknown): ConfigError {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('readPipelineConfig', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('reads process.env by default and fills the defaults', () => {
    // Prepare
    vi.stubEnv('TABLE_NAME', 'gapless');
    vi.stubEnv('QUEUE_URL', '');
    vi.stubEnv('MAX_RETRIES', '');
    vi.stubEnv('BCB_SGS_BASE_URL', '');
    vi.stubEnv('BCB_PTAX_BASE_URL', '');
    vi.stubEnv('SIMULATED_FAULTS', '');
    // Act
    const config = readPipelineConfig();
    // Assess
    expect(config).toEqual({
      tableName: 'gapless',
      maxRetries: 5,
      sgsBaseUrl: defaultSgsBaseUrl,
      ptaxBaseUrl: defaultPtaxBaseUrl,
      simulatedFaults: { error: 0, timeout: 0, throttle: 0, null: 0, malformed: 0, seed: 42 },
      sourceMode: 'live',
      maxMessageBytes: 262_144,
      timing: expect.any(Object),
    });
  });

  it('reads every variable when set', () => {
    // Prepare
    const env = baseEnv({
      QUEUE_URL: 'http://sqs.us-east-1.localhost:4566/000000000000/gapless-work',
      MAX_RETRIES: '3',
      BCB_SGS_BASE_URL: 'http://127.0.0.1:9000/dados/serie/',
      BCB_PTAX_BASE_URL: 'http://127.0.0.1:9001/odata',
      SIMULATED_FAULTS: '{"error":0.1,"timeout":0.05,"throttle":0.05,"null":0.02,"malformed":0.02,"seed":7}',
    });
    // Act
    const config = readPipelineConfig(env, { requireQueue: true });
    // Assess
    expect(config).toEqual({
      tableName: 'gapless',
      queueUrl: 'http://sqs.us-east-1.localhost:4566/000000000000/gapless-work',
      maxRetries: 3,
      sgsBaseUrl: 'http://127.0.0.1:9000/dados/serie',
      ptaxBaseUrl: 'http://127.0.0.1:9001/odata',
      simulatedFaults: { error: 0.1, timeout: 0.05, throttle: 0.05, null: 0.02, malformed: 0.02, seed: 7 },
      sourceMode: 'live',
      maxMessageBytes: 262_144,
      timing: expect.any(Object),
    });
  });

  it.each([
    [{}, 'TABLE_NAME', /TABLE_NAME is required/],
    [{ TABLE_NAME: '   ' }, 'TABLE_NAME', /TABLE_NAME is required/],
    [baseEnv(), 'QUEUE_URL', /QUEUE_URL is required/],
    [baseEnv({ QUEUE_URL: 'not a url' }), 'QUEUE_URL', /must be an absolute http\(s\) URL, got "not a url"/],
  ])('refuses %j when the queue is required', (env, variable, message) => {
    // Act
    const error = errorOf(() => readPipelineConfig(env, { requireQueue: true }));
    // Assess
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(message);
  });

  it('does not require QUEUE_URL when the function does not send', () => {
    expect(readPipelineConfig(baseEnv(), { requireQueue: false }).queueUrl).toBeUndefined();
  });

  it.each([
    ['MAX_RETRIES', '21', /MAX_RETRIES must be between 0 and 20, got 21/],
    ['MAX_RETRIES', '-1', /between 0 and 20/],
    ['MAX_RETRIES', 'five', /MAX_RETRIES must be an integer between 0 and 20, got "five"/],
    ['MAX_RETRIES', '2.5', /must be an integer/],
    ['BCB_SGS_BASE_URL', 'ftp://example.com', /BCB_SGS_BASE_URL must be an http\(s\) URL/],
    ['SIMULATED_FAULTS', '{"error":', /SIMULATED_FAULTS must be a JSON object/],
    ['SIMULATED_FAULTS', '[0.1]', /SIMULATED_FAULTS must be a JSON object/],
    ['SIMULATED_FAULTS', '{"errors":0.1}', /unknown key\(s\) errors/],
    ['SIMULATED_FAULTS', '{"error":1.5}', /rate "error" must be a number in \[0, 1\], got 1.5/],
    ['SIMULATED_FAULTS', '{"null":"0.1"}', /rate "null" must be a number in \[0, 1\]/],
    ['SIMULATED_FAULTS', '{"error":0.6,"timeout":0.5}', /rates must sum to at most 1, got 1.1/],
    ['SIMULATED_FAULTS', '{"seed":1.5}', /seed must be an integer, got 1.5/],
  ])('names %s when it is %j', (variable, value, message) => {
    // Act
    const error = errorOf(() => readPipelineConfig(baseEnv({ [variable]: value })));
    // Assess
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(message);
  });
});

describe('helpers', () => {
  it('requireString says "is required", never "must be"', () => {
    const error = errorOf(() => requireString({}, 'SOME_NAME'));
    expect(error.message).toBe('SOME_NAME is required (set it to a non-empty string)');
  });

  it('optionalInt says "must be an integer" only for a value that is there', () => {
    expect(optionalInt({}, 'N', 4, { min: 1 })).toBe(4);
    expect(optionalInt({ N: ' 9 ' }, 'N', 4, { min: 1 })).toBe(9);
    expect(errorOf(() => optionalInt({ N: '1e3' }, 'N', 4)).message).toBe('N must be an integer, got "1e3"');
    expect(errorOf(() => optionalInt({ N: '0' }, 'N', 4, { min: 1 })).message).toBe(
      'N must be at least 1, got 0',
    );
  });

  it('optionalFloat reads decimals and checks the range', () => {
    expect(optionalFloat({ F: '0.25' }, 'F', 1, { min: 0, max: 1 })).toBe(0.25);
    expect(optionalFloat({}, 'F', 1)).toBe(1);
    expect(errorOf(() => optionalFloat({ F: 'abc' }, 'F', 1, { max: 2 })).message).toBe(
      'F must be a number at most 2, got "abc"',
    );
  });

  it('optionalUrl keeps the default when unset', () => {
    expect(optionalUrl({}, 'U', 'https://example.com')).toBe('https://example.com');
    expect(optionalUrl({}, 'U', undefined)).toBeUndefined();
  });

  test.prop([fc.integer({ min: -1000, max: 1000 })])(
    'optionalInt accepts exactly the integers in range',
    (n) => {
      const read = () => optionalInt({ N: String(n) }, 'N', 0, { min: 0, max: 20 });
      if (n >= 0 && n <= 20) expect(read()).toBe(n);
      else expect(read).toThrow(ConfigError);
    },
  );
});

describe('readPipelineConfig: source mode, message size and timing', () => {
  const base = { TABLE_NAME: 't' };

  it('defaults to live sources, the queue default size and production clocks', () => {
    const config = readPipelineConfig(base);
    expect(config.sourceMode).toBe('live');
    expect(config.maxMessageBytes).toBe(262_144);
    expect(config.timing).toEqual({
      retryBackoffBaseMs: 300_000,
      retryBackoffCapMs: 21_600_000,
      pendingTimeoutMs: 3_600_000,
      inflightTimeoutMs: 3_600_000,
    });
  });

  it('reads seconds as fractions too, for the local stack', () => {
    const config = readPipelineConfig({
      ...base,
      RETRY_BACKOFF_BASE_SECONDS: '0.5',
      SOURCE_MODE: 'simulated',
    });
    expect(config.timing.retryBackoffBaseMs).toBe(500);
    expect(config.sourceMode).toBe('simulated');
  });

  it.each([
    ['SOURCE_MODE', 'fake', /SOURCE_MODE must be one of live, simulated, got "fake"/],
    ['MAX_MESSAGE_BYTES', '10', /MAX_MESSAGE_BYTES must be/],
    ['PENDING_TIMEOUT_SECONDS', '-1', /PENDING_TIMEOUT_SECONDS must be/],
    ['INFLIGHT_TIMEOUT_SECONDS', 'soon', /INFLIGHT_TIMEOUT_SECONDS must be a number/],
  ])('refuses a bad %s naming it', (name, value, message) => {
    expect(() => readPipelineConfig({ ...base, [name]: value })).toThrow(message);
  });
});
