import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  type Day,
  formatIsoDate,
  InvalidItemError,
  ItemStatus,
  parseIsoDate,
  type SeriesItem,
} from '@gapless/pipeline-core';
import { itemKey, ShardPrefix, shardKey, shardOf } from './shard.js';
import { tableDefinition } from './tableDefinition.js';

const { partitionKey, sortKey, attributes: A } = tableDefinition;

/** Statuses that live on the sparse `retry-due` index. */
function isRetryPath(status: ItemStatus): boolean {
  return status === ItemStatus.Pending || status === ItemStatus.Retry;
}

/**
 * The DynamoDB form of an item. The sparse index keys are derived here and only here: `retry_shard` and
 * `retry_due` exist on PENDING/RETRY items, `quarantine_shard`/`quarantine_key` on QUARANTINED and ABSENT ones, so an
 * OK item drops out of both indexes simply by being written. Throws {@link InvalidItemError} for an item
 * the table cannot hold (a PENDING/RETRY item without `retryDue`, a non-finite value, a bad count).
 */
export function toAttributeMap(item: SeriesItem): Record<string, AttributeValue> {
  const date = formatIsoDate(item.day);
  const key = itemKey(item.infoType, date);
  checkWritable(item, key);
  const map: Record<string, AttributeValue> = {
    [partitionKey]: { S: item.infoType },
    [sortKey]: { S: date },
    // `+ 0` turns -0 into 0: DynamoDB has no negative zero, and the round trip must be exact.
    [A.value]: item.value === null ? { NULL: true } : { N: String(item.value + 0) },
    [A.status]: { S: item.status },
    [A.retryCount]: { N: String(item.retryCount) },
    [A.updatedAt]: { S: item.updatedAt },
  };
  if (item.lastError !== undefined) map[A.lastError] = { S: item.lastError };
  if (item.source !== undefined) map[A.source] = { S: item.source };
  const shard = shardOf(item.infoType, date);
  if (isRetryPath(item.status) && item.retryDue !== undefined) {
    map[A.retryShard] = { S: shardKey(ShardPrefix.Retry, shard) };
    map[A.retryDue] = { S: item.retryDue };
  }
  if (item.status === ItemStatus.Quarantined || item.status === ItemStatus.Absent) {
    map[A.quarantineShard] = { S: shardKey(ShardPrefix.Quarantine, shard) };
    map[A.quarantineKey] = { S: key };
  }
  return map;
}

// DynamoDB numbers: magnitudes from 1e-130 to 1e126 (38 significant digits; a double has at most 17).
function isStorableNumber(value: number): boolean {
  const magnitude = Math.abs(value);
  return Number.isFinite(value) && (magnitude === 0 || (magnitude >= 1e-130 && magnitude < 1e126));
}

function checkWritable(item: SeriesItem, key: string): void {
  if (item.infoType === '') throw new InvalidItemError(key, 'info_type is empty');
  if (!Object.values(ItemStatus).includes(item.status)) {
    throw new InvalidItemError(key, `unknown status ${JSON.stringify(item.status)}`);
  }
  if (item.value !== null && !isStorableNumber(item.value)) {
    throw new InvalidItemError(key, `value ${item.value} cannot be stored as a DynamoDB number`);
  }
  if (!Number.isSafeInteger(item.retryCount) || item.retryCount < 0) {
    throw new InvalidItemError(key, `retry_count ${item.retryCount} is not a non-negative integer`);
  }
  if (isRetryPath(item.status) && (item.retryDue === undefined || item.retryDue === '')) {
    // Without retry_due the item would never appear on the retry-due index: it would be stuck forever.
    throw new InvalidItemError(key, `a ${item.status} item needs retry_due`);
  }
}

/**
 * Reads a DynamoDB item back into the model, validating every attribute. Throws {@link InvalidItemError}
 * naming the item's key and the problem (missing or unknown status, a value that is not a number, a bad
 * date...), so one malformed item is reported, not silently misread.
 */
export function fromAttributeMap(map: Readonly<Record<string, AttributeValue>>): SeriesItem {
  const infoType = map[partitionKey]?.S;
  const date = map[sortKey]?.S;
  const key = itemKey(infoType ?? '?', date ?? '?');
  if (infoType === undefined || infoType === '') throw new InvalidItemError(key, `missing ${partitionKey}`);
  const day = readDay(date, key);
  const status = readStatus(map[A.status], key);
  const retryDue = readOptionalString(map, A.retryDue, key);
  if (isRetryPath(status) && retryDue === undefined) {
    throw new InvalidItemError(key, `a ${status} item has no ${A.retryDue}`);
  }
  const updatedAt = readOptionalString(map, A.updatedAt, key);
  if (updatedAt === undefined) throw new InvalidItemError(key, `missing ${A.updatedAt}`);
  const lastError = readOptionalString(map, A.lastError, key);
  const source = readOptionalString(map, A.source, key);
  return {
    infoType,
    day,
    value: readValue(map[A.value], key),
    status,
    retryCount: readRetryCount(map[A.retryCount], key),
    updatedAt,
    // Optional fields are left out rather than set to undefined, so a read item equals the written one.
    ...(lastError === undefined ? {} : { lastError }),
    ...(source === undefined ? {} : { source }),
    ...(retryDue === undefined || !isRetryPath(status) ? {} : { retryDue }),
  };
}

function readDay(date: string | undefined, key: string): Day {
  if (date === undefined) throw new InvalidItemError(key, `missing ${sortKey}`);
  try {
    return parseIsoDate(date);
  } catch (error) {
    throw new InvalidItemError(key, `bad ${sortKey}: ${(error as Error).message}`);
  }
}

function readStatus(attribute: AttributeValue | undefined, key: string): ItemStatus {
  if (attribute?.S === undefined) throw new InvalidItemError(key, `missing ${A.status}`);
  const status = attribute.S;
  if (!(Object.values(ItemStatus) as string[]).includes(status)) {
    throw new InvalidItemError(key, `unknown ${A.status} ${JSON.stringify(status)}`);
  }
  return status as ItemStatus;
}

function readValue(attribute: AttributeValue | undefined, key: string): number | null {
  if (attribute === undefined) throw new InvalidItemError(key, `missing ${A.value}`);
  if (attribute.NULL === true) return null;
  const value = attribute.N === undefined || attribute.N.trim() === '' ? Number.NaN : Number(attribute.N);
  if (!Number.isFinite(value)) {
    throw new InvalidItemError(key, `${A.value} is not a number: ${JSON.stringify(attribute)}`);
  }
  return value;
}

function readRetryCount(attribute: AttributeValue | undefined, key: string): number {
  if (attribute?.N === undefined) throw new InvalidItemError(key, `missing ${A.retryCount}`);
  const count = Number(attribute.N);
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new InvalidItemError(
      key,
      `${A.retryCount} ${JSON.stringify(attribute.N)} is not a non-negative integer`,
    );
  }
  return count;
}

function readOptionalString(
  map: Readonly<Record<string, AttributeValue>>,
  name: string,
  key: string,
): string | undefined {
  const attribute = map[name];
  if (attribute === undefined) return undefined;
  if (attribute.S === undefined) throw new InvalidItemError(key, `${name} is not a string`);
  return attribute.S;
}
