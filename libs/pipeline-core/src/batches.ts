import { ItemTooLargeError } from './errors.js';

/** The limits of one BatchWriteItem call, and of one item. */
export interface BatchLimits {
  /** Requests per call (DynamoDB: 25). */
  readonly maxItems: number;
  /** Total size of the items of one call (DynamoDB: 16 MB). */
  readonly maxBytes: number;
  /** Size of one item (DynamoDB: 400 KB). */
  readonly maxItemBytes: number;
}

/** DynamoDB's own limits for BatchWriteItem. */
export const batchWriteLimits: BatchLimits = {
  maxItems: 25,
  maxBytes: 16 * 1024 * 1024,
  maxItemBytes: 400 * 1024,
};

/**
 * Splits items into BatchWriteItem calls: at most `maxItems` requests and `maxBytes` per chunk, in the
 * input's order, each chunk as full as the limits allow (so the count of calls is the fewest a greedy
 * in-order split can make). An item over `maxItemBytes` throws {@link ItemTooLargeError} before anything is
 * chunked: no retry could ever store it, and finding out after half the batch was written is worse.
 */
export function chunkForBatchWrite<T>(
  items: readonly T[],
  sizeOf: (item: T) => number,
  limits: BatchLimits = batchWriteLimits,
): T[][] {
  checkLimits(limits);
  const sizes = items.map((item, index) => {
    const bytes = sizeOf(item);
    if (bytes > limits.maxItemBytes || bytes > limits.maxBytes) {
      throw new ItemTooLargeError(index, bytes, Math.min(limits.maxItemBytes, limits.maxBytes));
    }
    return bytes;
  });
  const chunks: T[][] = [];
  let current: T[] = [];
  let currentBytes = 0;
  items.forEach((item, index) => {
    const bytes = sizes[index] ?? 0;
    if (current.length === limits.maxItems || currentBytes + bytes > limits.maxBytes) {
      chunks.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(item);
    currentBytes += bytes;
  });
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function checkLimits(limits: BatchLimits): void {
  for (const [name, limit] of Object.entries(limits)) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`batch limit ${name} must be a positive integer, got ${String(limit)}`);
    }
  }
}
