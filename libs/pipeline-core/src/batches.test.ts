import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { type BatchLimits, chunkForBatchWrite } from './batches.js';
import { ItemTooLargeError } from './errors.js';

interface Sized {
  readonly id: number;
  readonly bytes: number;
}

const sizeOf = (item: Sized): number => item.bytes;

function sizedItems(sizes: readonly number[]): Sized[] {
  return sizes.map((bytes, id) => ({ id, bytes }));
}

describe('chunkForBatchWrite', () => {
  it('splits 60 small items into 25 + 25 + 10, in order', () => {
    // Prepare
    const items = sizedItems(new Array<number>(60).fill(100));

    // Act
    const chunks = chunkForBatchWrite(items, sizeOf);

    // Assess
    expect(chunks.map((chunk) => chunk.length)).toEqual([25, 25, 10]);
    expect(chunks.flat()).toEqual(items);
  });

  it('starts a new chunk when the next item would pass the byte limit', () => {
    // Prepare
    const limits: BatchLimits = { maxItems: 25, maxBytes: 1000, maxItemBytes: 400 };

    // Act
    const chunks = chunkForBatchWrite(sizedItems([400, 400, 300, 100]), sizeOf, limits);

    // Assess
    expect(chunks.map((chunk) => chunk.map((item) => item.bytes))).toEqual([
      [400, 400],
      [300, 100],
    ]);
  });

  it('returns no chunk for no item', () => {
    // Act
    const chunks = chunkForBatchWrite([], sizeOf);

    // Assess
    expect(chunks).toEqual([]);
  });

  it('refuses an item over 400 KB, naming its position, before chunking anything', () => {
    // Prepare
    const items = sizedItems([10, 400 * 1024 + 1, 10]);

    // Act
    const attempt = () => chunkForBatchWrite(items, sizeOf);

    // Assess
    expect(attempt).toThrow(ItemTooLargeError);
    expect(attempt).toThrow(/item #1 is 409601 bytes, over the 409600-byte item limit/);
  });

  it('accepts an item of exactly 400 KB', () => {
    // Act
    const chunks = chunkForBatchWrite(sizedItems([400 * 1024]), sizeOf);

    // Assess
    expect(chunks).toHaveLength(1);
  });

  it('refuses limits that are not positive integers', () => {
    // Act
    const attempt = () => chunkForBatchWrite([], sizeOf, { maxItems: 0, maxBytes: 1, maxItemBytes: 1 });

    // Assess
    expect(attempt).toThrow(/maxItems must be a positive integer/);
  });

  const limitsArb = fc.record({
    maxItems: fc.integer({ min: 1, max: 30 }),
    maxBytes: fc.integer({ min: 50, max: 2000 }),
    maxItemBytes: fc.integer({ min: 1, max: 500 }),
  });

  test.prop([limitsArb, fc.array(fc.nat({ max: 500 }), { maxLength: 200 })])(
    'keeps every item once, in order, in chunks of 1..maxItems items and at most maxBytes',
    (limits, rawSizes) => {
      // Prepare: sizes within the item limit, so nothing is refused.
      const maxSize = Math.min(limits.maxItemBytes, limits.maxBytes);
      const items = sizedItems(rawSizes.map((size) => size % (maxSize + 1)));

      // Act
      const chunks = chunkForBatchWrite(items, sizeOf, limits);

      // Assess
      expect(chunks.flat()).toEqual(items);
      for (const chunk of chunks) {
        expect(chunk.length).toBeGreaterThanOrEqual(1);
        expect(chunk.length).toBeLessThanOrEqual(limits.maxItems);
        expect(chunk.reduce((sum, item) => sum + item.bytes, 0)).toBeLessThanOrEqual(limits.maxBytes);
      }
    },
  );

  test.prop([fc.array(fc.integer({ min: 1, max: 1000 }), { maxLength: 500 })])(
    'makes the fewest chunks the 25-request limit allows when items are small',
    (sizes) => {
      // Act
      const chunks = chunkForBatchWrite(sizedItems(sizes), sizeOf);

      // Assess
      expect(chunks).toHaveLength(Math.ceil(sizes.length / 25));
    },
  );

  test.prop([fc.array(fc.integer({ min: 0, max: 600 }), { minLength: 1, maxLength: 50 })])(
    'refuses a batch exactly when some item is over the item limit',
    (sizes) => {
      // Prepare
      const limits: BatchLimits = { maxItems: 25, maxBytes: 10_000, maxItemBytes: 400 };

      // Act
      const attempt = () => chunkForBatchWrite(sizedItems(sizes), sizeOf, limits);

      // Assess
      if (sizes.some((size) => size > 400)) expect(attempt).toThrow(ItemTooLargeError);
      else expect(attempt).not.toThrow();
    },
  );
});
