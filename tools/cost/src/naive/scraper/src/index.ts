/**
 * The naive design's worker, for measuring against (never deployed): each message is one date, fetched
 * with one source request and written with one PutItem, the same item the pipeline stores. A failed
 * record is reported and comes back; no retry budget, no quarantine.
 */
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { toAttributeMap } from '@gapless/aws-adapters';
import { loadCatalog } from '@gapless/catalog';
import { catalogIndex, ItemStatus, parseIsoDate, SourceMode } from '@gapless/pipeline-core';
import { createSources, readSourceConfig } from '@gapless/sources';

const tableName = process.env.TABLE_NAME ?? '';
const series = catalogIndex(loadCatalog(process.env));
const sourceFor = createSources(readSourceConfig(process.env), {
  mode: process.env.SOURCE_MODE === 'simulated' ? SourceMode.Simulated : SourceMode.Live,
});
const dynamo = new DynamoDBClient({});

export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const message = JSON.parse(record.body) as { partition_key: string; dates_to_download: string[] };
      const definition = series.get(message.partition_key);
      const date = message.dates_to_download[0];
      if (!definition || date === undefined) throw new Error(`unknown series or no date: ${record.body}`);
      const day = parseIsoDate(date);
      const observations = await sourceFor(definition.source).fetchRange(definition, day, day);
      const value = observations.find((observation) => observation.day === day)?.value ?? null;
      const item = toAttributeMap({
        infoType: definition.infoType,
        day,
        value,
        // A date without a value is stored too (the naive design has no retry path): ABSENT, like ours.
        status: value === null ? ItemStatus.Absent : ItemStatus.Ok,
        retryCount: 0,
        updatedAt: new Date().toISOString(),
        source: definition.source,
      });
      await dynamo.send(new PutItemCommand({ TableName: tableName, Item: item }));
    } catch {
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}
