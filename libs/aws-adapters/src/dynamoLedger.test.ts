import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  InternalServerError,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseIsoDate, StoreError, type DateClaimRequest, type Day } from '@gapless/pipeline-core';
import type { DynamoContext } from './dynamoContext.js';
import { createDynamoLedger } from './dynamoLedger.js';
import { shardOf } from './shard.js';

type Item = Record<string, AttributeValue>;

const tableName = 'gapless-test';
const now = new Date('2024-03-01T12:00:00.000Z');
const series = 'CURRENCY#USD';
const first = parseIsoDate('2024-01-02');
const last = parseIsoDate('2024-01-31');
const leaseKey = { info_type: { S: 'LEASE#CURRENCY#USD' }, date: { S: '2024-01-02' } };
const inflightDue = '2024-03-01T12:15:00.000Z';
const dynamo = mockClient(DynamoDBClient);

function makeLedger() {
  const consumed: [string, number][] = [];
  const context: DynamoContext = {
    client: new DynamoDBClient({ region: 'us-east-1' }),
    tableName,
    now: () => now,
    consumed: (units, operation) => void consumed.push([operation, units]),
  };
  return { ledger: createDynamoLedger(context), consumed };
}

function conditionFailed(): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
}

function internalError(): InternalServerError {
  return new InternalServerError({ message: 'boom', $metadata: {} });
}

/** A lease item as the table holds it. */
function makeLeaseRow(fields: Item = {}): Item {
  return {
    ...leaseKey,
    status: { S: 'LEASE' },
    lease_id: { S: 'lease-1' },
    last: { S: '2024-01-31' },
    asks: { N: '0' },
    retry_shard: { S: 'RETRY#1' },
    retry_due: { S: '2024-03-01T13:00:00.000Z' },
    ...fields,
  };
}

/** A series item of `date` as the table holds it. */
function makeDateRow(date: string, fields: Item = {}): Item {
  return { info_type: { S: series }, date: { S: date }, value: { NULL: true }, ...fields };
}

function dateKey(date: string): Item {
  return { info_type: { S: series }, date: { S: date } };
}

const request: DateClaimRequest = {
  token: 'delivery-a',
  maxAttempts: 6,
  attemptsWithoutItem: 1,
  retryDue: inflightDue,
};

/** The UpdateItem a date claim sends, but for its condition and the values of the state it read. */
function claimUpdate(date: string, attempts: number) {
  return {
    TableName: tableName,
    Key: dateKey(date),
    UpdateExpression:
      'SET #status = :retry, #value = if_not_exists(#value, :null), #attempts = :attempts, ' +
      '#retryCount = :count, #claimToken = :token, #retryShard = :shard, #retryDue = :due, #updatedAt = :now',
    ExpressionAttributeNames: {
      '#status': 'status',
      '#value': 'value',
      '#attempts': 'attempts',
      '#retryCount': 'retry_count',
      '#claimToken': 'claim_token',
      '#retryShard': 'retry_shard',
      '#retryDue': 'retry_due',
      '#updatedAt': 'updated_at',
    },
    ReturnConsumedCapacity: 'TOTAL' as const,
    claimValues: {
      ':retry': { S: 'RETRY' },
      ':null': { NULL: true },
      ':attempts': { N: String(attempts) },
      ':count': { N: String(attempts - 1) },
      ':token': { S: 'delivery-a' },
      ':shard': { S: `RETRY#${shardOf(series, date)}` },
      ':due': { S: inflightDue },
      ':now': { S: now.toISOString() },
    },
  };
}

beforeEach(() => {
  dynamo.reset();
  dynamo.on(PutItemCommand).resolves({});
  dynamo.on(UpdateItemCommand).resolves({});
  dynamo.on(DeleteItemCommand).resolves({});
  dynamo.on(GetItemCommand).resolves({});
  dynamo.on(QueryCommand).resolves({ Items: [] });
});

