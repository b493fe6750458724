import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { formatIsoDate } from '@gapless/pipeline-core';
import { allShardKeys, fnv1a32, ShardPrefix, shardKey, shardOf } from './shard.js';

describe('fnv1a32', () => {
  it.each([
    // Published FNV-1a 32-bit test vectors.
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['foobar', 0xbf9cf968],
  ])('hashes %j to the reference value', (text, expected) => {
    // Act
    const hash = fnv1a32(text);

    // Assess
    expect(hash).toBe(expected);
  });

  it('hashes the UTF-8 bytes, not UTF-16 code units', () => {
    // Prepare: 'é' is one UTF-16 unit but two UTF-8 bytes (0xc3 0xa9).
    const expected = Math.imul(Math.imul(0x811c9dc5 ^ 0xc3, 0x01000193) ^ 0xa9, 0x01000193) >>> 0;

    // Act
    const hash = fnv1a32('é');

    // Assess
    expect(hash).toBe(expected);
  });
});

describe('shardOf', () => {
  it('hashes info_type#date, so the same key always lands on the same shard', () => {
    // Act
    const shard = shardOf('CURRENCY#USD', '2024-01-02');

    // Assess
    expect(shard).toBe(fnv1a32('CURRENCY#USD#2024-01-02') % 8);
    expect(shardOf('CURRENCY#USD', '2024-01-02')).toBe(shard);
  });

  it('refuses a shard count that is not a positive integer', () => {
    // Act / Assess
    expect(() => shardOf('CURRENCY#USD', '2024-01-02', 0)).toThrow(RangeError);
    expect(() => shardOf('CURRENCY#USD', '2024-01-02', 2.5)).toThrow(/positive integer/);
  });

  test.prop([fc.string(), fc.string(), fc.integer({ min: 1, max: 64 })])(
    'is always a shard number below the shard count',
    (infoType, date, shardCount) => {
      // Act
      const shard = shardOf(infoType, date, shardCount);

      // Assess
      expect(Number.isInteger(shard)).toBe(true);
      expect(shard).toBeGreaterThanOrEqual(0);
      expect(shard).toBeLessThan(shardCount);
    },
  );

  it('spreads ten years of one series roughly evenly over the 8 shards', () => {
    // Prepare: one series is the worst case, only the date varies.
    const counts = new Array<number>(8).fill(0);
    const days = 3650;

    // Act
    for (let day = 19_000; day < 19_000 + days; day += 1) {
      const shard = shardOf('CURRENCY#USD', formatIsoDate(day));
      counts[shard] = (counts[shard] ?? 0) + 1;
    }

    // Assess: every shard within 15% of the mean, and a chi-square well below the 0.1% critical value (24.3).
    const mean = days / 8;
    for (const count of counts) expect(Math.abs(count - mean) / mean).toBeLessThan(0.15);
    const chiSquare = counts.reduce((sum, count) => sum + (count - mean) ** 2 / mean, 0);
    expect(chiSquare).toBeLessThan(24.3);
  });

  it('spreads many series on the same date too', () => {
    // Prepare
    const counts = new Array<number>(8).fill(0);

    // Act
    for (let series = 0; series < 2000; series += 1) {
      const shard = shardOf(`SERIES#${series}`, '2024-05-17');
      counts[shard] = (counts[shard] ?? 0) + 1;
    }

    // Assess
    for (const count of counts) expect(count).toBeGreaterThan(250 * 0.8);
  });
});

describe('shard keys', () => {
  it('names the sparse index partitions RETRY#n and QUARANTINE#n', () => {
    // Act
    const retryKey = shardKey(ShardPrefix.Retry, 3);
    const quarantineKeys = allShardKeys(ShardPrefix.Quarantine, 3);
    const retryKeys = allShardKeys(ShardPrefix.Retry);

    // Assess
    expect(retryKey).toBe('RETRY#3');
    expect(quarantineKeys).toEqual(['QUARANTINE#0', 'QUARANTINE#1', 'QUARANTINE#2']);
    expect(retryKeys).toHaveLength(8);
  });
});
