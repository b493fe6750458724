import { tableDefinition } from './tableDefinition.js';

/** The prefixes of the sparse indexes' partition keys: `RETRY#n` and `QUARANTINE#n`. */
export const ShardPrefix = {
  Retry: 'RETRY',
  Quarantine: 'QUARANTINE',
} as const;
export type ShardPrefix = (typeof ShardPrefix)[keyof typeof ShardPrefix];

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const utf8 = new TextEncoder();

/** FNV-1a, 32 bits, over the UTF-8 bytes of `text`. Stable across runtimes and releases, unlike a seeded hash. */
export function fnv1a32(text: string): number {
  let hash = FNV_OFFSET_BASIS;
  for (const byte of utf8.encode(text)) {
    hash ^= byte;
    // Math.imul keeps the multiplication in 32 bits; a plain `*` would lose the low bits past 2^53.
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

/** The key of a series item as one string, `info_type#date`: what the shard hash and `quarantine_key` use. */
export function itemKey(infoType: string, isoDate: string): string {
  return `${infoType}#${isoDate}`;
}

/**
 * The index shard (0..shardCount-1) of a series item: `fnv1a(info_type#date) mod shardCount`. Items that
 * need attention are spread this way so that no single partition of a sparse index takes all the traffic;
 * the hash is of the whole key, so even one series with many failing dates spreads over every shard.
 */
export function shardOf(
  infoType: string,
  isoDate: string,
  shardCount: number = tableDefinition.shardCount,
): number {
  if (!Number.isInteger(shardCount) || shardCount < 1) {
    throw new RangeError(`shardCount must be a positive integer, got ${shardCount}`);
  }
  return fnv1a32(itemKey(infoType, isoDate)) % shardCount;
}

/** The partition key value of shard `n` of a sparse index, e.g. `RETRY#3`. */
export function shardKey(prefix: ShardPrefix, shard: number): string {
  return `${prefix}#${shard}`;
}

/** Every shard key of a sparse index, in shard order: what a reader queries to see the whole index. */
export function allShardKeys(prefix: ShardPrefix, shardCount: number = tableDefinition.shardCount): string[] {
  return Array.from({ length: shardCount }, (_, shard) => shardKey(prefix, shard));
}