describe('openLease', () => {
  it('puts a LEASE item with no asks on the retry-due index, only if no lease starts on that date', async () => {
    // Prepare
    dynamo.on(PutItemCommand).resolves({ ConsumedCapacity: { CapacityUnits: 1 } });
    const { ledger, consumed } = makeLedger();

    // Act
    const opened = await ledger.openLease({
      infoType: series,
      id: 'lease-1',
      first,
      last,
      retryDue: '2024-03-01T13:00:00.000Z',
    });

    // Assess
    expect(opened).toBe(true);
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(PutItemCommand, {
      TableName: tableName,
      Item: {
        info_type: { S: 'LEASE#CURRENCY#USD' },
        date: { S: '2024-01-02' },
        status: { S: 'LEASE' },
        lease_id: { S: 'lease-1' },
        last: { S: '2024-01-31' },
        asks: { N: '0' },
        retry_shard: { S: `RETRY#${shardOf('LEASE#CURRENCY#USD', '2024-01-02')}` },
        retry_due: { S: '2024-03-01T13:00:00.000Z' },
        updated_at: { S: now.toISOString() },
      },
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': 'info_type' },
      ReturnConsumedCapacity: 'TOTAL',
    });
    expect(consumed).toEqual([['PutItem', 1]]);
  });

  it('answers false when a lease starting on that date exists already', async () => {
    // Prepare
    dynamo.on(PutItemCommand).rejects(conditionFailed());
    const { ledger } = makeLedger();

    // Act
    const opened = await ledger.openLease({ infoType: series, id: 'lease-2', first, last, retryDue: 'due' });

    // Assess
    expect(opened).toBe(false);
  });

  it('turns any other failure into a StoreError with the SDK error as cause', async () => {
    // Prepare
    const cause = internalError();
    dynamo.on(PutItemCommand).rejects(cause);
    const { ledger } = makeLedger();

    // Act
    const error = await ledger
      .openLease({ infoType: series, id: 'lease-1', first, last, retryDue: 'due' })
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ operation: 'PutItem', cause });
  });
});

describe('listLeases', () => {
  it("queries the series' LEASE# partition, following pages, and reads each lease", async () => {
    // Prepare
    const lastKey = { ...leaseKey };
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [makeLeaseRow()], LastEvaluatedKey: lastKey })
      .resolvesOnce({
        Items: [
          makeLeaseRow({
            date: { S: '2024-02-01' },
            lease_id: { S: 'lease-2' },
            last: { S: '2024-02-29' },
            asks: { N: '1' },
            retry_due: { S: '2024-03-01T14:00:00.000Z' },
          }),
        ],
        ConsumedCapacity: { CapacityUnits: 0.5 },
      });
    const { ledger, consumed } = makeLedger();

    // Act
    const leases = await ledger.listLeases(series);

    // Assess
    expect(leases).toEqual([
      { infoType: series, id: 'lease-1', first, last, asks: 0, retryDue: '2024-03-01T13:00:00.000Z' },
      {
        infoType: series,
        id: 'lease-2',
        first: parseIsoDate('2024-02-01'),
        last: parseIsoDate('2024-02-29'),
        asks: 1,
        retryDue: '2024-03-01T14:00:00.000Z',
      },
    ]);
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 2);
    expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, 1, {
      TableName: tableName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'info_type' },
      ExpressionAttributeValues: { ':pk': { S: 'LEASE#CURRENCY#USD' } },
      ExclusiveStartKey: undefined,
      ReturnConsumedCapacity: 'TOTAL',
    });
    expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, 2, { ExclusiveStartKey: lastKey });
    expect(consumed).toEqual([
      ['Query', 0],
      ['Query', 0.5],
    ]);
  });

  it('answers an empty list when the series has no lease', async () => {
    // Prepare
    const { ledger } = makeLedger();

    // Act
    const leases = await ledger.listLeases(series);

    // Assess
    expect(leases).toEqual([]);
  });

  it('turns a failed Query into a StoreError', async () => {
    // Prepare
    dynamo.on(QueryCommand).rejects(internalError());
    const { ledger } = makeLedger();

    // Act
    const listing = ledger.listLeases(series);

    // Assess
    await expect(listing).rejects.toMatchObject({ name: 'StoreError', operation: 'Query' });
  });
});

describe('getLease', () => {
  it('reads one lease with a consistent GetItem of its key', async () => {
    // Prepare
    dynamo
      .on(GetItemCommand)
      .resolves({ Item: makeLeaseRow({ asks: { N: '1' } }), ConsumedCapacity: { CapacityUnits: 0.5 } });
    const { ledger, consumed } = makeLedger();

    // Act
    const lease = await ledger.getLease(series, first);

    // Assess
    expect(lease).toEqual({
      infoType: series,
      id: 'lease-1',
      first,
      last,
      asks: 1,
      retryDue: '2024-03-01T13:00:00.000Z',
    });
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(GetItemCommand, {
      TableName: tableName,
      Key: leaseKey,
      ConsistentRead: true,
      ReturnConsumedCapacity: 'TOTAL',
    });
    expect(consumed).toEqual([['GetItem', 0.5]]);
  });

  it('answers undefined for a closed lease', async () => {
    // Prepare
    const { ledger } = makeLedger();

    // Act
    const lease = await ledger.getLease(series, first);

    // Assess
    expect(lease).toBeUndefined();
  });
});

