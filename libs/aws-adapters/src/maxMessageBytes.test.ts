import { ConfigError } from '@gapless/pipeline-core';
import { configErrorOf } from '@gapless/pipeline-core/testing';
import { describe, expect, it } from 'vitest';
import { checkMaxMessageBytes, readMaxMessageBytes } from './maxMessageBytes.js';
import { queueDefinition } from './queueDefinition.js';

describe('readMaxMessageBytes', () => {
  it.each([{}, { MAX_MESSAGE_BYTES: '' }, { MAX_MESSAGE_BYTES: '  ' }])(
    'gives the queue definition default when %j',
    (env) => {
      // Act / Assess
      expect(readMaxMessageBytes(env)).toBe(queueDefinition.maximumMessageBytes);
    },
  );

  it('keeps the default within what SQS allows', () => {
    // Act / Assess
    expect(checkMaxMessageBytes(queueDefinition.maximumMessageBytes, 'default')).toBe(
      queueDefinition.maximumMessageBytes,
    );
  });

  it.each([
    ['1024', 1_024],
    [' 1048576 ', 1_048_576],
  ])('reads %j as %i, the bounds SQS allows', (raw, bytes) => {
    // Act / Assess
    expect(readMaxMessageBytes({ MAX_MESSAGE_BYTES: raw })).toBe(bytes);
  });

  it.each(['1023', '1048577', '-1', 'lots', '1e6'])('refuses %j, naming MAX_MESSAGE_BYTES', (raw) => {
    // Act
    const error = configErrorOf(() => readMaxMessageBytes({ MAX_MESSAGE_BYTES: raw }));

    // Assess
    expect(error.variable).toBe('MAX_MESSAGE_BYTES');
    expect(error.message).toMatch(/^MAX_MESSAGE_BYTES must be an integer/);
  });
});

describe('checkMaxMessageBytes', () => {
  it('names what it checked and the range in its error', () => {
    // Act
    const attempt = () => checkMaxMessageBytes(2_000_000, 'maxMessageBytes');

    // Assess
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(
      'maxMessageBytes must be an integer between 1024 and 1048576 bytes (the MaximumMessageSize range SQS accepts), got 2000000',
    );
  });
});
