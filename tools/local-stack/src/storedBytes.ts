import { ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { tableDefinition } from '@gapless/aws-adapters';
import { wireItemBytes } from './dynamoCapacity.js';

/** The table's items and index entries and their sizes, by DynamoDB's sizing (overhead not included). */
export interface TableBytes {
  readonly items: number;
  readonly itemBytes: number;
  readonly indexEntries: number;
  readonly indexBytes: number;
}

/**
 * Scans the whole table (the stack's own client, on the emulator itself, so no function's usage moves) and
 * sizes it: each item, and each secondary index entry (the table's and the index's keys plus the projected
 * attributes) for the items that carry an index's key.
 */
export async function tableBytes(client: DynamoDBClient, tableName: string): Promise<TableBytes> {
  const { partitionKey, sortKey, indexes } = tableDefinition;
  const counts = { items: 0, itemBytes: 0, indexEntries: 0, indexBytes: 0 };
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey }));
    for (const item of page.Items ?? []) {
      counts.items += 1;
      counts.itemBytes += wireItemBytes(item);
      for (const index of Object.values(indexes)) {
        if (item[index.partitionKey] === undefined || item[index.sortKey] === undefined) continue;
        const projected = [
          partitionKey,
          sortKey,
          index.partitionKey,
          index.sortKey,
          ...index.nonKeyAttributes,
        ];
        const entry = Object.fromEntries(
          projected.filter((name) => item[name]).map((name) => [name, item[name]]),
        );
        counts.indexEntries += 1;
        counts.indexBytes += wireItemBytes(entry);
      }
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return counts;
}

/** Bytes of the objects in `buckets` (listed with the stack's own client, which is not counted as usage). */
export async function bucketBytes(client: S3Client, buckets: readonly string[]): Promise<number> {
  let total = 0;
  for (const bucket of buckets) {
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      total += (page.Contents ?? []).reduce((sum, object) => sum + (object.Size ?? 0), 0);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }
  return total;
}
