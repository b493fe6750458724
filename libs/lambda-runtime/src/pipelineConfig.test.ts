import type { Env } from '@gapless/pipeline-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { queueDefinition } from '@gapless/aws-adapters';
import { readPipelineConfig } from './pipelineConfig.js';
import { configErrorOf } from '@gapless/pipeline-core/testing';

const baseEnv = (overrides: Env = {}): Env => ({ TABLE_NAME: 'gapless', ...overrides });

describe('readPipelineConfig', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('reads process.env by default and fills the defaults', () => {
    // Prepare
    vi.stubEnv('TABLE_NAME', 'gapless');
    vi.stubEnv('QUEUE_URL', '');
    vi.stubEnv('MAX_RETRIES', '');

    // Act
    const config = readPipelineConfig();

    // Assess
    expect(config).toEqual({
      tableName: 'gapless',
      maxRetries: 5,
      sourceMode: 'live',
      maxMessageBytes: queueDefinition.maximumMessageBytes,
      timing: expect.any(Object),
    });
  });

  it('reads every variable when set', () => {
    // Prepare
    const env = baseEnv({
      QUEUE_URL: 'http://sqs.us-east-1.localhost:4566/000000000000/gapless-work',
      MAX_RETRIES: '3',
      SOURCE_MODE: 'simulated',
      MAX_MESSAGE_BYTES: '1048576',
    });

    // Act
    const config = readPipelineConfig(env, { requireQueue: true });

    // Assess
    expect(config).toEqual({
      tableName: 'gapless',
      queueUrl: 'http://sqs.us-east-1.localhost:4566/000000000000/gapless-work',
      maxRetries: 3,
      sourceMode: 'simulated',
      maxMessageBytes: 1_048_576,
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
    const error = configErrorOf(() => readPipelineConfig(env, { requireQueue: true }));

    // Assess
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(message);
  });

  it('does not require QUEUE_URL when the function does not send', () => {
    // Act
    const config = readPipelineConfig(baseEnv(), { requireQueue: false });

    // Assess
    expect(config.queueUrl).toBeUndefined();
  });

  it.each([
    ['MAX_RETRIES', '21', /MAX_RETRIES must be between 0 and 20, got 21/],
    ['MAX_RETRIES', '-1', /between 0 and 20/],
    ['MAX_RETRIES', 'five', /MAX_RETRIES must be an integer between 0 and 20, got "five"/],
    ['MAX_RETRIES', '2.5', /must be an integer/],
  ])('names %s when it is %j', (variable, value, message) => {
    // Act
    const error = configErrorOf(() => readPipelineConfig(baseEnv({ [variable]: value })));

    // Assess
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(message);
  });
});

describe('readPipelineConfig: source mode, message size and timing', () => {
  const base = { TABLE_NAME: 't' };

  it('defaults to live sources, the queue default size and production clocks', () => {
    // Act
    const config = readPipelineConfig(base);

    // Assess
    expect(config.sourceMode).toBe('live');
    expect(config.maxMessageBytes).toBe(queueDefinition.maximumMessageBytes);
    expect(config.timing).toEqual({
      retryBackoffBaseMs: 300_000,
      retryBackoffCapMs: 21_600_000,
      pendingTimeoutMs: 3_600_000,
      inflightTimeoutMs: 3_600_000,
    });
  });

  it('reads seconds as fractions too, for the local stack', () => {
    // Act
    const config = readPipelineConfig({
      ...base,
      RETRY_BACKOFF_BASE_SECONDS: '0.5',
      SOURCE_MODE: 'simulated',
    });

    // Assess
    expect(config.timing.retryBackoffBaseMs).toBe(500);
    expect(config.sourceMode).toBe('simulated');
  });

  it.each([
    ['SOURCE_MODE', 'fake', /SOURCE_MODE must be one of live, simulated, got "fake"/],
    ['PENDING_TIMEOUT_SECONDS', '-1', /PENDING_TIMEOUT_SECONDS must be/],
    ['INFLIGHT_TIMEOUT_SECONDS', 'soon', /INFLIGHT_TIMEOUT_SECONDS must be a number/],
  ])('refuses a bad %s naming it', (name, value, message) => {
    // Act / Assess
    expect(() => readPipelineConfig({ ...base, [name]: value })).toThrow(message);
  });
});

describe('readPipelineConfig: MAX_MESSAGE_BYTES', () => {
  const base = { TABLE_NAME: 't' };

  it.each([1_024, 262_144, 1_048_576])('accepts %i bytes, within what SQS allows', (bytes) => {
    // Act
    const config = readPipelineConfig({ ...base, MAX_MESSAGE_BYTES: String(bytes) });

    // Assess
    expect(config.maxMessageBytes).toBe(bytes);
  });

  it.each([
    ['1048577', /MAX_MESSAGE_BYTES must be an integer between 1024 and 1048576 bytes .*, got 1048577/],
    ['2097152', /got 2097152/],
    ['1023', /MAX_MESSAGE_BYTES must be an integer between 1024 and 1048576 bytes .*, got 1023/],
    ['0', /got 0/],
    ['256KiB', /MAX_MESSAGE_BYTES must be an integer, got "256KiB"/],
    ['1024.5', /MAX_MESSAGE_BYTES must be an integer/],
  ])('refuses %j at init, naming the variable', (value, message) => {
    // Act
    const error = configErrorOf(() => readPipelineConfig({ ...base, MAX_MESSAGE_BYTES: value }));

    // Assess
    expect(error.variable).toBe('MAX_MESSAGE_BYTES');
    expect(error.message).toMatch(message);
  });
});
