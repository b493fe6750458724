import {
  DeleteTableCommand,
  DynamoDBClient,
  PutItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { formatIsoDate } from '@gapless/pipeline-core';
import { createDynamoSeriesStore } from '../src/dynamoSeriesStore.js';
import { shardOf } from '../src/shard.js';
import { createPipelineTable } from './createPipelineTable.js';
import type { ConformanceBackend, OpenBackend } from './storeConformance.js';

/**
 * A client of a local DynamoDB (dynalite, DynamoDB Local). DynamoDB Local keeps tables per access key and
 * region, as separate accounts: the tables are created and used through this one client, so with the same.
 */
export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'conformance', secretAccessKey: 'conformance' },
  });
}

/**
 * Opens each backend on a table of its own, created as `tableDefinition` describes it (string keys, both
 * sparse indexes with their INCLUDE lists) and deleted when the backend is closed. `client` is read when a
 * backend opens, so it may be set in a `beforeAll`.
 */
export function dynamoConformanceBackend(client: () => DynamoDBClient, prefix: string): OpenBackend {
  let tables = 0;
  return async (now): Promise<ConformanceBackend> => {
    tables += 1;
    const tableName = `${prefix}-${tables}`;
    const dynamo = client();
    await createPipelineTable(dynamo, tableName);
    return {
      store: createDynamoSeriesStore({ tableName, client: dynamo, now, sleep: async () => {} }),
      async seedLegacy(infoType, day, item) {
        // As data_clustering wrote PENDING placeholders before the work ledger: no `attempts`, no `claim_token`.
        const date = formatIsoDate(day);
        const row: Record<string, AttributeValue> = {
          info_type: { S: infoType },
          date: { S: date },
          value: { NULL: true },
          status: { S: item.status },
          retry_count: { N: String(item.retryCount) },
          updated_at: { S: '2024-02-01T00:00:00.000Z' },
          retry_shard: { S: `RETRY#${shardOf(infoType, date)}` },
          retry_due: { S: item.retryDue },
          ...(item.lastError === undefined ? {} : { last_error: { S: item.lastError } }),
        };
        await dynamo.send(new PutItemCommand({ TableName: tableName, Item: row }));
      },
      async close() {
        await dynamo.send(new DeleteTableCommand({ TableName: tableName }));
      },
    };
  };
}
