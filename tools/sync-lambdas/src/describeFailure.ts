import { SyncError } from './errors.js';

/**
 * One line saying why a step failed: our own errors already say what failed; an SDK error keeps its name
 * (the API's error code) in front.
 */
export function describeFailure(error: unknown): string {
  if (error instanceof SyncError) return error.message;
  if (!(error instanceof Error)) return String(error);
  return error.message.startsWith(error.name) ? error.message : `${error.name}: ${error.message}`;
}
