import {
  type FileRowItem,
  type FileRowStore,
  type GoodFileRow,
  type StoredDay,
} from '@gapless/pipeline-core';
import { decideFileRow, FileRowAction, replacesItem } from './fileRowDecision.js';

/** A good row that replaces an item (or lands on a date under a lease): one conditional write. */
export interface Replacement {
  readonly line: number;
  readonly fields: readonly string[];
  readonly row: GoodFileRow;
  readonly item: FileRowItem;
  /** What the date held when the second pass began. */
  readonly expected: StoredDay | undefined;
}

/** How a replacement ended: the action finally taken (or that the item would not hold still). */
export interface ReplaceOutcome {
  readonly action: FileRowAction | 'changing';
  /** What the write replaced, or what made it stop. */
  readonly stored: StoredDay | undefined;
  /** Conditional writes sent. */
  readonly writes: number;
}

/** Conditional writes of one row before it is refused as changing under the ingest. */
const REPLACE_ATTEMPTS = 3;

/**
 * Writes one row over what was read, conditionally. When the item changed meanwhile (the scraper wrote the
 * source's value, retry_recheck quarantined it...), reads it again and decides again: it may now hold the
 * row's value (skip), a source value to keep, or still take the row, over what it holds now.
 */
export async function replaceRow(store: FileRowStore, one: Replacement): Promise<ReplaceOutcome> {
  let expected = one.expected;
  let action: FileRowAction = decideFileRow(expected, one.row);
  for (let writes = 1; writes <= REPLACE_ATTEMPTS; writes += 1) {
    if (await store.replace(one.item, expected)) return { action, stored: expected, writes };
    expected = await store.readOne(one.item.infoType, one.item.day);
    action = decideFileRow(expected, one.row);
    if (action !== FileRowAction.Write && !replacesItem(action)) return { action, stored: expected, writes };
  }
  return { action: 'changing', stored: expected, writes: REPLACE_ATTEMPTS };
}
