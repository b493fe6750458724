import {
  QueryCommand,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { tableDefinition } from '@gapless/aws-adapters';

export type RawItem = Record<string, AttributeValue>;

/** A table item in plain form, for tests and summaries: strings and numbers, NULL as null. */
export type PlainItem = Record<string, string | number | boolean | null>;

/**
 * Every item of one partition, ascending by date. The local tool may read whole partitions; the functions
 * never do (they read from the watermark on, or the sparse indexes).
 */
export async function readPartition(
  client: DynamoDBClient,
  tableName: string,
  infoType: string,
): Promise<RawItem[]> {
  const items: RawItem[] = [];
  let startKey: RawItem | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': tableDefinition.partitionKey },
        ExpressionAttributeValues: { ':pk': { S: infoType } },
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return items;
}

/** The whole table (a Scan): for end-of-run inspection in tests, never part of the pipeline. */
export async function readAllItems(client: DynamoDBClient, tableName: string): Promise<PlainItem[]> {
  const items: PlainItem[] = [];
  let startKey: RawItem | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []).map(toPlain));
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return items;
}

/** Flattens DynamoDB's typed attribute values (S, N, NULL, BOOL) into plain ones. */
export function toPlain(item: RawItem): PlainItem {
  const plain: PlainItem = {};
  for (const [name, value] of Object.entries(item)) {
    if (value.S !== undefined) plain[name] = value.S;
    else if (value.N !== undefined) plain[name] = Number(value.N);
    else if (value.BOOL !== undefined) plain[name] = value.BOOL;
    else plain[name] = null;
  }
  return plain;
}
