import { DynamoDBClient, QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { describeError, StoreError } from '@gapless/pipeline-core';

/** What the DynamoDB adapter's parts share: the client, the table, the clock and a capacity sink. */
export interface DynamoContext {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly now: () => Date;
  readonly consumed: (units: number, operation: string) => void;
}

/** How every DynamoDB adapter of the table is built: the options they share. */
export interface DynamoTableOptions {
  readonly tableName: string;
  /** Defaults to `new DynamoDBClient({ maxAttempts })`, so the SDK's own variables (`AWS_ENDPOINT_URL_DYNAMODB`) apply. */
  readonly client?: DynamoDBClient;
  /**
   * Attempts per call of the client built here, throttled ones included (the SDK's retry); ignored when
   * `client` is given. Default: the SDK's.
   */
  readonly maxAttempts?: number;
  /** Receives the read/write capacity each call consumed (benchmarks, metrics). */
  readonly onConsumedCapacity?: (units: number, operation: string) => void;
  readonly now?: () => Date;
}

/** The context an adapter works in, from its options and their defaults. */
export function createDynamoContext(options: DynamoTableOptions): DynamoContext {
  return {
    client:
      options.client ??
      new DynamoDBClient(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
    tableName: options.tableName,
    now: options.now ?? (() => new Date()),
    consumed: options.onConsumedCapacity ?? (() => {}),
  };
}

/** Whether an SDK error is DynamoDB refusing a condition (an expected outcome, not a failure). */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** Translates an SDK error into the domain's StoreError, keeping it as `cause`. */
export function storeError(operation: string, error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  return new StoreError(operation, describeError(error), { cause: error });
}

/** Runs one SDK call, translating any failure into a StoreError named after the operation. */
export async function callDynamo<T>(operation: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw storeError(operation, error);
  }
}

/** A keyed Query of the table (or of `IndexName`). */
export interface KeyedQuery {
  readonly KeyConditionExpression: string;
  readonly ExpressionAttributeNames: Record<string, string>;
  readonly ExpressionAttributeValues: Record<string, AttributeValue>;
  readonly ProjectionExpression?: string;
  readonly ConsistentRead?: boolean;
  readonly IndexName?: string;
}

/** Runs a keyed Query page after page, handing each page's items to `onPage`, its capacity counted. */
export async function queryPages(
  context: DynamoContext,
  input: KeyedQuery,
  onPage: (items: Record<string, AttributeValue>[]) => void,
): Promise<void> {
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await callDynamo('Query', () =>
      context.client.send(
        new QueryCommand({
          TableName: context.tableName,
          ...input,
          ExclusiveStartKey: startKey,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      ),
    );
    context.consumed(page.ConsumedCapacity?.CapacityUnits ?? 0, 'Query');
    onPage(page.Items ?? []);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

/** Every item a keyed Query finds, page after page, its capacity counted. */
export async function queryAll(
  context: DynamoContext,
  input: KeyedQuery,
): Promise<Record<string, AttributeValue>[]> {
  const rows: Record<string, AttributeValue>[] = [];
  await queryPages(context, input, (items) => rows.push(...items));
  return rows;
}
