import { QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { allShardKeys, ShardPrefix, tableDefinition } from '@gapless/aws-adapters';

/**
 * The earliest `retry_due` on the sparse `retry-due` index (one Query of one item per shard), or undefined
 * when no item waits for a retry at all, now or later: with an empty queue, that is when a run is done.
 */
export async function earliestRetryDue(
  client: DynamoDBClient,
  tableName: string,
): Promise<string | undefined> {
  const index = tableDefinition.indexes.retryDue;
  let earliest: string | undefined;
  for (const shard of allShardKeys(ShardPrefix.Retry)) {
    const { Items = [] } = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: index.name,
        KeyConditionExpression: '#shard = :shard',
        ExpressionAttributeNames: { '#shard': index.partitionKey },
        ExpressionAttributeValues: { ':shard': { S: shard } },
        ScanIndexForward: true,
        Limit: 1,
      }),
    );
    const due = Items[0]?.[index.sortKey]?.S;
    if (due !== undefined && (earliest === undefined || due < earliest)) earliest = due;
  }
  return earliest;
}
