import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { ItemStatus, okItem, parseIsoDate, StoreError, type FileRowItem } from '@gapless/pipeline-core';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDynamoFileRowStore } from './dynamoFileRows.js';
import { toAttributeMap } from './itemAttributes.js';

const dynamo = mockClient(DynamoDBClient);
const tableName = 'gapless-test';
const now = new Date('2024-06-14T12:00:00.000Z');
const day = (date: string) => parseIsoDate(date);
const store = () =>
  createDynamoFileRowStore({
    tableName,
    client: new DynamoDBClient({}),
    now: () => now,
    sleep: async () => {},
  });
const row = (date: string, value = 4.9): FileRowItem => ({
  infoType: 'CURRENCY#USD',
  day: day(date),
  value,
  source: 'file:incoming/usd.csv',
});
const itemOf = (one: FileRowItem) => toAttributeMap(okItem({ ...one, updatedAt: now.toISOString() }));

beforeEach(() => {
  dynamo.reset();
});

describe('createDynamoFileRowStore', () => {
  it("reads a series' items over a range in consistent pages and finds each date's status, value and origin", async () => {
    // Prepare: two pages
    const stored = (date: string, status: string, value: string | null, source?: string) => ({
      date: { S: date },
      status: { S: status },
      value: value === null ? { NULL: true } : { N: value },
      ...(source === undefined ? {} : { source: { S: source } }),
    });
    dynamo
      .on(QueryCommand)
      .resolvesOnce({
        Items: [stored('2024-01-02', 'OK', '4.8916', 'bcb-sgs'), stored('2024-01-03', 'RETRY', null)],
        LastEvaluatedKey: { info_type: { S: 'CURRENCY#USD' }, date: { S: '2024-01-03' } },
      })
      .resolvesOnce({ Items: [stored('2024-01-05', 'OK', '5', 'file:incoming/old.csv|note')] });

    // Act
    const days = await store().readStored('CURRENCY#USD', day('2024-01-01'), day('2024-01-31'));

    // Assess
    expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, 1, {
      TableName: tableName,
      KeyConditionExpression: '#pk = :pk AND #date BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': { S: 'CURRENCY#USD' },
        ':from': { S: '2024-01-01' },
        ':to': { S: '2024-01-31' },
      },
      ProjectionExpression: '#date, #status, #value, #source',
      ConsistentRead: true,
    });
    expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, 2, {
      ExclusiveStartKey: { info_type: { S: 'CURRENCY#USD' }, date: { S: '2024-01-03' } },
    });
    expect(days.size).toBe(3);
    expect(
      ['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05'].map((date) => days.get(day(date))),
    ).toEqual([
      { status: ItemStatus.Ok, value: 4.8916, fromFile: false },
      { status: ItemStatus.Retry, value: null, fromFile: false },
      undefined,
      { status: ItemStatus.Ok, value: 5, fromFile: true },
    ]);
  });

  it('reads nothing for a range that ends before it starts, and refuses an item of unknown status', async () => {
    // Prepare
    dynamo
      .on(QueryCommand)
      .resolves({ Items: [{ date: { S: '2024-01-02' }, status: { S: 'LOST' }, value: { NULL: true } }] });

    // Act
    const empty = await store().readStored('CURRENCY#USD', day('2024-01-05'), day('2024-01-04'));
    const failure = await store()
      .readStored('CURRENCY#USD', day('2024-01-01'), day('2024-01-31'))
      .catch((error: unknown) => error);

    // Assess
    expect(empty.size).toBe(0);
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 1);
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as Error).message).toBe(
      'DynamoDB Query: item CURRENCY#USD#2024-01-02 has no known status ({"S":"LOST"})',
    );
  });

  it("lists the date ranges of the series' leases from their own partition", async () => {
    // Prepare
    dynamo.on(QueryCommand).resolves({ Items: [{ date: { S: '2024-01-08' }, last: { S: '2024-01-12' } }] });

    // Act
    const ranges = await store().leaseRanges('CURRENCY#USD');

    // Assess
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: 'LEASE#CURRENCY#USD' } },
      ConsistentRead: true,
    });
    expect(ranges).toEqual([{ first: day('2024-01-08'), last: day('2024-01-12') }]);
  });

  it('batch-writes new items as OK in calls of 25, resends what comes back unprocessed and counts every write', async () => {
    // Prepare: 30 rows of consecutive dates; the second comes back unprocessed once
    const rows = Array.from({ length: 30 }, (_, index) => ({
      ...row('2023-01-02', index + 1),
      day: day('2023-01-02') + index,
    }));
    const second = itemOf(rows[1] as FileRowItem);
    dynamo
      .on(BatchWriteItemCommand)
      .resolvesOnce({ UnprocessedItems: { [tableName]: [{ PutRequest: { Item: second } }] } })
      .resolves({ UnprocessedItems: {} });

    // Act
    const outcome = await store().writeNew(rows);

    // Assess
    const sizes = dynamo
      .commandCalls(BatchWriteItemCommand)
      .map((call) => call.args[0].input.RequestItems?.[tableName]?.length);
    expect(sizes).toEqual([25, 5, 1]);
    expect(dynamo).toHaveReceivedNthCommandWith(BatchWriteItemCommand, 3, {
      RequestItems: { [tableName]: [{ PutRequest: { Item: second } }] },
    });
    expect(outcome).toEqual({ unwritten: [], calls: 3, itemWrites: 31 });
  });

  it('throws a StoreError when no item of a batch could be written', async () => {
    // Prepare
    dynamo
      .on(BatchWriteItemCommand)
      .rejects(
        Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' }),
      );

    // Act
    const failure = await store()
      .writeNew([row('2024-01-02')])
      .catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as Error).message).toBe(
      'DynamoDB BatchWriteItem: ResourceNotFoundException: Requested resource not found',
    );
  });

  it.each([
    ['no item', undefined, 'attribute_not_exists(#pk)', { '#pk': 'info_type' }, undefined],
    [
      'an item that is not OK',
      { status: ItemStatus.Quarantined, value: null, fromFile: false },
      'attribute_exists(#pk) AND #status <> :ok',
      { '#pk': 'info_type', '#status': 'status' },
      { ':ok': { S: 'OK' } },
    ],
    [
      'an OK value',
      { status: ItemStatus.Ok, value: 4.8, fromFile: false },
      '#status = :ok AND #value = :seen',
      { '#status': 'status', '#value': 'value' },
      { ':ok': { S: 'OK' }, ':seen': { N: '4.8' } },
    ],
  ])(
    'replaces %s only while the item is still what was read',
    async (_, expected, condition, names, values) => {
      // Prepare
      dynamo.on(PutItemCommand).resolves({});

      // Act
      const written = await store().replace(row('2024-01-02'), expected);

      // Assess
      expect(written).toBe(true);
      expect(dynamo).toHaveReceivedCommandExactlyOnceWith(PutItemCommand, {
        TableName: tableName,
        Item: itemOf(row('2024-01-02')),
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ...(values === undefined ? {} : { ExpressionAttributeValues: values }),
      });
    },
  );

  it('answers false when the item changed, reads it again consistently, and throws a StoreError for other failures', async () => {
    // Prepare
    dynamo
      .on(PutItemCommand)
      .rejectsOnce(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      )
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    dynamo
      .on(GetItemCommand)
      .resolves({ Item: { status: { S: 'OK' }, value: { N: '4.7' }, source: { S: 'bcb-sgs' } } });
    const rows = store();

    // Act
    const changed = await rows.replace(row('2024-01-02'), undefined);
    const now = await rows.readOne('CURRENCY#USD', day('2024-01-02'));
    const failure = await rows.replace(row('2024-01-02'), undefined).catch((error: unknown) => error);

    // Assess
    expect(changed).toBe(false);
    expect(now).toEqual({ status: ItemStatus.Ok, value: 4.7, fromFile: false });
    expect(dynamo).toHaveReceivedCommandWith(GetItemCommand, {
      Key: { info_type: { S: 'CURRENCY#USD' }, date: { S: '2024-01-02' } },
      ConsistentRead: true,
    });
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as Error).message).toBe('DynamoDB PutItem: ThrottlingException: Rate exceeded');
  });
});
