import { describe, expect, it } from 'vitest';
import { createIndexWriteCounter, updatedAttributes } from './indexWrites.js';

const retryDue = {
  name: 'retry-due',
  partitionKey: 'retry_shard',
  sortKey: 'retry_due',
  nonKeyAttributes: ['status'],
};
const key = { info_type: { S: 'LEASE#USD' }, date: { S: '2024-01-02' } };

function counter() {
  return createIndexWriteCounter([retryDue], ['info_type', 'date']);
}

describe('createIndexWriteCounter', () => {
  it('bills one unit to put an item into an index and one to take it out', () => {
    // Prepare
    const writes = counter();
    const lease = { ...key, retry_shard: { S: 'R#1' }, retry_due: { S: 't1' }, status: { S: 'LEASE' } };

    // Act
    const put = writes.applied('PutItem', { Item: lease }, {});
    const deleted = writes.applied('DeleteItem', { Key: key }, {});

    // Assess
    expect([put, deleted, writes.total()]).toEqual([1, 1, 2]);
  });

  it('bills two units when an update moves the index key, one when it changes a projected attribute, none otherwise', () => {
    // Prepare
    const writes = counter();
    writes.applied('PutItem', { Item: { ...key, retry_shard: { S: 'R#1' }, retry_due: { S: 't1' } } }, {});
    const names = { '#due': 'retry_due', '#status': 'status', '#asks': 'asks' };

    // Act
    const moved = writes.applied(
      'UpdateItem',
      {
        Key: key,
        UpdateExpression: 'SET #due = :due',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':due': { S: 't2' } },
      },
      {},
    );
    const projected = writes.applied(
      'UpdateItem',
      {
        Key: key,
        UpdateExpression: 'SET #status = :s',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':s': { S: 'X' } },
      },
      {},
    );
    const other = writes.applied(
      'UpdateItem',
      {
        Key: key,
        UpdateExpression: 'SET #asks = :one',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':one': { N: '1' } },
      },
      {},
    );

    // Assess
    expect([moved, projected, other]).toEqual([2, 1, 0]);
  });

  it('bills a removal of the index key, and nothing for batch puts handed back unprocessed or outside the index', () => {
    // Prepare
    const writes = counter();
    const indexed = { ...key, retry_shard: { S: 'R#1' }, retry_due: { S: 't1' } };
    const plain = { info_type: { S: 'USD' }, date: { S: '2024-01-03' }, status: { S: 'OK' } };
    writes.applied('PutItem', { Item: indexed }, {});

    // Act
    const removed = writes.applied(
      'UpdateItem',
      {
        Key: key,
        UpdateExpression: 'SET #s = :q REMOVE #shard, #due',
        ExpressionAttributeNames: { '#s': 'status', '#shard': 'retry_shard', '#due': 'retry_due' },
        ExpressionAttributeValues: { ':q': { S: 'QUARANTINED' } },
      },
      {},
    );
    const batch = writes.applied(
      'BatchWriteItem',
      {
        RequestItems: {
          t: [
            { PutRequest: { Item: plain } },
            { PutRequest: { Item: { ...indexed, date: { S: '2024-01-04' } } } },
          ],
        },
      },
      { UnprocessedItems: { t: [{ PutRequest: { Item: { ...indexed, date: { S: '2024-01-04' } } } }] } },
    );

    // Assess
    expect([removed, batch]).toEqual([1, 0]);
  });
});

describe('updatedAttributes', () => {
  it('reads SET, REMOVE and ADD clauses through the name map, function arguments included', () => {
    // Act
    const changes = updatedAttributes({
      UpdateExpression: 'SET #v = if_not_exists(#v, :null), #a = :a REMOVE #x, #y ADD #n :one',
      ExpressionAttributeNames: { '#v': 'value', '#a': 'attempts', '#x': 'x', '#y': 'y', '#n': 'n' },
      ExpressionAttributeValues: { ':a': { N: '2' } },
    });

    // Assess
    expect([...changes.set.keys()]).toEqual(['value', 'attempts', 'n']);
    expect(changes.set.get('attempts')).toEqual({ N: '2' });
    expect([...changes.removed]).toEqual(['x', 'y']);
  });
});
