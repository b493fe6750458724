import { createClusteringHandler } from './handler.js';

/**
 * data_clustering (scheduled): finds each series' missing dates, opens one lease per continuous stream and
 * enqueues the stream's message under it. An event with `{"mode":"audit"}` re-reads every series from its start.
 */
export const handler = createClusteringHandler();
