import type {
  AttributeDefinition,
  CreateTableCommandInput,
  GlobalSecondaryIndex,
  GlobalSecondaryIndexDescription,
  KeySchemaElement,
  TableDescription,
} from '@aws-sdk/client-dynamodb';
import { tableDefinition, type TableDefinition } from '@gapless/aws-adapters';

type IndexDefinition = TableDefinition['indexes'][keyof TableDefinition['indexes']];

/**
 * The CreateTable input for the single table, derived from `tableDefinition` (the same data the CDK code
 * declares the table from). Every key attribute, of the table and of its sparse indexes, is a string.
 */
export function tableSchema(tableName: string): CreateTableCommandInput {
  const indexes = Object.values(tableDefinition.indexes);
  const keyAttributes = [
    tableDefinition.partitionKey,
    tableDefinition.sortKey,
    ...indexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  ];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keyAttributes.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: keySchema(tableDefinition.partitionKey, tableDefinition.sortKey),
    GlobalSecondaryIndexes: indexes.map(indexSchema),
  };
}

function indexSchema(index: IndexDefinition): GlobalSecondaryIndex {
  return {
    IndexName: index.name,
    KeySchema: keySchema(index.partitionKey, index.sortKey),
    Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.nonKeyAttributes] },
  };
}

function keySchema(partitionKey: string, sortKey: string): KeySchemaElement[] {
  return [
    { AttributeName: partitionKey, KeyType: 'HASH' },
    { AttributeName: sortKey, KeyType: 'RANGE' },
  ];
}

/**
 * How an existing table differs from `expected` in what cannot change in place: the key schema, the key
 * attributes' types and the secondary indexes (names, keys, projections). Empty when it matches. Billing
 * mode, throughput and tags are not compared: they do not change what the pipeline can do.
 */
export function schemaDifferences(expected: CreateTableCommandInput, actual: TableDescription): string[] {
  const differences: string[] = [];
  const expectedKeys = formatKeys(expected.KeySchema);
  const actualKeys = formatKeys(actual.KeySchema);
  if (expectedKeys !== actualKeys) differences.push(`key schema is ${actualKeys}, expected ${expectedKeys}`);
  differences.push(
    ...typeDifferences(expected.AttributeDefinitions ?? [], actual.AttributeDefinitions ?? []),
  );
  differences.push(
    ...indexDifferences(expected.GlobalSecondaryIndexes ?? [], actual.GlobalSecondaryIndexes ?? []),
  );
  if ((actual.LocalSecondaryIndexes ?? []).length > 0) {
    const names = (actual.LocalSecondaryIndexes ?? []).map((index) => index.IndexName).join(', ');
    differences.push(`unexpected local secondary indexes: ${names}`);
  }
  return differences;
}

function typeDifferences(expected: AttributeDefinition[], actual: AttributeDefinition[]): string[] {
  const actualTypes = new Map(
    actual.map((definition) => [definition.AttributeName, definition.AttributeType]),
  );
  return expected.flatMap(({ AttributeName: name, AttributeType: type }) => {
    const found = actualTypes.get(name);
    // An attribute the table does not define yet is reported through its missing index or key instead.
    return found !== undefined && found !== type
      ? [`attribute ${name} has type ${found}, expected ${type}`]
      : [];
  });
}

function indexDifferences(
  expected: readonly GlobalSecondaryIndex[],
  actual: readonly GlobalSecondaryIndexDescription[],
): string[] {
  const actualByName = new Map(actual.map((index) => [index.IndexName, index]));
  const differences: string[] = [];
  for (const index of expected) {
    const found = actualByName.get(index.IndexName);
    if (found === undefined) {
      differences.push(`index ${index.IndexName} is missing`);
      continue;
    }
    const [wantKeys, haveKeys] = [formatKeys(index.KeySchema), formatKeys(found.KeySchema)];
    if (wantKeys !== haveKeys)
      differences.push(`index ${index.IndexName} keys are ${haveKeys}, expected ${wantKeys}`);
    const [wantProjection, haveProjection] = [formatProjection(index), formatProjection(found)];
    if (wantProjection !== haveProjection) {
      differences.push(`index ${index.IndexName} projects ${haveProjection}, expected ${wantProjection}`);
    }
  }
  const expectedNames = new Set(expected.map((index) => index.IndexName));
  for (const index of actual) {
    if (!expectedNames.has(index.IndexName))
      differences.push(`index ${index.IndexName} is not in the definition`);
  }
  return differences;
}

function formatKeys(keys: readonly KeySchemaElement[] | undefined): string {
  if (keys === undefined || keys.length === 0) return '(none)';
  return keys.map((key) => `${key.AttributeName} ${key.KeyType}`).join(', ');
}

function formatProjection(index: GlobalSecondaryIndex | GlobalSecondaryIndexDescription): string {
  const type = index.Projection?.ProjectionType ?? 'ALL';
  const attributes = [...(index.Projection?.NonKeyAttributes ?? [])].sort();
  return attributes.length === 0 ? type : `${type} [${attributes.join(', ')}]`;
}
