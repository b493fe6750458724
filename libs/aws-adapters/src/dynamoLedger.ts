import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import {
  formatIsoDate,
  ItemStatus,
  mapConcurrently,
  parseIsoDate,
  type DateClaim,
  type Day,
  type Lease,
  type LeaseClaim,
  type SeriesStore,
} from '@gapless/pipeline-core';
import { callDynamo, isConditionFailure, queryAll, storeError, type DynamoContext } from './dynamoContext.js';
import { shardKey, shardOf, ShardPrefix } from './shard.js';
import { tableDefinition } from './tableDefinition.js';

type Item = Record<string, AttributeValue>;
type LedgerMethods = Pick<
  SeriesStore,
  'listLeases' | 'getLease' | 'openLease' | 'claimLease' | 'deferLease' | 'closeLease' | 'claimDates'
>;

const { partitionKey: PK, sortKey: SK, attributes: A, leasePrefix } = tableDefinition;
/** The status lease items carry, so the retry-due index (which projects `status`) tells them apart. */
const LEASE_STATUS = 'LEASE';
/** Dates claimed at once by `claimDates` (each claim is one conditional UpdateItem). */
const CLAIM_CONCURRENCY = 8;

/**
 * The work ledger on DynamoDB: leases of streams in flight (`LEASE#<series>` partitions, sort key = the
 * stream's first date) and the per-date attempt claims of the failure path. Every change is conditional,
 * and every claim carries the delivery's token, so a claim whose answer was lost (the SDK retried a write
 * that had committed) is recognised as the delivery's own instead of as someone else's.
 */
