import { QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describeError, StoreError } from '@gapless/pipeline-core';

/** What the DynamoDB adapter's parts share: the client, the table, the clock and a capacity sink. */
export interface DynamoContext {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly now: () => Date;
  readonly consumed: (units: number, operation: string) => void;
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

/** Every item a keyed Query (of the table, or of `IndexName`) finds, page after page, its capacity counted. */
export async function queryAll(
  context: DynamoContext,
  input: {
    KeyConditionExpression: string;
    ExpressionAttributeNames: Record<string, string>;
    ExpressionAttributeValues: Record<string, AttributeValue>;
    ConsistentRead?: boolean;
    IndexName?: string;
  },
): Promise<Record<string, AttributeValue>[]> {
  const rows: Record<string, AttributeValue>[] = [];
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
    rows.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return rows;
}
