import { DynamoDBClient, QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { ensureResources, startEmulators } from '@gapless/local-stack';
import { tableDefinition } from '@gapless/aws-adapters';

/** Requests that reached the emulator, by command name (`BatchWriteItemCommand`, ...), retries included. */
export type CallCounts = Map<string, number>;

/** An emulator for one section: a client on it, fresh tables on demand, and a count of the calls made. */
export interface BenchDynamo {
  readonly client: DynamoDBClient;
  readonly calls: CallCounts;
  /** Items returned by every counted Query so far (a second measure of reads, next to capacity units). */
  itemsRead(): number;
  /** Creates an empty table with the pipeline's schema (keys, sparse indexes), named `<prefix>-<n>`. */
  freshTable(prefix: string): Promise<string>;
  /** How many items a partition holds (a COUNT Query, not counted in {@link calls}). */
  countItems(tableName: string, infoType: string): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Starts the local stack's emulators in this process (dynalite on loopback) with one SDK client whose
 * every request is counted. The section's own checks go through a second, uncounted client.
 */
export async function startBenchDynamo(): Promise<BenchDynamo> {
  const emulators = await startEmulators();
  const clientOptions = {
    endpoint: emulators.dynamoEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  };
  const client = new DynamoDBClient(clientOptions);
  const unmetered = new DynamoDBClient(clientOptions);
  const counters = instrument(client);
  let tables = 0;
  return {
    client,
    ...counters,
    async freshTable(prefix) {
      const tableName = `${prefix}-${++tables}`;
      // Both endpoints are given: without them ensureResources would use the SDK's default, a real account.
      await ensureResources({
        dynamoEndpoint: emulators.dynamoEndpoint,
        sqsEndpoint: emulators.sqsEndpoint,
        tableName,
      });
      return tableName;
    },
    countItems: (tableName, infoType) => countItems(unmetered, tableName, infoType),
    async stop() {
      client.destroy();
      unmetered.destroy();
      await emulators.stop();
    },
  };
}

/**
 * Counts requests in the deserialize step, which the SDK's retry loop wraps, so a retried request counts
 * once per attempt, as the service would bill it; and the items Queries return, in the initialize step,
 * the only one that sees the parsed output.
 */
function instrument(client: DynamoDBClient): Pick<BenchDynamo, 'calls' | 'itemsRead'> {
  const calls: CallCounts = new Map();
  let itemsRead = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      calls.set(name, (calls.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'deserialize', name: 'benchCallCounter' },
  );
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const count = (result.output as { Count?: unknown } | undefined)?.Count;
      if (context.commandName === 'QueryCommand' && typeof count === 'number') itemsRead += count;
      return result;
    },
    { step: 'initialize', name: 'benchItemsReadCounter' },
  );
  return { calls, itemsRead: () => itemsRead };
}

async function countItems(client: DynamoDBClient, tableName: string, infoType: string): Promise<number> {
  let total = 0;
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': tableDefinition.partitionKey },
        ExpressionAttributeValues: { ':pk': { S: infoType } },
        Select: 'COUNT',
        ExclusiveStartKey: startKey,
      }),
    );
    total += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return total;
}

/** Calls of one command name, e.g. `callsOf(counts, 'BatchWriteItem')`. */
export function callsOf(calls: CallCounts, operation: string): number {
  return calls.get(`${operation}Command`) ?? 0;
}
