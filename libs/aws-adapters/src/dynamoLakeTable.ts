import { type AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  InvalidItemError,
  ItemStatus,
  parseIsoDate,
  type Day,
  type LakeRow,
  type LakeTable,
} from '@gapless/pipeline-core';
import {
  createDynamoContext,
  queryPages,
  type DynamoContext,
  type DynamoTableOptions,
} from './dynamoContext.js';
import { readExportMarkers, writeExportMarker } from './dynamoExportMarkers.js';
import { itemKey } from './shard.js';
import { tableDefinition } from './tableDefinition.js';

export type DynamoLakeTableOptions = DynamoTableOptions;

type Item = Record<string, AttributeValue>;
const { partitionKey: PK, sortKey: SK, attributes: A } = tableDefinition;
const STATUSES: readonly string[] = Object.values(ItemStatus);

/**
 * The lake export's view of the table: a series' items as lake rows, and the export markers
 * (`META#EXPORT`). SDK failures become `StoreError`s naming the operation; an item that cannot be a row
 * (no date, an unknown status, a value or `updated_at` that does not parse) is an `InvalidItemError` naming
 * its key.
 */
export function createDynamoLakeTable(options: DynamoLakeTableOptions): LakeTable {
  const context = createDynamoContext(options);
  return {
    readSeriesRows: (infoType) => readSeriesRows(context, infoType),
    readExportMarkers: () => readExportMarkers(context),
    writeExportMarker: (infoType, marker) => writeExportMarker(context, infoType, marker),
  };
}

/**
 * One paginated Query of the series' partition, projecting the five attributes a row needs. Eventually
 * consistent: half the read cost of a strong read, and a write a second old is exported by the next run.
 * The cost is the items' full size whatever the projection: about 200 bytes an item, so a ten-year daily
 * series (2,500 items) reads about 60 RCU.
 */
async function readSeriesRows(context: DynamoContext, infoType: string): Promise<LakeRow[]> {
  const rows: LakeRow[] = [];
  await queryPages(
    context,
    {
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: {
        '#pk': PK,
        '#date': SK,
        '#value': A.value,
        '#status': A.status,
        '#source': A.source,
        '#updatedAt': A.updatedAt,
      },
      ExpressionAttributeValues: { ':pk': { S: infoType } },
      ProjectionExpression: '#date, #value, #status, #source, #updatedAt',
    },
    (items) => {
      for (const item of items) rows.push(lakeRowOf(infoType, item));
    },
  );
  return rows;
}

/** A series item as a lake row, every attribute checked. */
export function lakeRowOf(infoType: string, item: Readonly<Item>): LakeRow {
  const date = item[SK]?.S;
  const key = itemKey(infoType, date ?? '?');
  const status = item[A.status]?.S;
  if (status === undefined || !STATUSES.includes(status)) {
    throw new InvalidItemError(key, `unknown ${A.status} ${JSON.stringify(status ?? null)}`);
  }
  const updatedAt = item[A.updatedAt]?.S;
  const updatedAtMs = updatedAt === undefined ? Number.NaN : Date.parse(updatedAt);
  if (!Number.isFinite(updatedAtMs)) {
    throw new InvalidItemError(key, `${A.updatedAt} ${JSON.stringify(updatedAt ?? null)} is not a timestamp`);
  }
  const source = item[A.source];
  if (source !== undefined && source.S === undefined && source.NULL !== true) {
    throw new InvalidItemError(key, `${A.source} is not a string`);
  }
  return {
    day: dayOf(date, key),
    value: valueOf(item[A.value], key),
    status: status as ItemStatus,
    source: source?.S ?? null,
    updatedAtMs,
  };
}

function dayOf(date: string | undefined, key: string): Day {
  try {
    return parseIsoDate(date);
  } catch (error) {
    throw new InvalidItemError(key, `bad ${SK}: ${(error as Error).message}`);
  }
}

function valueOf(attribute: AttributeValue | undefined, key: string): number | null {
  if (attribute === undefined || attribute.NULL === true) return null;
  const value = attribute.N === undefined || attribute.N.trim() === '' ? Number.NaN : Number(attribute.N);
  if (!Number.isFinite(value)) {
    throw new InvalidItemError(key, `${A.value} is not a number: ${JSON.stringify(attribute)}`);
  }
  return value;
}
