import { StoreError, type FileRowItem, type FileRowStore } from '@gapless/pipeline-core';
import { describe, expect, it } from 'vitest';
import { createNewItemWriter } from './newItemWriter.js';

const item = (day: number): FileRowItem => ({ infoType: 'CURRENCY#USD', day, value: 1, source: 'file:x' });

/** A store whose batch writes finish only when the test says so. */
function heldStore() {
  const pending: { size: number; finish: (unwritten?: FileRowItem[]) => void }[] = [];
  const store = {
    writeNew: (items: readonly FileRowItem[]) =>
      new Promise((resolve) => {
        pending.push({
          size: items.length,
          finish: (unwritten = []) =>
            resolve({ unwritten, calls: Math.ceil(items.length / 25), itemWrites: items.length }),
        });
      }),
  } as unknown as FileRowStore;
  return { store, pending };
}

describe('createNewItemWriter', () => {
  it('sends items in hundreds, keeps four calls in flight, and makes the reader wait for the fifth', async () => {
    // Prepare
    const { store, pending } = heldStore();
    const writer = createNewItemWriter(store);
    for (let day = 0; day < 399; day += 1) await writer.add(item(day));

    // Act: the 400th item fills a fourth call, which must wait for one of the four to finish
    let added = false;
    const adding = writer.add(item(399)).then(() => (added = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    const waited = !added;
    pending[0]?.finish();
    await adding;

    // Assess
    expect(pending.map((call) => call.size)).toEqual([100, 100, 100, 100]);
    expect(waited).toBe(true);
    const finishing = writer.finish();
    for (const call of pending.slice(1)) call.finish();
    await expect(finishing).resolves.toEqual({ written: 400, itemWrites: 400 });
  });

  it('fails at the end when an item stayed unprocessed', async () => {
    // Prepare
    const { store, pending } = heldStore();
    const writer = createNewItemWriter(store);
    await writer.add(item(1));

    // Act
    const finishing = writer.finish();
    pending[0]?.finish([item(1)]);

    // Assess
    await expect(finishing).rejects.toThrow(StoreError);
  });
});