export function createDynamoLedger(context: DynamoContext): LedgerMethods {
  const send = async <T extends { ConsumedCapacity?: { CapacityUnits?: number } }>(
    operation: string,
    call: () => Promise<T>,
  ): Promise<T> => {
    const output = await callDynamo(operation, call);
    context.consumed(output.ConsumedCapacity?.CapacityUnits ?? 0, operation);
    return output;
  };
  /**
   * A conditional write: false when DynamoDB refused the condition, a StoreError for anything else. It sends
   * the SDK call itself (not through `send`, which would turn the refusal into a StoreError first).
   */
  const conditional = async (
    operation: string,
    call: () => Promise<{ ConsumedCapacity?: { CapacityUnits?: number } }>,
  ): Promise<boolean> => {
    try {
      const output = await call();
      context.consumed(output.ConsumedCapacity?.CapacityUnits ?? 0, operation);
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw storeError(operation, error);
    }
  };
  const leaseKey = (infoType: string, first: Day): Item => ({
    [PK]: { S: `${leasePrefix}${infoType}` },
    [SK]: { S: formatIsoDate(first) },
  });
  const readLease = async (infoType: string, first: Day): Promise<Item | undefined> => {
    const output = await send('GetItem', () =>
      context.client.send(
        new GetItemCommand({
          TableName: context.tableName,
          Key: leaseKey(infoType, first),
          ConsistentRead: true,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      ),
    );
    return output.Item;
  };
  const getLease = async (infoType: string, first: Day): Promise<Lease | undefined> => {
    const row = await readLease(infoType, first);
    return row === undefined ? undefined : toLease(infoType, row);
  };

  return {
    getLease,

    async listLeases(infoType) {
      const rows = await queryAll(context, {
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': PK },
        ExpressionAttributeValues: { ':pk': { S: `${leasePrefix}${infoType}` } },
      });
      return rows.map((row) => toLease(infoType, row));
    },

    openLease(lease) {
      const first = formatIsoDate(lease.first);
      return conditional('PutItem', () =>
        context.client.send(
          new PutItemCommand({
            TableName: context.tableName,
            Item: {
              ...leaseKey(lease.infoType, lease.first),
              [A.status]: { S: LEASE_STATUS },
              [A.leaseId]: { S: lease.id },
              [A.lastDate]: { S: formatIsoDate(lease.last) },
              [A.asks]: { N: '0' },
              [A.retryShard]: {
                S: shardKey(ShardPrefix.Retry, shardOf(`${leasePrefix}${lease.infoType}`, first)),
              },
              [A.retryDue]: { S: lease.retryDue },
              [A.updatedAt]: { S: context.now().toISOString() },
            },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': PK },
            ReturnConsumedCapacity: 'TOTAL',
          }),
        ),
      );
    },

    async claimLease(infoType, first, id, token, retryDue): Promise<LeaseClaim> {
      const claimed = await conditional('UpdateItem', () =>
        context.client.send(
          new UpdateItemCommand({
            TableName: context.tableName,
            Key: leaseKey(infoType, first),
            UpdateExpression: 'SET #asks = :one, #askToken = :token, #retryDue = :due, #updatedAt = :now',
            ConditionExpression: '#leaseId = :id AND #asks = :zero',
            ExpressionAttributeNames: {
              '#asks': A.asks,
              '#askToken': A.askToken,
              '#retryDue': A.retryDue,
              '#updatedAt': A.updatedAt,
              '#leaseId': A.leaseId,
            },
            ExpressionAttributeValues: {
              ':one': { N: '1' },
              ':zero': { N: '0' },
              ':token': { S: token },
              ':due': { S: retryDue },
              ':now': { S: context.now().toISOString() },
              ':id': { S: id },
            },
            ReturnConsumedCapacity: 'TOTAL',
          }),
        ),
      );
      if (claimed) return { kind: 'claimed' };
      // Refused: closed, another lease, another delivery's ask, or this delivery's own committed claim.
      const row = await readLease(infoType, first);
      if (row === undefined || row[A.leaseId]?.S !== id) return { kind: 'gone' };
      if (row[A.askToken]?.S === token) return { kind: 'claimed' };
      return { kind: 'taken', asks: Number(row[A.asks]?.N ?? 0) };
    },

    deferLease(infoType, first, id, nowIso, retryDue) {
      return conditional('UpdateItem', () =>
        context.client.send(
          new UpdateItemCommand({
            TableName: context.tableName,
            Key: leaseKey(infoType, first),
            UpdateExpression: 'SET #retryDue = :due, #updatedAt = :now',
            ConditionExpression: '#leaseId = :id AND #retryDue <= :asOf',
            ExpressionAttributeNames: {
              '#retryDue': A.retryDue,
              '#updatedAt': A.updatedAt,
              '#leaseId': A.leaseId,
            },
            ExpressionAttributeValues: {
              ':due': { S: retryDue },
              ':now': { S: context.now().toISOString() },
              ':id': { S: id },
              ':asOf': { S: nowIso },
            },
            ReturnConsumedCapacity: 'TOTAL',
          }),
        ),
      );
    },

    async closeLease(infoType, first, id) {
      await conditional('DeleteItem', () =>
        context.client.send(
          new DeleteItemCommand({
            TableName: context.tableName,
            Key: leaseKey(infoType, first),
            ConditionExpression: '#leaseId = :id',
            ExpressionAttributeNames: { '#leaseId': A.leaseId },
            ExpressionAttributeValues: { ':id': { S: id } },
            ReturnConsumedCapacity: 'TOTAL',
          }),
        ),
      );
    },

    async claimDates(infoType, days, request) {
      const claims = new Map<Day, DateClaim>();
      if (days.length === 0) return claims;
      const sorted = [...days].sort((a, b) => a - b);
      const rows = await queryAll(context, {
        KeyConditionExpression: '#pk = :pk AND #date BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#pk': PK, '#date': SK },
        ExpressionAttributeValues: {
          ':pk': { S: infoType },
          ':from': { S: formatIsoDate(sorted[0] as Day) },
          ':to': { S: formatIsoDate(sorted[sorted.length - 1] as Day) },
        },
        ConsistentRead: true,
      });
      const byDay = new Map(rows.map((row) => [parseIsoDate(row[SK]?.S), row]));
      await mapConcurrently(sorted, CLAIM_CONCURRENCY, async (day) => {
        claims.set(day, await claimDate(context, infoType, day, byDay.get(day), request));
      });
      return claims;
    },
  };
}

/** One date's claim: decided from the item as read, then written with a condition on exactly that state. */
async function claimDate(
  context: DynamoContext,
  infoType: string,
  day: Day,
  row: Item | undefined,
  request: { token: string; maxAttempts: number; attemptsWithoutItem: number; retryDue: string },
): Promise<DateClaim> {
  const state = claimState(row, request.attemptsWithoutItem);
  if (state.kind === 'done') return state;
  if (row?.[A.claimToken]?.S === request.token) return { kind: 'claimed', attempts: state.attempts };
  const next = state.attempts + 1;
  if (next > request.maxAttempts) {
    const lastError = row?.[A.lastError]?.S;
    return { kind: 'spent', attempts: state.attempts, ...(lastError === undefined ? {} : { lastError }) };
  }
  const iso = formatIsoDate(day);
  // Exactly the state read: a missing item, or the same status and the same count of attempts.
  const condition =
    row === undefined
      ? 'attribute_not_exists(#status)'
      : row[A.attempts]?.N !== undefined
        ? '#status = :seenStatus AND #attempts = :seenAttempts'
        : '#status = :seenStatus AND attribute_not_exists(#attempts) AND #retryCount = :seenCount';
  const values: Item = {
    ':retry': { S: ItemStatus.Retry },
    ':null': { NULL: true },
    ':attempts': { N: String(next) },
    ':count': { N: String(next - 1) },
    ':token': { S: request.token },
    ':shard': { S: shardKey(ShardPrefix.Retry, shardOf(infoType, iso)) },
    ':due': { S: request.retryDue },
    ':now': { S: context.now().toISOString() },
    ...(row === undefined
      ? {}
      : {
          ':seenStatus': { S: row[A.status]?.S ?? '' },
          ...(row[A.attempts]?.N !== undefined
            ? { ':seenAttempts': { N: row[A.attempts]?.N as string } }
            : { ':seenCount': { N: row[A.retryCount]?.N ?? '0' } }),
        }),
  };
  try {
    const output = await context.client.send(
      new UpdateItemCommand({
        TableName: context.tableName,
        Key: { [PK]: { S: infoType }, [SK]: { S: iso } },
        UpdateExpression:
          'SET #status = :retry, #value = if_not_exists(#value, :null), #attempts = :attempts, ' +
          '#retryCount = :count, #claimToken = :token, #retryShard = :shard, #retryDue = :due, #updatedAt = :now',
        ConditionExpression: condition,
        ExpressionAttributeNames: {
          '#status': A.status,
          '#value': A.value,
          '#attempts': A.attempts,
          '#retryCount': A.retryCount,
          '#claimToken': A.claimToken,
          '#retryShard': A.retryShard,
          '#retryDue': A.retryDue,
          '#updatedAt': A.updatedAt,
        },
        ExpressionAttributeValues: Object.fromEntries(
          Object.entries(values).filter(([name]) => !name.startsWith(':seen') || condition.includes(name)),
        ),
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    context.consumed(output.ConsumedCapacity?.CapacityUnits ?? 0, 'UpdateItem');
    return { kind: 'claimed', attempts: next };
  } catch (error) {
    if (!isConditionFailure(error)) throw storeError('UpdateItem', error);
  }
  // Refused: someone changed the date since it was read, or this very claim committed and its answer was
  // lost (the SDK retried it). The item tells which.
  const output = await callDynamo('GetItem', () =>
    context.client.send(
      new GetItemCommand({
        TableName: context.tableName,
        Key: { [PK]: { S: infoType }, [SK]: { S: iso } },
        ConsistentRead: true,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    ),
  );
  context.consumed(output.ConsumedCapacity?.CapacityUnits ?? 0, 'GetItem');
  if (output.Item?.[A.claimToken]?.S === request.token) {
    return { kind: 'claimed', attempts: Number(output.Item[A.attempts]?.N ?? next) };
  }
  const now = claimState(output.Item, request.attemptsWithoutItem);
  return now.kind === 'done' ? now : { kind: 'busy' };
}

/** What an item says of a date: done (OK, QUARANTINED), or the attempts it has made so far. */
function claimState(
  row: Item | undefined,
  attemptsWithoutItem: number,
): { kind: 'done' } | { kind: 'open'; attempts: number } {
  if (row === undefined) return { kind: 'open', attempts: attemptsWithoutItem };
  const status = row[A.status]?.S;
  if (status !== ItemStatus.Retry && status !== ItemStatus.Pending) return { kind: 'done' };
  const attempts = row[A.attempts]?.N;
  // Items written before the ledger count retries spent: the attempts made are one more.
  return {
    kind: 'open',
    attempts: attempts !== undefined ? Number(attempts) : Number(row[A.retryCount]?.N ?? 0) + 1,
  };
}

function toLease(infoType: string, row: Item): Lease {
  return {
    infoType,
    id: row[A.leaseId]?.S ?? '',
    first: parseIsoDate(row[SK]?.S),
    last: parseIsoDate(row[A.lastDate]?.S),
    asks: Number(row[A.asks]?.N ?? 0),
    retryDue: row[A.retryDue]?.S ?? '',
  };
}
