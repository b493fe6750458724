import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { fc, test } from '@fast-check/vitest';
import { InvalidItemError, ItemStatus, okItem, parseIsoDate, type SeriesItem } from '@gapless/pipeline-core';
import { describe, expect, it } from 'vitest';
import { fromAttributeMap, toAttributeMap } from './itemAttributes.js';
import { shardOf } from './shard.js';

const DAY = parseIsoDate('2024-01-02');
const NOW = '2024-01-03T10:00:00.000Z';

function retryItem(overrides: Partial<SeriesItem> = {}): SeriesItem {
  return {
    infoType: 'CURRENCY#USD',
    day: DAY,
    value: null,
    status: ItemStatus.Retry,
    retryCount: 2,
    lastError: 'bcb-sgs: HTTP 500',
    updatedAt: NOW,
    retryDue: '2024-01-03T11:00:00.000Z',
    ...overrides,
  };
}

function storedOk(overrides: Record<string, AttributeValue> = {}): Record<string, AttributeValue> {
  return {
    info_type: { S: 'CURRENCY#USD' },
    date: { S: '2024-01-02' },
    value: { N: '4.8916' },
    status: { S: 'OK' },
    retry_count: { N: '0' },
    updated_at: { S: NOW },
    ...overrides,
  };
}

