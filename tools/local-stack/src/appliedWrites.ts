import type { ItemWriteRecord } from './chaosProxy.js';

type Json = Record<string, unknown>;
type AttributeValue = { S?: unknown; N?: unknown; NULL?: unknown };
type WriteRequest = { PutRequest?: { Item?: Record<string, AttributeValue> } };

/**
 * The writes to series items that a successful DynamoDB call applied: the processed puts of a
 * BatchWriteItem (those not handed back as `UnprocessedItems`), a PutItem, or an UpdateItem whose `SET`
 * clause assigns the status or the value. Bookkeeping partitions (`META#`, `LEASE#`, the old `CLAIM#`) are left out.
 */
export function appliedWrites(operation: string, input: Json, output: Json | undefined): ItemWriteRecord[] {
  if (operation === 'BatchWriteItem') return batchPuts(input, output);
  if (operation === 'PutItem') {
    const record = itemRecord('PutItem', input.Item as Record<string, AttributeValue> | undefined);
    return record ? [record] : [];
  }
  if (operation === 'UpdateItem') {
    const record = updateRecord(input);
    return record ? [record] : [];
  }
  return [];
}

function batchPuts(input: Json, output: Json | undefined): ItemWriteRecord[] {
  const keyOf = (item: Record<string, AttributeValue> | undefined) =>
    `${String(item?.info_type?.S)}|${String(item?.date?.S)}`;
  const unprocessed = new Set(
    Object.values((output?.UnprocessedItems ?? {}) as Record<string, WriteRequest[]>)
      .flat()
      .map((write) => keyOf(write.PutRequest?.Item)),
  );
  const records: ItemWriteRecord[] = [];
  for (const write of Object.values((input.RequestItems ?? {}) as Record<string, WriteRequest[]>).flat()) {
    const item = write.PutRequest?.Item;
    if (item === undefined || unprocessed.has(keyOf(item))) continue;
    const record = itemRecord('BatchWriteItem', item);
    if (record) records.push(record);
  }
  return records;
}

function itemRecord(
  operation: ItemWriteRecord['operation'],
  item: Record<string, AttributeValue> | undefined,
): ItemWriteRecord | undefined {
  const infoType = item?.info_type?.S;
  const date = item?.date?.S;
  if (typeof infoType !== 'string' || typeof date !== 'string' || !isSeries(infoType)) return undefined;
  const status = item?.status?.S;
  const retryCount = valueOf(item?.retry_count);
  return {
    infoType,
    date,
    operation,
    ...(typeof status === 'string' ? { status } : {}),
    value: valueOf(item?.value),
    ...(typeof retryCount === 'number' ? { retryCount } : {}),
  };
}

/** Reads `SET #a = :b, ...` assignments through the expression's name and value maps. */
function updateRecord(input: Json): ItemWriteRecord | undefined {
  const key = input.Key as Record<string, AttributeValue> | undefined;
  const infoType = key?.info_type?.S;
  const date = key?.date?.S;
  if (typeof infoType !== 'string' || typeof date !== 'string' || !isSeries(infoType)) return undefined;
  const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (input.ExpressionAttributeValues ?? {}) as Record<string, AttributeValue>;
  const setClause = /\bSET\b(.*?)(?:\bREMOVE\b|\bADD\b|\bDELETE\b|$)/s.exec(
    String(input.UpdateExpression ?? ''),
  );
  const assigned = new Map<string, AttributeValue | undefined>();
  for (const match of (setClause?.[1] ?? '').matchAll(/([#\w]+)\s*=\s*(:\w+)/g)) {
    const name = match[1] as string;
    assigned.set(names[name] ?? name, values[match[2] as string]);
  }
  const status = assigned.get('status')?.S;
  const retryCount = valueOf(assigned.get('retry_count'));
  return {
    infoType,
    date,
    operation: 'UpdateItem',
    ...(typeof status === 'string' ? { status } : {}),
    ...(assigned.has('value') ? { value: valueOf(assigned.get('value')) } : {}),
    ...(typeof retryCount === 'number' ? { retryCount } : {}),
  };
}

function valueOf(attribute: AttributeValue | undefined): number | null | undefined {
  if (attribute === undefined) return undefined;
  if (attribute.NULL === true) return null;
  return typeof attribute.N === 'string' ? Number(attribute.N) : undefined;
}

/** Whether a partition holds a series' dates, not bookkeeping (`META#`, `LEASE#`, the old `CLAIM#`). */
export function isSeries(infoType: string): boolean {
  return !infoType.startsWith('META#') && !infoType.startsWith('CLAIM#') && !infoType.startsWith('LEASE#');
}
