import { ConfigError, optionalInt, type Env } from '@gapless/pipeline-core';
import { queueDefinition } from './queueDefinition.js';

/** The functions' variable holding the work queue's MaximumMessageSize. */
export const maxMessageBytesVariable = 'MAX_MESSAGE_BYTES';

/**
 * Reads `MAX_MESSAGE_BYTES`, the work queue's MaximumMessageSize in bytes, once, at init: unset or blank
 * gives `queueDefinition.maximumMessageBytes`; anything but an integer SQS accepts as a queue's
 * MaximumMessageSize fails with a ConfigError naming the variable. The deployment sets the queue and
 * every function from the same value, so the senders split at the size the queue accepts and the scraper
 * refuses nothing they send.
 */
export function readMaxMessageBytes(env: Env): number {
  const value = optionalInt(env, maxMessageBytesVariable, queueDefinition.maximumMessageBytes);
  return checkMaxMessageBytes(value, maxMessageBytesVariable);
}

/**
 * `value` if it is a message size limit SQS accepts (`queueDefinition.messageBytesRange`); otherwise a
 * ConfigError naming `name` (a variable, an option, a CDK context key) and the range.
 */
export function checkMaxMessageBytes(value: number, name: string): number {
  const { min, max } = queueDefinition.messageBytesRange;
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = `between ${min} and ${max} bytes (the MaximumMessageSize range SQS accepts)`;
    throw new ConfigError(name, `must be an integer ${range}, got ${value}`);
  }
  return value;
}
