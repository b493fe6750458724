/** How one uploaded file ended: its rows written, or the whole file refused. */
export const FileStatus = { Ingested: 'ingested', Refused: 'refused' } as const;
export type FileStatus = (typeof FileStatus)[keyof typeof FileStatus];

/**
 * What csv_ingest reports for one file (the handler returns `{ files }`; the local stack reads it). For an
 * ingested file `rowsRead = rowsWritten + rowsSkippedOk + rowsRejected`, and `rowsOverwritten` counts the
 * written rows that replaced an OK value. A refused file wrote nothing to the table: `error` says why, and
 * every count is 0.
 */
export interface FileReport {
  readonly bucket: string;
  readonly key: string;
  readonly status: FileStatus;
  readonly rowsRead: number;
  readonly rowsWritten: number;
  /** Rows whose date already holds that value as OK (from this file, another, or the source). */
  readonly rowsSkippedOk: number;
  readonly rowsRejected: number;
  readonly rowsOverwritten: number;
  /** Item writes sent to DynamoDB (batched and conditional, resends included): 0 for a file delivered again. */
  readonly itemWrites: number;
  /** `raw/<key without incoming/>`: where the copy of the original is (every file read is copied first). */
  readonly rawKey: string;
  /** `rejected/<key without incoming/>.rejected.csv`, when a row was refused. */
  readonly rejectedKey?: string;
  /** Why the file was refused. */
  readonly error?: string;
}

/** The report of a file refused as a whole. */
export function refusedReport(
  file: { readonly bucket: string; readonly key: string },
  rawKey: string,
  error: string,
): FileReport {
  return {
    bucket: file.bucket,
    key: file.key,
    status: FileStatus.Refused,
    rowsRead: 0,
    rowsWritten: 0,
    rowsSkippedOk: 0,
    rowsRejected: 0,
    rowsOverwritten: 0,
    itemWrites: 0,
    rawKey,
    error,
  };
}
