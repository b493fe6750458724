import { createClusteringHandler } from './handler.js';

/**
 * data_clustering (scheduled): finds each series' missing dates, marks them PENDING and enqueues one message
 * per continuous stream. An event with `{"mode":"audit"}` re-reads every series from its start.
 */
export const handler = createClusteringHandler();
