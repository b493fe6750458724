import { createRecheckHandler } from './handler.js';

/**
 * retry_recheck (scheduled): re-enqueues the dates due for retry while their budget lasts and quarantines
 * the rest.
 */
export const handler = createRecheckHandler();
