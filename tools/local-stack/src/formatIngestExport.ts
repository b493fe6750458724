import type { RunSummary } from './runSummary.js';

const count = new Intl.NumberFormat('en-US');

/**
 * The terminal lines about the files ingested (only when some were given) and the lake export: rows read,
 * written, skipped and rejected with where the rejected rows went; partitions written and unchanged, bytes,
 * and where the lake is. A refused or failed file and a failed export get a line of their own.
 */
export function ingestExportLines(summary: Pick<RunSummary, 'ingest' | 'lakeExport'>): string[] {
  const lines: string[] = [];
  const ingest = summary.ingest;
  if (ingest !== undefined && ingest.files.length > 0) {
    lines.push(
      `ingest: ${ingest.files.length} file(s), ${count.format(ingest.rowsRead)} rows read, ` +
        `${count.format(ingest.rowsWritten)} written (${count.format(ingest.rowsOverwritten)} over OK values), ` +
        `${count.format(ingest.rowsSkippedOk)} skipped (already OK), ${count.format(ingest.rowsRejected)} rejected`,
    );
    for (const file of ingest.files) {
      const rejected = file.rejectedKey ? `; rejected rows in s3://${file.bucket}/${file.rejectedKey}` : '';
      const error = file.error ? `: ${file.error}` : '';
      lines.push(`  ${file.status} s3://${file.bucket}/${file.key} (${file.file})${rejected}${error}`);
    }
  }
  const lake = summary.lakeExport;
  if (lake !== undefined) {
    lines.push(
      lake.error === undefined
        ? `lake export: ${count.format(lake.partitionsWritten)} partition(s) written ` +
            `(${count.format(lake.rows)} rows, ${count.format(lake.bytesWritten)} bytes), ` +
            `${count.format(lake.partitionsUnchanged)} unchanged, in s3://${lake.bucket}/${lake.prefix}`
        : `lake export failed: ${lake.error}`,
    );
  }
  return lines;
}