describe('toAttributeMap', () => {
  it('writes an OK item with its value as N and no index keys', () => {
    // Prepare
    const item = okItem({
      infoType: 'CURRENCY#USD',
      day: DAY,
      value: 4.8916,
      updatedAt: NOW,
      source: 'bcb-sgs',
    });

    // Act
    const map = toAttributeMap(item);

    // Assess
    expect(map).toEqual(storedOk({ source: { S: 'bcb-sgs' } }));
  });

  it('puts a RETRY item on the sparse retry-due index, in its shard', () => {
    // Act
    const map = toAttributeMap(retryItem());

    // Assess
    expect(map).toMatchObject({
      value: { NULL: true },
      status: { S: 'RETRY' },
      retry_count: { N: '2' },
      last_error: { S: 'bcb-sgs: HTTP 500' },
      retry_shard: { S: `RETRY#${shardOf('CURRENCY#USD', '2024-01-02')}` },
      retry_due: { S: '2024-01-03T11:00:00.000Z' },
    });
    expect(map).not.toHaveProperty('quarantine_shard');
  });

  it('puts a QUARANTINED item on the quarantined index only, keyed info_type#date', () => {
    // Act
    const map = toAttributeMap(retryItem({ status: ItemStatus.Quarantined, retryCount: 5 }));

    // Assess
    expect(map.quarantine_shard).toEqual({ S: `QUARANTINE#${shardOf('CURRENCY#USD', '2024-01-02')}` });
    expect(map.quarantine_key).toEqual({ S: 'CURRENCY#USD#2024-01-02' });
    expect(map).not.toHaveProperty('retry_shard');
    expect(map).not.toHaveProperty('retry_due');
  });

  it('writes a PENDING item (as tables before the work ledger hold them) with no value, on the retry path', () => {
    // Prepare
    const item = retryItem({
      status: ItemStatus.Pending,
      retryCount: 0,
      lastError: undefined,
      retryDue: NOW,
    });

    // Act
    const map = toAttributeMap(item);

    // Assess
    expect(map).toMatchObject({
      status: { S: 'PENDING' },
      value: { NULL: true },
      retry_count: { N: '0' },
      retry_due: { S: NOW },
    });
    expect(map).not.toHaveProperty('last_error');
  });

  it.each([
    [{ retryDue: undefined }, /CURRENCY#USD#2024-01-02: a RETRY item needs retry_due/],
    [{ status: ItemStatus.Pending, retryDue: undefined }, /a PENDING item needs retry_due/],
    [{ value: Number.NaN }, /value NaN cannot be stored/],
    [{ value: Number.POSITIVE_INFINITY }, /value Infinity cannot be stored/],
    [{ value: 1e200 }, /cannot be stored as a DynamoDB number/],
    [{ retryCount: -1 }, /retry_count -1 is not a non-negative integer/],
    [{ retryCount: 1.5 }, /retry_count 1.5/],
    [{ status: 'DONE' as ItemStatus }, /unknown status "DONE"/],
    [{ infoType: '' }, /info_type is empty/],
  ])('refuses an item the table cannot hold (%j)', (overrides, reason) => {
    // Act
    const attempt = () => toAttributeMap(retryItem(overrides));

    // Assess
    expect(attempt).toThrow(InvalidItemError);
    expect(attempt).toThrow(reason);
  });

  it('stores -0 as 0', () => {
    // Prepare
    const item = okItem({ infoType: 'X', day: DAY, value: -0, updatedAt: NOW });

    // Act
    const map = toAttributeMap(item);

    // Assess
    expect(map.value).toEqual({ N: '0' });
  });
});

describe('fromAttributeMap', () => {
  it('reads an OK item', () => {
    // Act
    const item = fromAttributeMap(storedOk());

    // Assess
    expect(item).toEqual({
      infoType: 'CURRENCY#USD',
      day: DAY,
      value: 4.8916,
      status: 'OK',
      retryCount: 0,
      updatedAt: NOW,
    });
  });

  it.each<[string, Record<string, AttributeValue>, RegExp]>([
    [
      'missing status',
      { status: undefined as unknown as AttributeValue },
      /CURRENCY#USD#2024-01-02: missing status/,
    ],
    ['unknown status', { status: { S: 'DONE' } }, /unknown status "DONE"/],
    ['status not a string', { status: { N: '1' } }, /missing status/],
    ['value not a number', { value: { S: '4.89' } }, /value is not a number/],
    ['value NaN', { value: { N: 'NaN' } }, /value is not a number/],
    ['value empty', { value: { N: '' } }, /value is not a number/],
    ['missing value', { value: undefined as unknown as AttributeValue }, /missing value/],
    ['bad date', { date: { S: '2024-02-30' } }, /CURRENCY#USD#2024-02-30: bad date: .*day 30 does not exist/],
    ['missing date', { date: undefined as unknown as AttributeValue }, /CURRENCY#USD#\?: missing date/],
    [
      'missing info_type',
      { info_type: undefined as unknown as AttributeValue },
      /\?#2024-01-02: missing info_type/,
    ],
    ['negative retry_count', { retry_count: { N: '-1' } }, /retry_count "-1" is not a non-negative integer/],
    ['missing retry_count', { retry_count: undefined as unknown as AttributeValue }, /missing retry_count/],
    ['missing updated_at', { updated_at: undefined as unknown as AttributeValue }, /missing updated_at/],
    ['last_error not a string', { last_error: { N: '1' } }, /last_error is not a string/],
    ['RETRY without retry_due', { status: { S: 'RETRY' } }, /a RETRY item has no retry_due/],
  ])('refuses an item with %s, naming its key', (_problem, overrides, reason) => {
    // Prepare: undefined overrides remove the attribute.
    const map = Object.fromEntries(
      Object.entries(storedOk(overrides)).filter(([, value]) => value !== undefined),
    );

    // Act
    const attempt = () => fromAttributeMap(map);

    // Assess
    expect(attempt).toThrow(InvalidItemError);
    expect(attempt).toThrow(reason);
  });
});

const storableNumber = fc
  .double({ noNaN: true, noDefaultInfinity: true, min: -1e125, max: 1e125 })
  .map((value) => (Math.abs(value) < 1e-130 ? 0 : value));

const itemArb: fc.Arbitrary<SeriesItem> = fc
  .record(
    {
      infoType: fc.string({ minLength: 1, maxLength: 30 }),
      day: fc.integer({ min: parseIsoDate('1900-01-01'), max: parseIsoDate('2200-12-31') }),
      value: fc.option(storableNumber, { nil: null }),
      status: fc.constantFrom(...Object.values(ItemStatus)),
      retryCount: fc.nat({ max: 100 }),
      lastError: fc.string(),
      updatedAt: fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
      source: fc.constantFrom('bcb-sgs', 'bcb-ptax', 'simulated'),
      retryDue: fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
    },
    { requiredKeys: ['infoType', 'day', 'value', 'status', 'retryCount', 'updatedAt'] },
  )
  .map((item) => {
    const onRetryPath = item.status === ItemStatus.Pending || item.status === ItemStatus.Retry;
    // retry_due exists only on the retry path: required there, meaningless elsewhere.
    const { retryDue, ...rest } = item;
    return onRetryPath ? { ...rest, retryDue: retryDue ?? NOW } : rest;
  });

describe('item round trip', () => {
  test.prop([itemArb])('fromAttributeMap(toAttributeMap(item)) is the item', (item) => {
    // Act
    const roundTripped = fromAttributeMap(toAttributeMap(item));

    // Assess
    expect(roundTripped).toEqual(item);
  });

  test.prop([itemArb])('carries index keys exactly for the statuses of each sparse index', (item) => {
    // Act
    const map = toAttributeMap(item);

    // Assess
    const onRetryPath = item.status === ItemStatus.Pending || item.status === ItemStatus.Retry;
    expect('retry_shard' in map && 'retry_due' in map).toBe(onRetryPath);
    expect('retry_shard' in map || 'retry_due' in map).toBe(onRetryPath);
    const setAside = item.status === ItemStatus.Quarantined || item.status === ItemStatus.Absent;
    expect('quarantine_shard' in map && 'quarantine_key' in map).toBe(setAside);
    expect('quarantine_shard' in map || 'quarantine_key' in map).toBe(setAside);
    expect(map).not.toHaveProperty('expires_at');
  });
});
