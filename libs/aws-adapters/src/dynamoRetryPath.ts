import {
  DeleteItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import {
  formatIsoDate,
  mapConcurrently,
  parseIsoDate,
  type Day,
  ItemStatus,
  NEIGHBOURS_CHECKED,
  type FailureRecord,
  type DueItem,
  type DueLease,
  type QuarantinedItem,
  type SeriesStore,
} from '@gapless/pipeline-core';
import { callDynamo, isConditionFailure, queryAll, storeError, type DynamoContext } from './dynamoContext.js';
import { allShardKeys, itemKey, shardKey, shardOf, ShardPrefix } from './shard.js';
import { tableDefinition } from './tableDefinition.js';

type Item = Record<string, AttributeValue>;
type RetryPathMethods = Pick<
  SeriesStore,
  | 'recordFailure'
  | 'dueItems'
  | 'deferRetry'
  | 'quarantine'
  | 'publishedAround'
  | 'markAbsent'
  | 'retireDate'
  | 'listQuarantined'
  | 'release'
>;

const { partitionKey: PK, sortKey: SK, attributes: A, indexes } = tableDefinition;

// Every expression names its attributes through these aliases (`date`, `status` and `value` are reserved).
const NAMES = {
  '#status': A.status,
  '#value': A.value,
  '#retryCount': A.retryCount,
  '#lastError': A.lastError,
  '#updatedAt': A.updatedAt,
  '#retryShard': A.retryShard,
  '#retryDue': A.retryDue,
  '#quarantineShard': A.quarantineShard,
  '#quarantineKey': A.quarantineKey,
  '#attempts': A.attempts,
  '#claimToken': A.claimToken,
  '#absentAttempts': A.absentAttempts,
} as const;

/**
 * The single-item, conditional half of the DynamoDB store: the retry path and the quarantine. Each change is
 * one UpdateItem whose condition encodes the item state machine, so two runs racing cannot both win and an
 * OK item is never touched.
 */
export function createDynamoRetryPath(context: DynamoContext): RetryPathMethods {
  const update = async (
    infoType: string,
    day: Day,
    expression: string,
    condition: string,
    values: Item,
  ): Promise<boolean> => {
    const names = Object.fromEntries(
      Object.entries(NAMES).filter(([alias]) => expression.includes(alias) || condition.includes(alias)),
    );
    try {
      const output = await context.client.send(
        new UpdateItemCommand({
          TableName: context.tableName,
          Key: { [PK]: { S: infoType }, [SK]: { S: formatIsoDate(day) } },
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ...values, ':now': { S: context.now().toISOString() } },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      context.consumed(output.ConsumedCapacity?.CapacityUnits ?? 0, 'UpdateItem');
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw storeError('UpdateItem', error);
    }
  };
  const retryShardOf = (infoType: string, day: Day): AttributeValue => ({
    S: shardKey(ShardPrefix.Retry, shardOf(infoType, formatIsoDate(day))),
  });
  const inRetryPath = '#status IN (:pending, :retry)';
  const retryStates = { ':pending': { S: ItemStatus.Pending }, ':retry': { S: ItemStatus.Retry } };
  // Only the delivery that claimed the date (or any, on an item no delivery claimed) records on it, and
  // attempts never go down outside `release`: a late report of an older attempt, or one from before a
  // release, must not spend attempts it did not make (the 1 + MAX_RETRIES bound). Items written before the
  // ledger have no `attempts`; their retry_count (retries spent) stands for attempts - 1, so they have made
  // retry_count + 1 <= :attempts exactly when retry_count < :attempts (`:count` is clamped at 0 and would let
  // a report of no attempt hand back the one a PENDING item made).
  const claimCondition =
    `attribute_not_exists(#status) OR (${inRetryPath} AND ` +
    '(attribute_not_exists(#claimToken) OR #claimToken = :token) AND ' +
    '(#attempts <= :attempts OR (attribute_not_exists(#attempts) AND #retryCount < :attempts)))';
  const claimValues = (failure: FailureRecord): Item => ({
    ':pending': { S: ItemStatus.Pending },
    ':retry': { S: ItemStatus.Retry },
    ':null': { NULL: true },
    ':attempts': { N: String(failure.attempts) },
    ':count': { N: String(Math.max(0, failure.attempts - 1)) },
    ':error': { S: clip(failure.error) },
    ':token': { S: failure.token },
  });

  return {
    async recordFailure(infoType, failure) {
      const recorded = await update(
        infoType,
        failure.day,
        'SET #status = :retry, #value = :null, #attempts = :attempts, #retryCount = :count, ' +
          '#lastError = :error, #updatedAt = :now, #retryShard = :shard, #retryDue = :due, #claimToken = :token' +
          // An absence is kept as the attempt's number in a set: a report sent twice adds it once.
          (failure.absent ? ' ADD #absentAttempts :attempt' : ''),
        claimCondition,
        {
          ...claimValues(failure),
          ':retry': { S: ItemStatus.Retry },
          ':shard': retryShardOf(infoType, failure.day),
          ':due': { S: failure.retryDue },
          ...(failure.absent ? { ':attempt': { NS: [String(failure.attempts)] } } : {}),
        },
      );
      return recorded ? 'recorded' : 'left-alone';
    },

    async markAbsent(infoType, failure) {
      const iso = formatIsoDate(failure.day);
      // Each earlier attempt of the cycle must be in the set of absences: one that failed otherwise, or whose
      // delivery died before recording, keeps the date off ABSENT (it is quarantined as usual).
      const earlier = Array.from({ length: failure.attempts - 1 }, (_, index) => index + 1);
      const allEarlierAbsent = earlier
        .map((attempt) => ` AND contains(#absentAttempts, :absent${attempt})`)
        .join('');
      return update(
        infoType,
        failure.day,
        'SET #status = :absentStatus, #value = :null, #attempts = :attempts, #retryCount = :count, ' +
          '#lastError = :error, #updatedAt = :now, #claimToken = :token, #quarantineShard = :qshard, ' +
          '#quarantineKey = :qkey REMOVE #retryShard, #retryDue ADD #absentAttempts :attempt',
        earlier.length === 0 ? claimCondition : `(${claimCondition})${allEarlierAbsent}`,
        {
          ...claimValues(failure),
          ':absentStatus': { S: ItemStatus.Absent },
          ':qshard': { S: shardKey(ShardPrefix.Quarantine, shardOf(infoType, iso)) },
          ':qkey': { S: itemKey(infoType, iso) },
          ':attempt': { NS: [String(failure.attempts)] },
          ...Object.fromEntries(earlier.map((attempt) => [`:absent${attempt}`, { N: String(attempt) }])),
        },
      );
    },

    async publishedAround(infoType, day) {
      const nearest = async (side: '<' | '>'): Promise<boolean> => {
        const output = await callDynamo('Query', () =>
          context.client.send(
            new QueryCommand({
              TableName: context.tableName,
              KeyConditionExpression: `#pk = :pk AND #date ${side} :date`,
              ExpressionAttributeNames: { '#pk': PK, '#date': SK, '#status': A.status },
              ExpressionAttributeValues: { ':pk': { S: infoType }, ':date': { S: formatIsoDate(day) } },
              ProjectionExpression: '#status',
              ScanIndexForward: side === '>',
              Limit: NEIGHBOURS_CHECKED,
              ReturnConsumedCapacity: 'TOTAL',
            }),
          ),
        );
        context.consumed(output.ConsumedCapacity?.CapacityUnits ?? 0, 'Query');
        return (output.Items ?? []).some((row) => row[A.status]?.S === ItemStatus.Ok);
      };
      const [before, after] = await Promise.all([nearest('<'), nearest('>')]);
      return before && after;
    },

    deferRetry(infoType, day, from, nowIso, retryDue) {
      return update(
        infoType,
        day,
        'SET #retryDue = :due, #updatedAt = :now',
        `#retryCount = :from AND #retryDue <= :asOf AND ${inRetryPath}`,
        {
          ...retryStates,
          ':from': { N: String(from) },
          ':asOf': { S: nowIso },
          ':due': { S: retryDue },
        },
      );
    },

    quarantine(infoType, day, lastError, maxAttempts) {
      const iso = formatIsoDate(day);
      return update(
        infoType,
        day,
        'SET #status = :quarantined, #value = if_not_exists(#value, :null), #lastError = :error, ' +
          '#retryCount = :count, #updatedAt = :now, #quarantineShard = :shard, #quarantineKey = :key ' +
          'REMOVE #retryShard, #retryDue',
        // Only a date whose every attempt was made: a release that gave it back its budget wins over a
        // decision taken on a stale read of the index.
        `attribute_not_exists(#status) OR (${inRetryPath} AND (#attempts >= :max OR ` +
          '(attribute_not_exists(#attempts) AND #retryCount >= :count)))',
        {
          ...retryStates,
          ':quarantined': { S: ItemStatus.Quarantined },
          ':null': { NULL: true },
          ':error': { S: clip(lastError) },
          ':max': { N: String(maxAttempts) },
          ':count': { N: String(Math.max(0, maxAttempts - 1)) },
          ':shard': { S: shardKey(ShardPrefix.Quarantine, shardOf(infoType, iso)) },
          ':key': { S: itemKey(infoType, iso) },
        },
      );
    },

    release(infoType, day, retryDue) {
      return update(
        infoType,
        day,
        'SET #status = :retry, #retryCount = :zero, #attempts = :zero, #retryShard = :shard, #retryDue = :due, ' +
          '#updatedAt = :now, #claimToken = :released REMOVE #quarantineShard, #quarantineKey, #absentAttempts',
        '#status IN (:quarantined, :absent)',
        {
          ':retry': { S: ItemStatus.Retry },
          ':quarantined': { S: ItemStatus.Quarantined },
          ':absent': { S: ItemStatus.Absent },
          ':zero': { N: '0' },
          ':shard': retryShardOf(infoType, day),
          ':due': { S: retryDue },
          // A token no delivery holds: deliveries from before the release can no longer record on the date.
          ':released': { S: `released:${context.now().toISOString()}` },
        },
      );
    },

    async dueItems(nowIso) {
      const perShard = await mapConcurrently(
        allShardKeys(ShardPrefix.Retry),
        SHARD_READ_CONCURRENCY,
        (shard) =>
          queryIndex(context, indexes.retryDue.name, '#shard = :shard AND #sk <= :now', {
            names: { '#shard': indexes.retryDue.partitionKey, '#sk': indexes.retryDue.sortKey },
            values: { ':shard': { S: shard }, ':now': { S: nowIso } },
          }),
      );
      const rows = perShard.flat();
      const isLease = (row: Item): boolean => (row[PK]?.S ?? '').startsWith(tableDefinition.leasePrefix);
      return {
        dates: rows.filter((row) => !isLease(row)).map(toDueItem),
        leases: rows.filter(isLease).map(toDueLease),
      };
    },

    async retireDate(infoType, day) {
      try {
        const output = await context.client.send(
          new DeleteItemCommand({
            TableName: context.tableName,
            Key: { [PK]: { S: infoType }, [SK]: { S: formatIsoDate(day) } },
            ConditionExpression: inRetryPath,
            ExpressionAttributeNames: { '#status': A.status },
            ExpressionAttributeValues: retryStates,
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
        context.consumed(output.ConsumedCapacity?.CapacityUnits ?? 0, 'DeleteItem');
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw storeError('DeleteItem', error);
      }
    },

    async listQuarantined(infoType) {
      const found: QuarantinedItem[] = [];
      for (const shard of allShardKeys(ShardPrefix.Quarantine)) {
        const prefix = infoType === undefined ? '' : ' AND begins_with(#sk, :prefix)';
        const rows = await queryIndex(context, indexes.quarantined.name, `#shard = :shard${prefix}`, {
          names: {
            '#shard': indexes.quarantined.partitionKey,
            ...(prefix ? { '#sk': indexes.quarantined.sortKey } : {}),
          },
          values: {
            ':shard': { S: shard },
            ...(infoType === undefined ? {} : { ':prefix': { S: `${infoType}#` } }),
          },
        });
        found.push(...rows.map(toQuarantinedItem));
      }
      return found.sort((a, b) =>
        a.infoType === b.infoType ? a.day - b.day : a.infoType < b.infoType ? -1 : 1,
      );
    },
  };
}

const MAX_ERROR_LENGTH = 1000;
/** Shards of the retry-due index read at once by `dueItems`. */
const SHARD_READ_CONCURRENCY = 4;

/** An error text cut to a bounded length, never between the two halves of a surrogate pair. */
function clip(text: string): string {
  if (text.length <= MAX_ERROR_LENGTH) return text;
  const code = text.charCodeAt(MAX_ERROR_LENGTH - 1);
  // A lone high surrogate has no UTF-8 form: the stored text would be mangled or refused.
  const isHighSurrogate = code >= 0xd800 && code <= 0xdbff;
  return text.slice(0, isHighSurrogate ? MAX_ERROR_LENGTH - 1 : MAX_ERROR_LENGTH);
}

function queryIndex(
  context: DynamoContext,
  indexName: string,
  keyCondition: string,
  expression: { names: Record<string, string>; values: Item },
): Promise<Item[]> {
  return queryAll(context, {
    IndexName: indexName,
    KeyConditionExpression: keyCondition,
    ExpressionAttributeNames: expression.names,
    ExpressionAttributeValues: expression.values,
  });
}

function toDueItem(row: Item): DueItem {
  const status = row[A.status]?.S === ItemStatus.Pending ? ItemStatus.Pending : ItemStatus.Retry;
  const lastError = row[A.lastError]?.S;
  return {
    infoType: row[PK]?.S ?? '',
    day: parseIsoDate(row[SK]?.S),
    status,
    retryCount: Number(row[A.retryCount]?.N ?? 0),
    ...(lastError === undefined ? {} : { lastError }),
  };
}

function toDueLease(row: Item): DueLease {
  return {
    infoType: (row[PK]?.S ?? '').slice(tableDefinition.leasePrefix.length),
    first: parseIsoDate(row[SK]?.S),
  };
}

function toQuarantinedItem(row: Item): QuarantinedItem {
  const lastError = row[A.lastError]?.S;
  const updatedAt = row[A.updatedAt]?.S;
  return {
    infoType: row[PK]?.S ?? '',
    day: parseIsoDate(row[SK]?.S),
    status: row[A.status]?.S === ItemStatus.Absent ? ItemStatus.Absent : ItemStatus.Quarantined,
    retryCount: Number(row[A.retryCount]?.N ?? 0),
    ...(lastError === undefined ? {} : { lastError }),
    ...(updatedAt === undefined ? {} : { updatedAt }),
  };
}
