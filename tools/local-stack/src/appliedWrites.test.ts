import { describe, expect, it } from 'vitest';
import { appliedWrites } from './appliedWrites.js';

const key = (infoType: string, date: string) => ({ info_type: { S: infoType }, date: { S: date } });
const okPut = (date: string, value: string) => ({
  PutRequest: { Item: { ...key('CURRENCY#USD', date), status: { S: 'OK' }, value: { N: value } } },
});

describe('appliedWrites', () => {
  it('keeps the batch puts DynamoDB processed and drops the unprocessed ones', () => {
    // Prepare
    const input = { RequestItems: { t: [okPut('2024-01-02', '5.1'), okPut('2024-01-03', '5.2')] } };
    const output = { UnprocessedItems: { t: [okPut('2024-01-03', '5.2')] } };

    // Act
    const writes = appliedWrites('BatchWriteItem', input, output);

    // Assess
    expect(writes).toEqual([
      { infoType: 'CURRENCY#USD', date: '2024-01-02', operation: 'BatchWriteItem', status: 'OK', value: 5.1 },
    ]);
  });

  it("reads an update's SET clause through its name and value maps, and skips bookkeeping partitions", () => {
    // Prepare
    const update = {
      Key: key('CURRENCY#USD', '2024-01-02'),
      UpdateExpression: 'SET #status = :retry, #value = :null, #retryCount = :count REMOVE #x',
      ExpressionAttributeNames: { '#status': 'status', '#value': 'value', '#retryCount': 'retry_count' },
      ExpressionAttributeValues: { ':retry': { S: 'RETRY' }, ':null': { NULL: true }, ':count': { N: '2' } },
    };

    // Act
    const writes = appliedWrites('UpdateItem', update, {});
    const bookkeeping = [
      ...appliedWrites('PutItem', { Item: key('CLAIM#CURRENCY#USD', 'x') }, {}),
      ...appliedWrites('PutItem', { Item: key('LEASE#CURRENCY#USD', '2024-01-02') }, {}),
    ];

    // Assess
    expect(writes).toEqual([
      {
        infoType: 'CURRENCY#USD',
        date: '2024-01-02',
        operation: 'UpdateItem',
        status: 'RETRY',
        value: null,
        retryCount: 2,
      },
    ]);
    expect(bookkeeping).toEqual([]);
  });
});
