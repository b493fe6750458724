import { StoreError, type FileRowItem, type FileRowStore } from '@gapless/pipeline-core';

/** Items handed to one `writeNew` call (four BatchWriteItem calls of 25). */
const ITEMS_PER_FLUSH = 100;
/** `writeNew` calls in flight at once, so the table sees several batch writes while the file reads on. */
const FLUSHES_IN_FLIGHT = 4;

/** What the writer of new items did. */
export interface NewItemCounts {
  readonly written: number;
  /** Item writes sent, resends of unprocessed items included. */
  readonly itemWrites: number;
}

/**
 * Writes the items whose dates had no item, in BatchWriteItem calls of 25 through the store's write loop, a
 * few calls in flight at once: `add` waits when they are all busy, so the file is read no faster than the
 * table takes its rows (memory: a few hundred items). An item still unprocessed after the write loop's
 * retries fails the ingest at `finish` (it runs again, and what was written is then skipped as equal).
 */
export function createNewItemWriter(store: FileRowStore) {
  let buffer: FileRowItem[] = [];
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let written = 0;
  let itemWrites = 0;
  let unwritten = 0;

  const flush = async (): Promise<void> => {
    if (buffer.length > 0) {
      const items = buffer;
      buffer = [];
      const call: Promise<void> = store.writeNew(items).then(
        (outcome) => {
          written += items.length - outcome.unwritten.length;
          itemWrites += outcome.itemWrites;
          unwritten += outcome.unwritten.length;
        },
        (error: unknown) => {
          failure ??= error;
        },
      );
      const tracked = call.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    }
    if (inFlight.size >= FLUSHES_IN_FLIGHT) await Promise.race(inFlight);
    if (failure !== undefined) throw failure;
  };

  return {
    async add(item: FileRowItem): Promise<void> {
      buffer.push(item);
      if (buffer.length >= ITEMS_PER_FLUSH) await flush();
    },

    /** Writes what is buffered and waits for every call; throws if any failed or left items unwritten. */
    async finish(): Promise<NewItemCounts> {
      try {
        await flush();
      } finally {
        await Promise.all(inFlight);
      }
      if (failure !== undefined) throw failure;
      if (unwritten > 0) {
        throw new StoreError(
          'BatchWriteItem',
          `${unwritten} items stayed unprocessed after the write loop's retries; the file is ingested again on the next attempt`,
        );
      }
      return { written, itemWrites };
    },
  };
}