describe('claimLease', () => {
  it("claims the lease's first request (asks 0 -> 1) with the delivery's token, pushing its due time", async () => {
    // Prepare
    dynamo.on(UpdateItemCommand).resolves({ ConsumedCapacity: { CapacityUnits: 1 } });
    const { ledger, consumed } = makeLedger();

    // Act
    const claim = await ledger.claimLease(series, first, 'lease-1', 'delivery-a', inflightDue);

    // Assess
    expect(claim).toEqual({ kind: 'claimed' });
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateItemCommand, {
      TableName: tableName,
      Key: leaseKey,
      UpdateExpression: 'SET #asks = :one, #askToken = :token, #retryDue = :due, #updatedAt = :now',
      ConditionExpression: '#leaseId = :id AND #asks = :zero',
      ExpressionAttributeNames: {
        '#asks': 'asks',
        '#askToken': 'ask_token',
        '#retryDue': 'retry_due',
        '#updatedAt': 'updated_at',
        '#leaseId': 'lease_id',
      },
      ExpressionAttributeValues: {
        ':one': { N: '1' },
        ':zero': { N: '0' },
        ':token': { S: 'delivery-a' },
        ':due': { S: inflightDue },
        ':now': { S: now.toISOString() },
        ':id': { S: 'lease-1' },
      },
      ReturnConsumedCapacity: 'TOTAL',
    });
    expect(dynamo).toHaveReceivedCommandTimes(GetItemCommand, 0);
    expect(consumed).toEqual([['UpdateItem', 1]]);
  });

  it('answers gone when the refused lease no longer exists (closed)', async () => {
    // Prepare
    dynamo.on(UpdateItemCommand).rejects(conditionFailed());
    const { ledger } = makeLedger();

    // Act
    const claim = await ledger.claimLease(series, first, 'lease-1', 'delivery-a', inflightDue);

    // Assess
    expect(claim).toEqual({ kind: 'gone' });
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(GetItemCommand, {
      Key: leaseKey,
      ConsistentRead: true,
    });
  });

  it('answers gone when the lease starting on that date is another one (another id)', async () => {
    // Prepare
    dynamo.on(UpdateItemCommand).rejects(conditionFailed());
    dynamo.on(GetItemCommand).resolves({ Item: makeLeaseRow({ lease_id: { S: 'lease-2' } }) });
    const { ledger } = makeLedger();

    // Act
    const claim = await ledger.claimLease(series, first, 'lease-1', 'delivery-a', inflightDue);

    // Assess
    expect(claim).toEqual({ kind: 'gone' });
  });

  it("answers claimed when the refused lease carries this delivery's token (its claim's answer was lost)", async () => {
    // Prepare
    dynamo.on(UpdateItemCommand).rejects(conditionFailed());
    dynamo
      .on(GetItemCommand)
      .resolves({ Item: makeLeaseRow({ asks: { N: '1' }, ask_token: { S: 'delivery-a' } }) });
    const { ledger } = makeLedger();

    // Act
    const claim = await ledger.claimLease(series, first, 'lease-1', 'delivery-a', inflightDue);

    // Assess
    expect(claim).toEqual({ kind: 'claimed' });
  });

  it('answers taken, with the asks spent, when another delivery claimed the first request', async () => {
    // Prepare
    dynamo.on(UpdateItemCommand).rejects(conditionFailed());
    dynamo
      .on(GetItemCommand)
      .resolves({ Item: makeLeaseRow({ asks: { N: '1' }, ask_token: { S: 'delivery-b' } }) });
    const { ledger } = makeLedger();

    // Act
    const claim = await ledger.claimLease(series, first, 'lease-1', 'delivery-a', inflightDue);

    // Assess
    expect(claim).toEqual({ kind: 'taken', asks: 1 });
  });

  it('turns any other failure into a StoreError, without reading the lease', async () => {
    // Prepare
    const cause = internalError();
    dynamo.on(UpdateItemCommand).rejects(cause);
    const { ledger } = makeLedger();

    // Act
    const error = await ledger
      .claimLease(series, first, 'lease-1', 'delivery-a', inflightDue)
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ operation: 'UpdateItem', cause });
    expect(dynamo).toHaveReceivedCommandTimes(GetItemCommand, 0);
  });
});

