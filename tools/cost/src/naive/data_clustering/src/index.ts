/**
 * The naive design's gap finder, for measuring against (never deployed): each scheduled run reads every
 * series' whole partition, and sends one message per missing date, ten to a SendMessageBatch call. No
 * streams, no leases, no watermark.
 */
import { DynamoDBClient, QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { loadCatalog } from '@gapless/catalog';
import { expectedDates, formatIsoDate } from '@gapless/pipeline-core';

const tableName = required('TABLE_NAME');
const queueUrl = required('QUEUE_URL');
const catalog = loadCatalog(process.env);
const dynamo = new DynamoDBClient({});
const sqs = new SQSClient({});

export async function handler(): Promise<{ sent: number }> {
  let sent = 0;
  for (const series of catalog) {
    const present = await storedDates(series.infoType);
    const missing = Array.from(expectedDates(series), formatIsoDate).filter((date) => !present.has(date));
    for (let start = 0; start < missing.length; start += 10) {
      const dates = missing.slice(start, start + 10);
      const body = (date: string) =>
        JSON.stringify({ partition_key: series.infoType, dates_to_download: [date] });
      const result = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: dates.map((date, index) => ({ Id: String(index), MessageBody: body(date) })),
        }),
      );
      if ((result.Failed ?? []).length > 0) throw new Error(`${result.Failed?.length} messages not sent`);
      sent += dates.length;
    }
  }
  return { sent };
}

/** Every date stored for a series, whatever its status: one paginated Query over the whole partition. */
async function storedDates(infoType: string): Promise<Set<string>> {
  const dates = new Set<string>();
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'info_type = :p',
        ExpressionAttributeValues: { ':p': { S: infoType } },
        ProjectionExpression: '#d',
        ExpressionAttributeNames: { '#d': 'date' },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) if (item.date?.S) dates.add(item.date.S);
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return dates;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}
