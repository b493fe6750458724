import { createCsvIngestHandler } from './handler.js';

/**
 * csv_ingest (S3 notification on `incoming/`): validates each uploaded CSV in a first streaming pass, then
 * writes its good rows to the table, copies the original to `raw/` and the refused rows to `rejected/`.
 */
export const handler = createCsvIngestHandler();