describe('deferLease', () => {
  it("pushes the lease's retry_due only if it is this lease and still due", async () => {
    // Prepare
    const { ledger } = makeLedger();

    // Act
    const deferred = await ledger.deferLease(
      series,
      first,
      'lease-1',
      '2024-03-01T12:00:00.000Z',
      '2024-03-01T12:30:00.000Z',
    );

    // Assess
    expect(deferred).toBe(true);
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateItemCommand, {
      TableName: tableName,
      Key: leaseKey,
      UpdateExpression: 'SET #retryDue = :due, #updatedAt = :now',
      ConditionExpression: '#leaseId = :id AND #retryDue <= :asOf',
      ExpressionAttributeNames: {
        '#retryDue': 'retry_due',
        '#updatedAt': 'updated_at',
        '#leaseId': 'lease_id',
      },
      ExpressionAttributeValues: {
        ':due': { S: '2024-03-01T12:30:00.000Z' },
        ':now': { S: now.toISOString() },
        ':id': { S: 'lease-1' },
        ':asOf': { S: '2024-03-01T12:00:00.000Z' },
      },
      ReturnConsumedCapacity: 'TOTAL',
    });
  });

  it('answers false when another run deferred it first, or the lease is gone', async () => {
    // Prepare
    dynamo.on(UpdateItemCommand).resolvesOnce({}).rejects(conditionFailed());
    const { ledger } = makeLedger();

    // Act
    const firstRun = await ledger.deferLease(series, first, 'lease-1', 'now', 'later');
    const secondRun = await ledger.deferLease(series, first, 'lease-1', 'now', 'later');

    // Assess
    expect([firstRun, secondRun]).toEqual([true, false]);
  });

  it('turns any other failure into a StoreError', async () => {
    // Prepare
    dynamo.on(UpdateItemCommand).rejects(internalError());
    const { ledger } = makeLedger();

    // Act
    const deferral = ledger.deferLease(series, first, 'lease-1', 'now', 'later');

    // Assess
    await expect(deferral).rejects.toMatchObject({ name: 'StoreError', operation: 'UpdateItem' });
  });
});

describe('closeLease', () => {
  it('deletes the lease on the condition that it is this lease', async () => {
    // Prepare
    dynamo.on(DeleteItemCommand).resolves({ ConsumedCapacity: { CapacityUnits: 1 } });
    const { ledger, consumed } = makeLedger();

    // Act
    await ledger.closeLease(series, first, 'lease-1');

    // Assess
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(DeleteItemCommand, {
      TableName: tableName,
      Key: leaseKey,
      ConditionExpression: '#leaseId = :id',
      ExpressionAttributeNames: { '#leaseId': 'lease_id' },
      ExpressionAttributeValues: { ':id': { S: 'lease-1' } },
      ReturnConsumedCapacity: 'TOTAL',
    });
    expect(consumed).toEqual([['DeleteItem', 1]]);
  });

  it('is fine with a refused delete (the lease is gone already, or is another one)', async () => {
    // Prepare
    dynamo.on(DeleteItemCommand).rejects(conditionFailed());
    const { ledger } = makeLedger();

    // Act
    const closing = ledger.closeLease(series, first, 'lease-1');

    // Assess
    await expect(closing).resolves.toBeUndefined();
  });

  it('turns any other failure into a StoreError', async () => {
    // Prepare
    const cause = internalError();
    dynamo.on(DeleteItemCommand).rejects(cause);
    const { ledger } = makeLedger();

    // Act
    const error = await ledger.closeLease(series, first, 'lease-1').catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ operation: 'DeleteItem', cause });
  });
});

