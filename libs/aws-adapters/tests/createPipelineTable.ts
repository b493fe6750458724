import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { tableDefinition } from '../src/tableDefinition.js';

/**
 * Creates the pipeline's table as `tableDefinition` describes it (string keys, both sparse indexes with
 * their INCLUDE lists) on a local DynamoDB, and waits until it is ACTIVE: the one way tests make the table.
 */
export async function createPipelineTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const { partitionKey, sortKey, indexes } = tableDefinition;
  const indexList = Object.values(indexes);
  const keyNames = [
    ...new Set([partitionKey, sortKey, ...indexList.flatMap((index) => [index.partitionKey, index.sortKey])]),
  ];
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: keyNames.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: partitionKey, KeyType: 'HASH' },
        { AttributeName: sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: indexList.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.nonKeyAttributes] },
      })),
    }),
  );
  // dynalite keeps a new table CREATING for a moment, even with createTableMs 0.
  for (let poll = 0; poll < 200; poll += 1) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}
