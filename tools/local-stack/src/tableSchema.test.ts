import type { GlobalSecondaryIndexDescription, TableDescription } from '@aws-sdk/client-dynamodb';
import { tableDefinition } from '@gapless/aws-adapters';
import { describe, expect, it } from 'vitest';
import { schemaDifferences, tableSchema } from './tableSchema.js';

/** What DescribeTable answers for a table created from `tableSchema`, plus `changes`. */
function describedTable(changes: Partial<TableDescription> = {}): TableDescription {
  const schema = tableSchema('t');
  return {
    TableName: 't',
    TableStatus: 'ACTIVE',
    AttributeDefinitions: schema.AttributeDefinitions,
    KeySchema: schema.KeySchema,
    GlobalSecondaryIndexes: schema.GlobalSecondaryIndexes?.map((index) => ({
      ...index,
      IndexStatus: 'ACTIVE',
    })),
    ...changes,
  };
}

function indexes(): GlobalSecondaryIndexDescription[] {
  return describedTable().GlobalSecondaryIndexes ?? [];
}

describe('tableSchema', () => {
  it('declares the keys, both sparse indexes and on-demand billing from tableDefinition', () => {
    // Act
    const schema = tableSchema('gapless');

    // Assess
    expect(schema).toMatchObject({
      TableName: 'gapless',
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'info_type', KeyType: 'HASH' },
        { AttributeName: 'date', KeyType: 'RANGE' },
      ],
    });
    expect(schema.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'retry-due',
        KeySchema: [
          { AttributeName: 'retry_shard', KeyType: 'HASH' },
          { AttributeName: 'retry_due', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['status', 'retry_count', 'last_error'] },
      },
      {
        IndexName: 'quarantined',
        KeySchema: [
          { AttributeName: 'quarantine_shard', KeyType: 'HASH' },
          { AttributeName: 'quarantine_key', KeyType: 'RANGE' },
        ],
        Projection: {
          ProjectionType: 'INCLUDE',
          NonKeyAttributes: ['status', 'retry_count', 'last_error', 'updated_at'],
        },
      },
    ]);
  });

  it('defines exactly the attributes used as keys, all strings', () => {
    // Act
    const schema = tableSchema('gapless');

    // Assess
    const keyNames = [
      ...(schema.KeySchema ?? []),
      ...(schema.GlobalSecondaryIndexes ?? []).flatMap((index) => index.KeySchema ?? []),
    ].map((key) => key.AttributeName);
    expect(schema.AttributeDefinitions?.map((definition) => definition.AttributeName).sort()).toEqual(
      [...new Set(keyNames)].sort(),
    );
    expect(schema.AttributeDefinitions?.every((definition) => definition.AttributeType === 'S')).toBe(true);
    expect(keyNames).not.toContain(tableDefinition.timeToLiveAttribute);
  });
});

describe('schemaDifferences', () => {
  const expected = tableSchema('t');

  it('finds none for a table created from the schema', () => {
    // Act
    const differences = schemaDifferences(expected, describedTable());

    // Assess
    expect(differences).toEqual([]);
  });

  it('ignores the order of projected attributes', () => {
    // Prepare
    const reordered = indexes().map((index) => ({
      ...index,
      Projection: {
        ...index.Projection,
        NonKeyAttributes: [...(index.Projection?.NonKeyAttributes ?? [])].reverse(),
      },
    }));

    // Act
    const differences = schemaDifferences(expected, describedTable({ GlobalSecondaryIndexes: reordered }));

    // Assess
    expect(differences).toEqual([]);
  });

  it('names a key attribute of another type', () => {
    // Prepare
    const attributes = (expected.AttributeDefinitions ?? []).map((definition) =>
      definition.AttributeName === 'retry_due' ? { ...definition, AttributeType: 'N' as const } : definition,
    );

    // Act
    const differences = schemaDifferences(expected, describedTable({ AttributeDefinitions: attributes }));

    // Assess
    expect(differences).toEqual(['attribute retry_due has type N, expected S']);
  });

  it('names an index with other keys, another projection, or one the definition does not have', () => {
    // Prepare
    const [retryDue, quarantined] = indexes();
    const changed = [
      { ...retryDue, KeySchema: [{ AttributeName: 'retry_shard', KeyType: 'HASH' as const }] },
      { ...quarantined, Projection: { ProjectionType: 'ALL' as const } },
      { IndexName: 'extra', KeySchema: [{ AttributeName: 'x', KeyType: 'HASH' as const }] },
    ];

    // Act
    const differences = schemaDifferences(expected, describedTable({ GlobalSecondaryIndexes: changed }));

    // Assess
    expect(differences).toEqual([
      'index retry-due keys are retry_shard HASH, expected retry_shard HASH, retry_due RANGE',
      'index quarantined projects ALL, expected INCLUDE [last_error, retry_count, status, updated_at]',
      'index extra is not in the definition',
    ]);
  });

  it('names missing indexes and unexpected local indexes', () => {
    // Prepare
    const local = [{ IndexName: 'by-status', KeySchema: [], Projection: { ProjectionType: 'ALL' as const } }];

    // Act
    const differences = schemaDifferences(
      expected,
      describedTable({ GlobalSecondaryIndexes: undefined, LocalSecondaryIndexes: local }),
    );

    // Assess
    expect(differences).toEqual([
      'index retry-due is missing',
      'index quarantined is missing',
      'unexpected local secondary indexes: by-status',
    ]);
  });
});