describe('claimDates', () => {
  const day = (iso: string): Day => parseIsoDate(iso);

  it('makes no call for no dates', async () => {
    // Prepare
    const { ledger } = makeLedger();

    // Act
    const claims = await ledger.claimDates(series, [], request);

    // Assess
    expect(claims.size).toBe(0);
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 0);
    expect(dynamo).toHaveReceivedCommandTimes(UpdateItemCommand, 0);
  });

  it('reads the dates with one consistent Query from the earliest to the latest', async () => {
    // Prepare
    dynamo.on(QueryCommand).resolves({ Items: [], ConsumedCapacity: { CapacityUnits: 0.5 } });
    dynamo.on(UpdateItemCommand).resolves({ ConsumedCapacity: { CapacityUnits: 1 } });
    const { ledger, consumed } = makeLedger();

    // Act
    await ledger.claimDates(series, [day('2024-01-09'), day('2024-01-03'), day('2024-01-05')], request);

    // Assess
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(QueryCommand, {
      TableName: tableName,
      KeyConditionExpression: '#pk = :pk AND #date BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#pk': 'info_type', '#date': 'date' },
      ExpressionAttributeValues: {
        ':pk': { S: series },
        ':from': { S: '2024-01-03' },
        ':to': { S: '2024-01-09' },
      },
      ConsistentRead: true,
      ExclusiveStartKey: undefined,
      ReturnConsumedCapacity: 'TOTAL',
    });
    expect(consumed).toEqual([
      ['Query', 0.5],
      ['UpdateItem', 1],
      ['UpdateItem', 1],
      ['UpdateItem', 1],
    ]);
  });

  it("claims a date without item with the lease's asks counted: attemptsWithoutItem + 1", async () => {
    // Prepare
    const { ledger } = makeLedger();
    const { claimValues, ...update } = claimUpdate('2024-01-02', 2);

    // Act
    const claims = await ledger.claimDates(series, [day('2024-01-02')], request);

    // Assess
    expect(claims).toEqual(new Map([[day('2024-01-02'), { kind: 'claimed', attempts: 2 }]]));
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateItemCommand, {
      ...update,
      ConditionExpression: 'attribute_not_exists(#status)',
      ExpressionAttributeValues: claimValues,
    });
  });

  it('claims a date without item and without lease ask as its first attempt', async () => {
    // Prepare
    const { ledger } = makeLedger();

    // Act
    const claims = await ledger.claimDates(series, [day('2024-01-02')], {
      ...request,
      attemptsWithoutItem: 0,
    });

    // Assess
    expect(claims.get(day('2024-01-02'))).toEqual({ kind: 'claimed', attempts: 1 });
    expect(dynamo).toHaveReceivedCommandWith(UpdateItemCommand, {
      ExpressionAttributeValues: expect.objectContaining({ ':attempts': { N: '1' }, ':count': { N: '0' } }),
    });
  });

  it('claims attempt n + 1 on an item with attempts n, on the condition that it still has exactly n', async () => {
    // Prepare
    dynamo.on(QueryCommand).resolves({
      Items: [
        makeDateRow('2024-01-02', {
          status: { S: 'RETRY' },
          attempts: { N: '3' },
          retry_count: { N: '2' },
          claim_token: { S: 'delivery-old' },
        }),
      ],
    });
    const { ledger } = makeLedger();
    const { claimValues, ...update } = claimUpdate('2024-01-02', 4);

    // Act
    const claims = await ledger.claimDates(series, [day('2024-01-02')], request);

    // Assess
    expect(claims.get(day('2024-01-02'))).toEqual({ kind: 'claimed', attempts: 4 });
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateItemCommand, {
      ...update,
      ConditionExpression: '#status = :seenStatus AND #attempts = :seenAttempts',
      ExpressionAttributeValues: {
        ...claimValues,
        ':seenStatus': { S: 'RETRY' },
        ':seenAttempts': { N: '3' },
      },
    });
  });

  it("claims attempt 1 on a released date: its released: token is no delivery's own", async () => {
    // Prepare
    dynamo.on(QueryCommand).resolves({
      Items: [
        makeDateRow('2024-01-02', {
          status: { S: 'RETRY' },
          attempts: { N: '0' },
          retry_count: { N: '0' },
          last_error: { S: 'HTTP 504' },
          claim_token: { S: 'released:2024-03-01T11:00:00.000Z' },
        }),
      ],
    });
    const { ledger } = makeLedger();
    const { claimValues, ...update } = claimUpdate('2024-01-02', 1);

    // Act
    const claims = await ledger.claimDates(series, [day('2024-01-02')], request);

    // Assess
    expect(claims.get(day('2024-01-02'))).toEqual({ kind: 'claimed', attempts: 1 });
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateItemCommand, {
      ...update,
      ConditionExpression: '#status = :seenStatus AND #attempts = :seenAttempts',
      ExpressionAttributeValues: {
        ...claimValues,
        ':seenStatus': { S: 'RETRY' },
        ':seenAttempts': { N: '0' },
      },
    });
  });

  it('counts an item written before the ledger (no attempts) as retry_count + 1 attempts made', async () => {
    // Prepare
    dynamo.on(QueryCommand).resolves({
      Items: [makeDateRow('2024-01-02', { status: { S: 'PENDING' }, retry_count: { N: '0' } })],
    });
    const { ledger } = makeLedger();
    const { claimValues, ...update } = claimUpdate('2024-01-02', 2);

    // Act
    const claims = await ledger.claimDates(series, [day('2024-01-02')], request);

    // Assess
    expect(claims.get(day('2024-01-02'))).toEqual({ kind: 'claimed', attempts: 2 });
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateItemCommand, {
      ...update,
      ConditionExpression:
        '#status = :seenStatus AND attribute_not_exists(#attempts) AND #retryCount = :seenCount',
      ExpressionAttributeValues: {
        ...claimValues,
        ':seenStatus': { S: 'PENDING' },
        ':seenCount': { N: '0' },
      },
    });
  });

  it('answers done for OK and QUARANTINED dates and writes nothing to them', async () => {
    // Prepare
    dynamo.on(QueryCommand).resolves({
      Items: [
        makeDateRow('2024-01-02', { status: { S: 'OK' }, value: { N: '4.8' }, retry_count: { N: '0' } }),
        makeDateRow('2024-01-03', {
          status: { S: 'QUARANTINED' },
          attempts: { N: '6' },
          retry_count: { N: '5' },
        }),
      ],
    });
    const { ledger } = makeLedger();

    // Act
    const claims = await ledger.claimDates(series, [day('2024-01-02'), day('2024-01-03')], request);

    // Assess
    expect(claims).toEqual(
      new Map([
        [day('2024-01-02'), { kind: 'done' }],
        [day('2024-01-03'), { kind: 'done' }],
      ]),
    );
    expect(dynamo).toHaveReceivedCommandTimes(UpdateItemCommand, 0);
  });

  it('answers spent, with the attempts made and the last error, when the next would pass maxAttempts', async () => {
    // Prepare
    dynamo.on(QueryCommand).resolves({
      Items: [
        makeDateRow('2024-01-02', {
          status: { S: 'RETRY' },
          attempts: { N: '6' },
          retry_count: { N: '5' },
          last_error: { S: 'HTTP 504' },
        }),
        makeDateRow('2024-01-03', { status: { S: 'RETRY' }, attempts: { N: '5' }, retry_count: { N: '4' } }),
      ],
    });
    const { ledger } = makeLedger();

    // Act
    const claims = await ledger.claimDates(series, [day('2024-01-02'), day('2024-01-03')], request);

    // Assess
    expect(claims).toEqual(
      new Map([
        [day('2024-01-02'), { kind: 'spent', attempts: 6, lastError: 'HTTP 504' }],
        [day('2024-01-03'), { kind: 'claimed', attempts: 6 }],
      ]),
    );
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateItemCommand, { Key: dateKey('2024-01-03') });
  });

  it('answers spent without an error for a date without item when the lease asks used the budget', async () => {
    // Prepare
    const { ledger } = makeLedger();

    // Act
    const claims = await ledger.claimDates(series, [day('2024-01-02')], {
      ...request,
      maxAttempts: 1,
      attemptsWithoutItem: 1,
    });

    // Assess
    expect(claims.get(day('2024-01-02'))).toEqual({ kind: 'spent', attempts: 1 });
    expect(dynamo).toHaveReceivedCommandTimes(UpdateItemCommand, 0);
  });

  it("answers claimed, without another attempt, for a date whose item carries this delivery's token", async () => {
    // Prepare
    dynamo.on(QueryCommand).resolves({
      Items: [
        makeDateRow('2024-01-02', {
          status: { S: 'RETRY' },
          attempts: { N: '2' },
          retry_count: { N: '1' },
          claim_token: { S: 'delivery-a' },
        }),
      ],
    });
    const { ledger } = makeLedger();

    // Act
    const claims = await ledger.claimDates(series, [day('2024-01-02')], request);

    // Assess
    expect(claims.get(day('2024-01-02'))).toEqual({ kind: 'claimed', attempts: 2 });
    expect(dynamo).toHaveReceivedCommandTimes(UpdateItemCommand, 0);
  });

  it("answers claimed when a refused claim's item carries this delivery's token (its answer was lost)", async () => {
    // Prepare
    dynamo.on(UpdateItemCommand).rejects(conditionFailed());
    dynamo.on(GetItemCommand).resolves({
      Item: makeDateRow('2024-01-02', {
        status: { S: 'RETRY' },
        attempts: { N: '2' },
        retry_count: { N: '1' },
        claim_token: { S: 'delivery-a' },
      }),
      ConsumedCapacity: { CapacityUnits: 0.5 },
    });
    const { ledger, consumed } = makeLedger();

    // Act
    const claims = await ledger.claimDates(series, [day('2024-01-02')], request);

    // Assess
    expect(claims.get(day('2024-01-02'))).toEqual({ kind: 'claimed', attempts: 2 });
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(GetItemCommand, {
      TableName: tableName,
      Key: dateKey('2024-01-02'),
      ConsistentRead: true,
      ReturnConsumedCapacity: 'TOTAL',
    });
    expect(consumed).toEqual([
      ['Query', 0],
      ['GetItem', 0.5],
    ]);
  });

  it('answers busy when another delivery claimed the date between the read and the write', async () => {
    // Prepare
    dynamo.on(UpdateItemCommand).rejects(conditionFailed());
    dynamo.on(GetItemCommand).resolves({
      Item: makeDateRow('2024-01-02', {
        status: { S: 'RETRY' },
        attempts: { N: '2' },
        retry_count: { N: '1' },
        claim_token: { S: 'delivery-b' },
      }),
    });
    const { ledger } = makeLedger();

    // Act
    const claims = await ledger.claimDates(series, [day('2024-01-02')], request);

    // Assess
    expect(claims.get(day('2024-01-02'))).toEqual({ kind: 'busy' });
  });

  it('answers done when the date got its value between the read and the write', async () => {
    // Prepare
    dynamo.on(UpdateItemCommand).rejects(conditionFailed());
    dynamo.on(GetItemCommand).resolves({
      Item: makeDateRow('2024-01-02', { status: { S: 'OK' }, value: { N: '4.8' }, retry_count: { N: '0' } }),
    });
    const { ledger } = makeLedger();

    // Act
    const claims = await ledger.claimDates(series, [day('2024-01-02')], request);

    // Assess
    expect(claims.get(day('2024-01-02'))).toEqual({ kind: 'done' });
  });

  it('claims each date on its own: one refused date does not keep the others from being claimed', async () => {
    // Prepare
    dynamo.on(UpdateItemCommand, { Key: dateKey('2024-01-03') }).rejects(conditionFailed());
    dynamo.on(GetItemCommand).resolves({
      Item: makeDateRow('2024-01-03', {
        status: { S: 'RETRY' },
        attempts: { N: '2' },
        claim_token: { S: 'delivery-b' },
      }),
    });
    const { ledger } = makeLedger();

    // Act
    const claims = await ledger.claimDates(
      series,
      [day('2024-01-02'), day('2024-01-03'), day('2024-01-04')],
      request,
    );

    // Assess
    expect(claims).toEqual(
      new Map([
        [day('2024-01-02'), { kind: 'claimed', attempts: 2 }],
        [day('2024-01-03'), { kind: 'busy' }],
        [day('2024-01-04'), { kind: 'claimed', attempts: 2 }],
      ]),
    );
    expect(dynamo).toHaveReceivedCommandTimes(UpdateItemCommand, 3);
  });

  it('turns any other UpdateItem failure into a StoreError with the SDK error as cause', async () => {
    // Prepare
    const cause = internalError();
    dynamo.on(UpdateItemCommand).rejects(cause);
    const { ledger } = makeLedger();

    // Act
    const error = await ledger
      .claimDates(series, [day('2024-01-02')], request)
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ operation: 'UpdateItem', cause });
    expect(dynamo).toHaveReceivedCommandTimes(GetItemCommand, 0);
  });

  it('turns a failed read into a StoreError and claims nothing', async () => {
    // Prepare
    dynamo.on(QueryCommand).rejects(internalError());
    const { ledger } = makeLedger();

    // Act
    const claiming = ledger.claimDates(series, [day('2024-01-02')], request);

    // Assess
    await expect(claiming).rejects.toMatchObject({ name: 'StoreError', operation: 'Query' });
    expect(dynamo).toHaveReceivedCommandTimes(UpdateItemCommand, 0);
  });
});
