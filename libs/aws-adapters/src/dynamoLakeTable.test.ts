import {
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  ResourceNotFoundException,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { ItemStatus, parseIsoDate, StoreError, InvalidItemError } from '@gapless/pipeline-core';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDynamoLakeTable, lakeRowOf } from './dynamoLakeTable.js';

type Item = Record<string, AttributeValue>;

const tableName = 'gapless-test';
const now = new Date('2024-03-01T12:00:00.000Z');
const dynamo = mockClient(DynamoDBClient);

function makeTable() {
  const consumed: [string, number][] = [];
  const table = createDynamoLakeTable({
    tableName,
    client: new DynamoDBClient({ region: 'us-east-1' }),
    now: () => now,
    onConsumedCapacity: (units, operation) => void consumed.push([operation, units]),
  });
  return { table, consumed };
}

/** A series item as the table holds it, with the attributes the export does not read too. */
function seriesItem(date: string, overrides: Item = {}): Item {
  return {
    info_type: { S: 'CURRENCY#USD' },
    date: { S: date },
    value: { N: '4.8916' },
    status: { S: 'OK' },
    retry_count: { N: '0' },
    source: { S: 'bcb-sgs' },
    updated_at: { S: '2024-01-03T10:00:00.000Z' },
    ...overrides,
  };
}

beforeEach(() => {
  dynamo.reset();
});

describe('createDynamoLakeTable: readSeriesRows', () => {
  it("reads the series' partition with one Query per page, projecting what a row needs", async () => {
    // Prepare
    const { table, consumed } = makeTable();
    dynamo
      .on(QueryCommand)
      .resolvesOnce({
        Items: [seriesItem('2024-01-02')],
        LastEvaluatedKey: { info_type: { S: 'CURRENCY#USD' }, date: { S: '2024-01-02' } },
        ConsumedCapacity: { CapacityUnits: 0.5 },
      })
      .resolvesOnce({
        Items: [seriesItem('2024-01-03', { value: { NULL: true }, status: { S: 'ABSENT' } })],
        ConsumedCapacity: { CapacityUnits: 0.5 },
      });

    // Act
    const rows = await table.readSeriesRows('CURRENCY#USD');

    // Assess
    expect(rows).toEqual([
      {
        day: parseIsoDate('2024-01-02'),
        value: 4.8916,
        status: ItemStatus.Ok,
        source: 'bcb-sgs',
        updatedAtMs: Date.parse('2024-01-03T10:00:00.000Z'),
      },
      {
        day: parseIsoDate('2024-01-03'),
        value: null,
        status: ItemStatus.Absent,
        source: 'bcb-sgs',
        updatedAtMs: Date.parse('2024-01-03T10:00:00.000Z'),
      },
    ]);
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 2);
    expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, 1, {
      TableName: tableName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: {
        '#pk': 'info_type',
        '#date': 'date',
        '#value': 'value',
        '#status': 'status',
        '#source': 'source',
        '#updatedAt': 'updated_at',
      },
      ExpressionAttributeValues: { ':pk': { S: 'CURRENCY#USD' } },
      ProjectionExpression: '#date, #value, #status, #source, #updatedAt',
      ExclusiveStartKey: undefined,
      ReturnConsumedCapacity: 'TOTAL',
    });
    expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, 2, {
      ExclusiveStartKey: { info_type: { S: 'CURRENCY#USD' }, date: { S: '2024-01-02' } },
    });
    expect(consumed).toEqual([
      ['Query', 0.5],
      ['Query', 0.5],
    ]);
  });

  it('translates an SDK failure into a StoreError naming the Query', async () => {
    // Prepare
    const { table } = makeTable();
    dynamo.on(QueryCommand).rejects(new ResourceNotFoundException({ message: 'no table', $metadata: {} }));

    // Act
    const read = table.readSeriesRows('CURRENCY#USD');

    // Assess
    await expect(read).rejects.toThrow(StoreError);
    await expect(read).rejects.toThrow('DynamoDB Query: ResourceNotFoundException: no table');
  });
});

describe('lakeRowOf', () => {
  it('reads an item without source or value as nulls', () => {
    // Prepare
    const item = seriesItem('2024-01-02', { value: { NULL: true }, status: { S: 'QUARANTINED' } });
    delete item['source'];

    // Act
    const row = lakeRowOf('CURRENCY#USD', item);

    // Assess
    expect(row).toMatchObject({ value: null, source: null, status: ItemStatus.Quarantined });
  });

  it.each<[string, Item, string]>([
    ['an unknown status', { status: { S: 'LEASE' } }, 'unknown status "LEASE"'],
    ['no updated_at', { updated_at: { NULL: true } }, 'updated_at null is not a timestamp'],
    ['a bad updated_at', { updated_at: { S: 'yesterday' } }, 'updated_at "yesterday" is not a timestamp'],
    ['a value that is not a number', { value: { S: '4,89' } }, 'value is not a number'],
    ['a source that is not a string', { source: { N: '1' } }, 'source is not a string'],
    ['a bad date', { date: { S: '2024-02-30' } }, 'bad date: invalid date "2024-02-30"'],
  ])('refuses an item with %s, naming its key', (_, overrides, problem) => {
    // Prepare
    const item = seriesItem('2024-01-02', overrides);
    const date = overrides['date']?.S ?? '2024-01-02';

    // Act
    const read = () => lakeRowOf('CURRENCY#USD', item);

    // Assess
    expect(read).toThrow(InvalidItemError);
    expect(read).toThrow(`invalid item CURRENCY#USD#${date}: ${problem}`);
  });
});

