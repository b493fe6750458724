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

/** A function invocation ended without a result: the handler threw, the host crashed, or it timed out. */
export class InvocationError extends LocalStackError {
  readonly functionName: string;
  /** `error`: the handler threw; `crash`: the host process died; `timeout`: it ran past its timeout. */
  readonly kind: 'error' | 'crash' | 'timeout' | 'init';
  constructor(functionName: string, kind: InvocationError['kind'], message: string, options?: ErrorOptions) {
    super(`${functionName} invocation failed (${kind}): ${message}`, options);
    this.name = 'InvocationError';
    this.functionName = functionName;
    this.kind = kind;
  }
}

/** A command-line argument that cannot be used; the CLI prints it with the usage and exits 2. */
export class UsageError extends LocalStackError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
