import { createHandler } from './handler.js';

/**
 * lake_export (scheduled daily, or by hand for some series): writes the partitions of the table's series
 * that changed since the last export as Parquet files to the lake bucket, `series=<info_type>/year=<yyyy>/`.
 */
export const handler = createHandler();
