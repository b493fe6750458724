import type { Day } from './dates.js';
import type { ItemStatus } from './item.js';

/** What the table holds for one date of a series, as far as a file row needs to know. */
export interface StoredDay {
  readonly status: ItemStatus;
  /** The stored value; null while missing. */
  readonly value: number | null;
  /** Whether an OK value was written from a file (its `source` starts with `file:`), not by the series' source. */
  readonly fromFile: boolean;
}

/** The stored items of one series over a range of dates, looked up by date. */
export interface StoredDays {
  get(day: Day): StoredDay | undefined;
  /** Items held. */
  readonly size: number;
}

/** A good file row on its way to the table: an `OK` item with the file's provenance as its `source`. */
export interface FileRowItem {
  readonly infoType: string;
  readonly day: Day;
  readonly value: number;
  /** `file:<key>`, or `file:<key>|<the row's source text>`. */
  readonly source: string;
}

/** What a batch of new items cost and left: the items not written after the write loop's retries. */
export interface FileRowWriteOutcome {
  readonly unwritten: FileRowItem[];
  /** BatchWriteItem calls made. */
  readonly calls: number;
  /** Item writes sent, resends of unprocessed items included. */
  readonly itemWrites: number;
}

/** A stream of work in flight on a series (a lease): its dates may get a value from the source any moment. */
export interface DayRange {
  readonly first: Day;
  readonly last: Day;
}

/**
 * The table as csv_ingest sees it: what is stored over a range (one Query per series), the leases of work in
 * flight, new items written in batches, and single items replaced only if they are still what was read.
 */
export interface FileRowStore {
  /** Every item of `infoType` dated `from`..`to` (consistent reads, paginated). */
  readStored(infoType: string, from: Day, to: Day): Promise<StoredDays>;
  /** The date ranges of the series' leases (work in flight). */
  leaseRanges(infoType: string): Promise<DayRange[]>;
  /** Writes items whose dates had no item, BatchWriteItem in 25s with unprocessed items retried. */
  writeNew(items: readonly FileRowItem[]): Promise<FileRowWriteOutcome>;
  /**
   * Writes one item only if the date still holds `expected` (undefined: no item; a non-OK status: any non-OK
   * item; OK: that very value). False when the stored item changed since it was read.
   */
  replace(item: FileRowItem, expected: StoredDay | undefined): Promise<boolean>;
  /** The item of one date now (a consistent read), after a `replace` found it changed. */
  readOne(infoType: string, day: Day): Promise<StoredDay | undefined>;
}
