import { ItemStatus, type Day, type StoredDay, type StoredDays } from '@gapless/pipeline-core';

const STATUSES: readonly ItemStatus[] = Object.values(ItemStatus);

/** One Query page of items, in date order, as parallel typed arrays sized to it. */
interface Block {
  readonly days: Int32Array;
  readonly values: Float64Array;
  /** The status' index, shifted left once, and 1 when the value came from a file. */
  readonly flags: Uint8Array;
}

/**
 * A series' items over a range, kept as they arrive: one block of typed arrays per Query page (13 bytes an
 * item, nothing allocated ahead, nothing copied as it grows), found by a binary search over the blocks'
 * first dates, then within the block. Blocks must arrive in date order, as a Query returns them.
 */
export class SortedStoredDays implements StoredDays {
  private readonly blocks: Block[] = [];
  size = 0;

  /** Adds the items of one page; their dates follow every date already held. */
  addBlock(entries: readonly (readonly [Day, StoredDay])[]): void {
    if (entries.length === 0) return;
    const block: Block = {
      days: new Int32Array(entries.length),
      values: new Float64Array(entries.length),
      flags: new Uint8Array(entries.length),
    };
    for (const [index, [day, stored]] of entries.entries()) {
      block.days[index] = day;
      block.values[index] = stored.value ?? Number.NaN;
      block.flags[index] = (STATUSES.indexOf(stored.status) << 1) | (stored.fromFile ? 1 : 0);
    }
    this.blocks.push(block);
    this.size += entries.length;
  }

  get(day: Day): StoredDay | undefined {
    const block =
      this.blocks[lastAtOrBefore(this.blocks.length, (index) => this.blocks[index]?.days[0] as number, day)];
    if (block === undefined) return undefined;
    const index = lastAtOrBefore(block.days.length, (at) => block.days[at] as number, day);
    if (index < 0 || block.days[index] !== day) return undefined;
    const flags = block.flags[index] as number;
    const value = block.values[index] as number;
    return {
      status: STATUSES[flags >> 1] as ItemStatus,
      value: Number.isNaN(value) ? null : value,
      fromFile: (flags & 1) === 1,
    };
  }
}

/** The last index in `0..length-1` whose (ascending) key is at most `day`, or -1. */
function lastAtOrBefore(length: number, keyAt: (index: number) => number, day: Day): number {
  let low = 0;
  let high = length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    if (keyAt(middle) <= day) {
      found = middle;
      low = middle + 1;
    } else high = middle - 1;
  }
  return found;
}
