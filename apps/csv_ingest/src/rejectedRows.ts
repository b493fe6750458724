import type { FileLayout, TextObjectWriter } from '@gapless/pipeline-core';

/** The header of a rejected file: a row's line in the original, its three fields as written, and why. */
export const REJECTED_HEADER = 'line,info_type,date,value,reason';

/** A field of the rejected file, quoted when it holds a separator, a quote or a line break (RFC 4180). */
export function csvField(text: string): string {
  return /[",;\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The rejected file of one upload, written only if a row is refused: the object is created on the first
 * line, and streams out in parts however many rows are refused (memory: one part).
 */
export class RejectedRows {
  private writer: TextObjectWriter | undefined;
  private count = 0;

  constructor(
    private readonly layout: FileLayout,
    private readonly open: () => TextObjectWriter,
  ) {}

  /** Rows refused so far. */
  get size(): number {
    return this.count;
  }

  /** Adds a refused row: its line, its `info_type`, `date` and `value` fields as the file had them, the reason. */
  async add(line: number, fields: readonly string[], reason: string): Promise<void> {
    if (this.writer === undefined) {
      this.writer = this.open();
      await this.writer.write(`${REJECTED_HEADER}\n`);
    }
    this.count += 1;
    const { infoType, date, value } = this.layout.columns;
    const cells = [String(line), fields[infoType] ?? '', fields[date] ?? '', fields[value] ?? '', reason];
    await this.writer.write(`${cells.map(csvField).join(',')}\n`);
  }

  /** Stores the file; true when there was one to store. */
  async finish(): Promise<boolean> {
    if (this.writer === undefined) return false;
    await this.writer.finish();
    return true;
  }

  /** Drops whatever was written (the ingest failed and will run again). */
  async abort(): Promise<void> {
    await this.writer?.abort();
  }
}
