import {
  checkFileRow,
  fileItemSource,
  formatIsoDate,
  mapConcurrently,
  PipelineError,
  type DayRange,
  type FileRowContext,
  type FileRowStore,
  type GoodFileRow,
  type PipelineLogger,
  type StoredDay,
  type StoredDays,
} from '@gapless/pipeline-core';
import { decideFileRow, FileRowAction } from './fileRowDecision.js';
import { openCsv } from './csvRecords.js';
import { createNewItemWriter } from './newItemWriter.js';
import type { RejectedRows } from './rejectedRows.js';
import { replaceRow, type ReplaceOutcome, type Replacement } from './replaceRow.js';
import type { FileValidation } from './validateFile.js';

/** What the table held for one series when the second pass began. */
export interface SeriesState {
  readonly stored: StoredDays;
  readonly leases: readonly DayRange[];
}

export interface WriteRowsInput {
  readonly body: AsyncIterable<Uint8Array>;
  readonly objectKey: string;
  readonly context: FileRowContext;
  readonly validation: FileValidation;
  readonly states: ReadonlyMap<string, SeriesState>;
  readonly rejected: RejectedRows;
}

export interface RowCounts {
  readonly rowsRead: number;
  readonly rowsWritten: number;
  readonly rowsSkippedOk: number;
  readonly rowsRejected: number;
  readonly rowsOverwritten: number;
  readonly itemWrites: number;
}

/** Replacements gathered before they are written together, and how many go out at once. */
const REPLACEMENTS_PER_ROUND = 64;
const REPLACE_CONCURRENCY = 8;

/**
 * The second pass: reads the file again and, row by row, refuses the bad ones (to the rejected file), skips
 * the ones the table already holds, batch-writes those whose dates have no item, and writes each one that
 * replaces an item (or lands under a lease, where the scraper may be writing) with a conditional PutItem that
 * holds only over what was read. Every row that meets another OK value is logged with the choice made.
 */
export async function writeRows(
  store: FileRowStore,
  logger: PipelineLogger,
  input: WriteRowsInput,
): Promise<RowCounts> {
  const { rows } = await openCsv(input.body);
  const pass = new WritePass(store, logger, input);
  for await (const { line, fields } of rows) await pass.row(line, fields);
  return pass.finish();
}

class WritePass {
  private readonly newItems;
  private replacements: Replacement[] = [];
  private rowsRead = 0;
  private rowsSkippedOk = 0;
  private rowsOverwritten = 0;
  private replaced = 0;
  private replaceWrites = 0;

  constructor(
    private readonly store: FileRowStore,
    private readonly logger: PipelineLogger,
    private readonly input: WriteRowsInput,
  ) {
    this.newItems = createNewItemWriter(store);
  }

  async row(line: number, fields: readonly string[]): Promise<void> {
    this.rowsRead += 1;
    const row = checkFileRow(fields, this.input.validation.layout, this.input.context);
    if (!row.ok) return this.input.rejected.add(line, fields, row.reason);
    if (this.input.validation.keys.isDuplicated(row.infoType, row.day)) {
      const reason = `${row.infoType} ${formatIsoDate(row.day)} is on more than one row of the file: none of them is written`;
      return this.input.rejected.add(line, fields, reason);
    }
    const state = this.input.states.get(row.infoType) as SeriesState;
    const stored = state.stored.get(row.day);
    const action = decideFileRow(stored, row);
    const source = fileItemSource(this.input.objectKey, row.note);
    const item = { infoType: row.infoType, day: row.day, value: row.value, source };
    if (action === FileRowAction.Skip) this.rowsSkippedOk += 1;
    else if (action === FileRowAction.Keep) await this.keep({ line, fields, row }, stored);
    else if (action === FileRowAction.Write && !underLease(state.leases, row.day))
      await this.newItems.add(item);
    else {
      this.replacements.push({ line, fields, row, item, expected: stored });
      if (this.replacements.length >= REPLACEMENTS_PER_ROUND) await this.settle();
    }
  }

  async finish(): Promise<RowCounts> {
    await this.settle();
    const written = await this.newItems.finish();
    const { rowsRead } = this.input.validation;
    if (this.rowsRead !== rowsRead) {
      throw new PipelineError(
        `the file read ${this.rowsRead} rows the second time and ${rowsRead} the first: it changed under the same entity tag`,
      );
    }
    return {
      rowsRead,
      rowsWritten: written.written + this.replaced,
      rowsSkippedOk: this.rowsSkippedOk,
      rowsRejected: this.input.rejected.size,
      rowsOverwritten: this.rowsOverwritten,
      itemWrites: written.itemWrites + this.replaceWrites,
    };
  }

  /** Writes the gathered replacements, a few at once, and accounts for each in file order. */
  private async settle(): Promise<void> {
    const batch = this.replacements;
    this.replacements = [];
    const outcomes = await mapConcurrently(batch, REPLACE_CONCURRENCY, (one) => replaceRow(this.store, one));
    for (const [index, outcome] of outcomes.entries())
      await this.settled(batch[index] as Replacement, outcome);
  }

  private async settled(one: Replacement, outcome: ReplaceOutcome): Promise<void> {
    this.replaceWrites += outcome.writes;
    if (outcome.action === FileRowAction.Skip) this.rowsSkippedOk += 1;
    else if (outcome.action === FileRowAction.Keep) await this.keep(one, outcome.stored);
    else if (outcome.action === 'changing') {
      const reason = 'the stored item kept changing while the file was written; deliver the file again';
      await this.input.rejected.add(one.line, one.fields, reason);
    } else {
      this.replaced += 1;
      if (outcome.action === FileRowAction.ReplaceFileValue || outcome.action === FileRowAction.Overwrite) {
        this.rowsOverwritten += 1;
        logChoice(this.logger, one, outcome.stored, 'overwritten');
      }
    }
  }

  /** Refuses a row that would change the series' own OK value without saying `overwrite`, and logs it. */
  private async keep(
    one: { readonly line: number; readonly fields: readonly string[]; readonly row: GoodFileRow },
    stored: StoredDay | undefined,
  ): Promise<void> {
    logChoice(this.logger, one, stored, 'kept');
    const series = this.input.context.catalog.get(one.row.infoType);
    const reason = `keeps the OK value ${stored?.value} from the series' source (${series?.source}); set overwrite=true on the row to replace it`;
    await this.input.rejected.add(one.line, one.fields, reason);
  }
}

function underLease(leases: readonly DayRange[], day: number): boolean {
  return leases.some((lease) => lease.first <= day && day <= lease.last);
}

function logChoice(
  logger: PipelineLogger,
  one: { readonly line: number; readonly row: GoodFileRow },
  stored: StoredDay | undefined,
  choice: 'overwritten' | 'kept',
): void {
  const attributes = {
    line: one.line,
    series: one.row.infoType,
    date: formatIsoDate(one.row.day),
    storedValue: stored?.value,
    storedFrom: stored?.fromFile ? 'file' : 'source',
    fileValue: one.row.value,
    overwrite: one.row.overwrite,
    choice,
  };
  logger.info(
    choice === 'overwritten'
      ? 'row replaced an OK value'
      : "row not written: it would change the series' source value and does not say overwrite=true",
    attributes,
  );
}
