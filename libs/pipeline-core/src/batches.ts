import type { AttributeValue } from '@aws-sdk/client-dynamodb';
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

const utf8 = new TextEncoder();

function utf8Bytes(text: string): number {
  return utf8.encode(text).length;
}

/**
 * Estimated stored size in bytes of a DynamoDB item, by AWS's sizing rules: each attribute name's UTF-8
 * bytes plus its value's size. It is what the 400 KB item limit is checked against.
 */
export function attributeMapSize(map: Readonly<Record<string, AttributeValue>>): number {
  let total = 0;
  for (const [name, value] of Object.entries(map)) total += utf8Bytes(name) + attributeValueSize(value);
  return total;
}

// Lists and maps cost 3 bytes plus 1 per element on top of their contents.
const CONTAINER_OVERHEAD = 3;
const ELEMENT_OVERHEAD = 1;

/** Size of one attribute value: strings in UTF-8 bytes, numbers by significant digits, NULL/BOOL 1 byte. */
export function attributeValueSize(value: AttributeValue): number {
  if (value.S !== undefined) return utf8Bytes(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return value.B.length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((sum, text) => sum + utf8Bytes(text), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, text) => sum + numberSize(text), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, bytes) => sum + bytes.length, 0);
  if (value.L !== undefined) {
    return value.L.reduce(
      (sum, element) => sum + ELEMENT_OVERHEAD + attributeValueSize(element),
      CONTAINER_OVERHEAD,
    );
  }
  if (value.M !== undefined) {
    return Object.entries(value.M).reduce(
      (sum, [name, element]) => sum + ELEMENT_OVERHEAD + utf8Bytes(name) + attributeValueSize(element),
      CONTAINER_OVERHEAD,
    );
  }
  return 0;
}

/**
 * DynamoDB stores a number as its significant digits, two per byte, plus one byte: `-0012.3400e2` counts
 * the digits `1234`. Leading and trailing zeros are not stored.
 */
function numberSize(text: string): number {
  const mantissa = text.trim().replace(/^[+-]/, '').split(/[eE]/)[0] ?? '';
  const digits = mantissa.replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}
