import { describe, expect, it } from 'vitest';
import {
  addCapacity,
  askingForCapacity,
  type CapacityCounts,
  withoutAddedCapacity,
  wireItemBytes,
  writeUnitsOfItem,
} from './dynamoCapacity.js';

const zero = (): CapacityCounts => ({ readUnits: 0, writeUnits: 0, computedUnits: 0 });

describe('addCapacity', () => {
  it('takes the units of a successful call from its ConsumedCapacity, one or a list per table', () => {
    // Prepare
    const counts = zero();

    // Act
    addCapacity(counts, 'Query', {}, 200, { ConsumedCapacity: { TableName: 't', CapacityUnits: 1.5 } });
    addCapacity(counts, 'BatchWriteItem', {}, 200, {
      ConsumedCapacity: [
        { TableName: 't', CapacityUnits: 25 },
        { TableName: 'u', CapacityUnits: 2 },
      ],
    });

    // Assess
    expect(counts).toEqual({ readUnits: 1.5, writeUnits: 27, computedUnits: 0 });
  });

  it('bills a refused conditional write by the size of the item sent, and counts it as computed', () => {
    // Prepare: an item of 1,100 bytes is two started kilobytes.
    const counts = zero();
    const item = { pk: { S: 'x' }, big: { S: 'y'.repeat(1_094) } };
    const refused = { __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException' };

    // Act
    addCapacity(counts, 'PutItem', { Item: item }, 400, refused);
    addCapacity(counts, 'UpdateItem', { Key: { pk: { S: 'x' } } }, 400, refused);

    // Assess
    expect(wireItemBytes(item)).toBe(2 + 1 + 3 + 1_094);
    expect(counts).toEqual({ readUnits: 0, writeUnits: 3, computedUnits: 3 });
  });

  it('counts nothing for throttled calls, table management, or other errors', () => {
    // Prepare
    const counts = zero();

    // Act
    addCapacity(counts, 'PutItem', { Item: {} }, 400, {
      __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    });
    addCapacity(counts, 'CreateTable', {}, 200, {});

    // Assess
    expect(counts).toEqual(zero());
  });
});

describe('writeUnitsOfItem', () => {
  it('is one unit per started kilobyte, at least one', () => {
    // Act and Assess: "n" + 1,023 bytes = 1,024 bytes; one more byte starts a second kilobyte.
    expect(writeUnitsOfItem({})).toBe(1);
    expect(writeUnitsOfItem({ n: { S: 'a'.repeat(1_023) } })).toBe(1);
    expect(writeUnitsOfItem({ n: { S: 'a'.repeat(1_024) } })).toBe(2);
  });
});

describe('asking for capacity', () => {
  it('asks the emulator when the client did not, and hands the client the answer it asked for', () => {
    // Prepare
    const input = { TableName: 't' };

    // Act
    const forwarded = askingForCapacity(input);
    const answer = withoutAddedCapacity(input, { Count: 1, ConsumedCapacity: { CapacityUnits: 1 } });

    // Assess
    expect(forwarded).toEqual({ TableName: 't', ReturnConsumedCapacity: 'TOTAL' });
    expect(answer).toEqual({ Count: 1 });
    expect(withoutAddedCapacity({ ReturnConsumedCapacity: 'TOTAL' }, { ConsumedCapacity: 1 })).toEqual({
      ConsumedCapacity: 1,
    });
  });
});
