import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { DuckDBInstance } from '@duckdb/node-api';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Item, LakeEmulators } from './lakeFixture.js';

// What the table holds and what DuckDB reads back, in one comparable form: per `series/year`, a row count
// and a sha256 of the (date, value) pairs.

/** A partition's row count and a sha256 of its `(date, value)` pairs, dates ascending. */
export interface PartitionDigest {
  readonly rows: number;
  readonly hash: string;
}

function digest(pairs: readonly (readonly [string, number | null])[]): PartitionDigest {
  const sorted = [...pairs].sort(([a], [b]) => a.localeCompare(b));
  const text = sorted.map(([date, value]) => `${date}|${value === null ? 'null' : String(value)}`).join('\n');
  return { rows: sorted.length, hash: createHash('sha256').update(text).digest('hex') };
}

/**
 * What the table holds for the lake, read with plain Queries: per `series/year`, the digest of the dates a
 * lake file must hold (OK, ABSENT and QUARANTINED).
 */
export async function tableDigests(
  emulators: LakeEmulators,
  infoTypes: readonly string[],
): Promise<Map<string, PartitionDigest>> {
  const pairs = new Map<string, [string, number | null][]>();
  for (const infoType of infoTypes) {
    let startKey: Item | undefined;
    do {
      const page = await emulators.dynamo.send(
        new QueryCommand({
          TableName: emulators.tableName,
          KeyConditionExpression: 'info_type = :pk',
          ExpressionAttributeValues: { ':pk': { S: infoType } },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        if (!['OK', 'ABSENT', 'QUARANTINED'].includes(item['status']?.S ?? '')) continue;
        const date = item['date']?.S ?? '';
        const value = item['value']?.N === undefined ? null : Number(item['value'].N);
        const partition = `${infoType}/${date.slice(0, 4)}`;
        pairs.set(partition, [...(pairs.get(partition) ?? []), [date, value]]);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
  return new Map([...pairs].map(([partition, rows]) => [partition, digest(rows)]));
}

/** What DuckDB reads of the downloaded lake: each file's columns and types, and the digests per partition. */
export interface DuckDbLake {
  readonly schemas: Map<string, [string, string][]>;
  readonly digests: Map<string, PartitionDigest>;
  readonly partitionTypes: [string, string][];
}

/**
 * Reads the lake under `dir` with DuckDB: every file's schema on its own (no partition columns), then all
 * files at once with `hive_partitioning`, so `series` and `year` come from the paths as Athena takes them.
 */
export async function readLakeWithDuckDb(dir: string, files: readonly string[]): Promise<DuckDbLake> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;
    const schemas = new Map<string, [string, string][]>();
    for (const file of files) {
      const reader = await connection.runAndReadAll(
        `DESCRIBE SELECT * FROM read_parquet(${quote(join(dir, file))}, hive_partitioning = false)`,
      );
      const columns = reader
        .getRowObjectsJson()
        .map((row) => [String(row['column_name']), String(row['column_type'])]);
      schemas.set(file, columns as [string, string][]);
    }
    const all = `read_parquet(${quote(join(dir, '**', '*.parquet'))}, hive_partitioning = true)`;
    const described = await connection.runAndReadAll(`DESCRIBE SELECT series, year FROM ${all}`);
    const partitionTypes = described
      .getRowObjectsJson()
      .map((row) => [String(row['column_name']), String(row['column_type'])] as [string, string]);
    const rows = await connection.runAndReadAll(
      `SELECT series, year::VARCHAR AS year, strftime(date, '%Y-%m-%d') AS date, value FROM ${all}`,
    );
    const pairs = new Map<string, [string, number | null][]>();
    for (const row of rows.getRowObjectsJson()) {
      const partition = `${String(row['series'])}/${String(row['year'])}`;
      const value = row['value'] === null ? null : Number(row['value']);
      pairs.set(partition, [...(pairs.get(partition) ?? []), [String(row['date']), value]]);
    }
    return {
      schemas,
      digests: new Map([...pairs].map(([partition, list]) => [partition, digest(list)])),
      partitionTypes,
    };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