describe('createDynamoLakeTable: export markers', () => {
  it('reads every marker with one consistent Query of META#EXPORT, following its pages', async () => {
    // Prepare
    const { table } = makeTable();
    dynamo
      .on(QueryCommand)
      .resolvesOnce({
        Items: [
          {
            info_type: { S: 'META#EXPORT' },
            date: { S: 'CURRENCY#USD' },
            years: {
              M: {
                '2023': { M: { rows: { N: '249' }, hash: { S: '00112233aabbccdd' } } },
                '2024': { M: { rows: { N: '3' }, hash: { S: 'ffeeddccbbaa9988' } } },
              },
            },
          },
        ],
        LastEvaluatedKey: { info_type: { S: 'META#EXPORT' }, date: { S: 'CURRENCY#USD' } },
      })
      .resolvesOnce({
        Items: [{ info_type: { S: 'META#EXPORT' }, date: { S: 'CURRENCY#EUR' }, years: { M: {} } }],
      });

    // Act
    const markers = await table.readExportMarkers();

    // Assess
    expect(markers).toEqual(
      new Map([
        [
          'CURRENCY#USD',
          new Map([
            [2023, { rows: 249, hash: '00112233aabbccdd' }],
            [2024, { rows: 3, hash: 'ffeeddccbbaa9988' }],
          ]),
        ],
        ['CURRENCY#EUR', new Map()],
      ]),
    );
    expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, 1, {
      TableName: tableName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'info_type' },
      ExpressionAttributeValues: { ':pk': { S: 'META#EXPORT' } },
      ConsistentRead: true,
      ReturnConsumedCapacity: 'TOTAL',
    });
    expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, 2, {
      ExclusiveStartKey: { info_type: { S: 'META#EXPORT' }, date: { S: 'CURRENCY#USD' } },
    });
  });

  it('leaves out a malformed year of a marker, so that partition is written again', async () => {
    // Prepare
    const { table } = makeTable();
    dynamo.on(QueryCommand).resolves({
      Items: [
        {
          info_type: { S: 'META#EXPORT' },
          date: { S: 'CURRENCY#USD' },
          years: {
            M: {
              '2022': { M: { rows: { S: 'many' }, hash: { S: 'aa' } } },
              '2023': { M: { rows: { N: '1' } } },
              next: { M: { rows: { N: '1' }, hash: { S: 'bb' } } },
              '2024': { M: { rows: { N: '2' }, hash: { S: 'cc' } } },
            },
          },
        },
      ],
    });

    // Act
    const markers = await table.readExportMarkers();

    // Assess
    expect(markers.get('CURRENCY#USD')).toEqual(new Map([[2024, { rows: 2, hash: 'cc' }]]));
  });

  it('writes a marker as one PutItem in META#EXPORT, the years as a map, stamped now', async () => {
    // Prepare
    const { table, consumed } = makeTable();
    dynamo.on(PutItemCommand).resolves({ ConsumedCapacity: { CapacityUnits: 1 } });

    // Act
    await table.writeExportMarker(
      'CURRENCY#USD',
      new Map([
        [2023, { rows: 249, hash: '00112233aabbccdd' }],
        [2024, { rows: 0, hash: 'ffeeddccbbaa9988' }],
      ]),
    );

    // Assess
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(PutItemCommand, {
      TableName: tableName,
      Item: {
        info_type: { S: 'META#EXPORT' },
        date: { S: 'CURRENCY#USD' },
        years: {
          M: {
            '2023': { M: { rows: { N: '249' }, hash: { S: '00112233aabbccdd' } } },
            '2024': { M: { rows: { N: '0' }, hash: { S: 'ffeeddccbbaa9988' } } },
          },
        },
        updated_at: { S: now.toISOString() },
      },
      ReturnConsumedCapacity: 'TOTAL',
    });
    expect(consumed).toEqual([['PutItem', 1]]);
  });

  it('translates a failed marker write into a StoreError naming the PutItem', async () => {
    // Prepare
    const { table } = makeTable();
    dynamo.on(PutItemCommand).rejects(new Error('network down'));

    // Act
    const write = table.writeExportMarker('CURRENCY#USD', new Map());

    // Assess
    await expect(write).rejects.toThrow('DynamoDB PutItem: Error: network down');
  });
});
