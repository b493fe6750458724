import { PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { ExportMarker, PartitionFingerprint } from '@gapless/pipeline-core';
import { callDynamo, queryAll, type DynamoContext } from './dynamoContext.js';
import { tableDefinition } from './tableDefinition.js';

/**
 * The one partition of every series' export marker (`date` = the series' info_type), beside the watermarks'
 * `META#WATERMARK`: `META#` is reserved in the catalog, and every reader of series skips `META#` partitions
 * (gap detection reads series by name; the local stack's summary drops `META#`, `LEASE#`, `CLAIM#`).
 */
export const exportMarkerPartition = 'META#EXPORT';

/** The marker's attribute: a map from year (`"2024"`) to `{ rows: N, hash: S }`. */
export const exportMarkerYearsAttribute = 'years';

type Item = Record<string, AttributeValue>;
const { partitionKey: PK, sortKey: SK } = tableDefinition;
const { updatedAt: UPDATED_AT } = tableDefinition.attributes;
const YEARS = exportMarkerYearsAttribute;

/**
 * Every series' marker, by info_type: one paginated, consistent Query of {@link exportMarkerPartition} (a
 * marker is about 40 bytes a year, so a thousand series of ten years take a few pages). A year whose entry
 * is malformed is left out of its marker: that partition is then written again, which repairs the entry.
 */
export async function readExportMarkers(context: DynamoContext): Promise<Map<string, ExportMarker>> {
  const rows = await queryAll(context, {
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': PK },
    ExpressionAttributeValues: { ':pk': { S: exportMarkerPartition } },
    ConsistentRead: true,
  });
  const markers = new Map<string, ExportMarker>();
  for (const row of rows) {
    const infoType = row[SK]?.S;
    if (infoType !== undefined) markers.set(infoType, markerOf(row[YEARS]));
  }
  return markers;
}

/** Replaces a series' marker (one PutItem), stamped with the store's clock. */
export async function writeExportMarker(
  context: DynamoContext,
  infoType: string,
  marker: ExportMarker,
): Promise<void> {
  const years: Item = {};
  for (const [year, { rows, hash }] of marker) {
    years[String(year)] = { M: { rows: { N: String(rows) }, hash: { S: hash } } };
  }
  const output = await callDynamo('PutItem', () =>
    context.client.send(
      new PutItemCommand({
        TableName: context.tableName,
        Item: {
          [PK]: { S: exportMarkerPartition },
          [SK]: { S: infoType },
          [YEARS]: { M: years },
          [UPDATED_AT]: { S: context.now().toISOString() },
        },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    ),
  );
  context.consumed(output.ConsumedCapacity?.CapacityUnits ?? 0, 'PutItem');
}

function markerOf(attribute: AttributeValue | undefined): ExportMarker {
  const marker = new Map<number, PartitionFingerprint>();
  for (const [year, entry] of Object.entries(attribute?.M ?? {})) {
    const fingerprint = fingerprintOf(year, entry);
    if (fingerprint !== undefined) marker.set(Number(year), fingerprint);
  }
  return marker;
}

function fingerprintOf(year: string, entry: AttributeValue): PartitionFingerprint | undefined {
  const rows = Number(entry.M?.['rows']?.N);
  const hash = entry.M?.['hash']?.S;
  if (!/^\d{4}$/.test(year) || !Number.isSafeInteger(rows) || rows < 0 || hash === undefined)
    return undefined;
  return { rows, hash };
}
