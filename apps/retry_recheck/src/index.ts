import { createRecheckHandler } from './handler.js';

/**
 * retry_recheck (scheduled): re-enqueues the dates due for retry while their budget lasts, quarantines the
 * rest, and takes up the leases that came due (a lost message is sent again).
 */
export const handler = createRecheckHandler();
