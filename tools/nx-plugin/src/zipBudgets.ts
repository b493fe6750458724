/**
 * How large each function's zip may be, in one place: the benchmark reports every zip against its budget
 * and the zip integration test holds every function to it.
 *
 * Every function gets the pipeline's budget (issue 3: 200 KB) unless it is listed here with its own and the
 * reason: a new function starts on the small budget, and a larger one is a decision written down.
 */
export const defaultZipBudgetBytes = 200_000;

export const zipBudgetOverrides: Readonly<Record<string, number>> = {
  // Issue 15's figure: the S3 client beside DynamoDB's (about 140 KB of minified code with its middleware)
  // and a pure-JS Parquet writer (hyparquet-writer, no native code in a Lambda zip). Measured 157 KB.
  lake_export: 400_000,
  // The same two SDK clients, with csv-parse where lake_export has the Parquet writer; measured 155.5 KB
  // (481 KB minified). 250 KB leaves room for the function to grow by half and still catches an accidental
  // heavy dependency: the SDK's default credential chain (about 58 KB minified) or date-holidays (240 KB).
  csv_ingest: 250_000,
};

/** The zip budget of one function, in bytes. */
export function zipBudgetOf(name: string): number {
  return zipBudgetOverrides[name] ?? defaultZipBudgetBytes;
}
