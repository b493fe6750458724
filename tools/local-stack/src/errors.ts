import { PipelineError } from '@gapless/pipeline-core';

/** Base of the errors the local stack raises on purpose. */
export class LocalStackError extends PipelineError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LocalStackError';
  }
}

/** An emulator could not start: its port is taken, or its data directory cannot be used. */
export class EmulatorStartError extends LocalStackError {
  readonly emulator: string;
  constructor(emulator: string, message: string, options?: ErrorOptions) {
    super(`${emulator} could not start: ${message}`, options);
    this.name = 'EmulatorStartError';
    this.emulator = emulator;
  }
}

/**
 * An existing resource does not match its definition in a way that cannot be fixed in place (a table's key
 * schema or indexes). `differences` lists each one; nothing was changed.
 */
export class ResourceMismatchError extends LocalStackError {
  readonly resource: string;
  readonly differences: readonly string[];
  constructor(resource: string, differences: readonly string[]) {
    super(`${resource} exists but differs from its definition: ${differences.join('; ')}`);
    this.name = 'ResourceMismatchError';
    this.resource = resource;
    this.differences = differences;
  }
}
