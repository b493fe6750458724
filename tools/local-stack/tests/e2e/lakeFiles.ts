import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import { EXPORTED_STATUSES, type ItemStatus } from '@gapless/pipeline-core';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PlainItem } from '../../src/tableReader.js';

/** One partition's content, reduced to what two readers can compare: its rows and a hash of (date, value). */
export interface PartitionDigest {
  readonly rows: number;
  readonly hash: string;
}

/** Downloads every object under `prefix` of the bucket into `dir`, keys as paths. Returns the keys. */
export async function downloadPrefix(
  s3: S3Client,
  bucket: string,
  prefix: string,
  dir: string,
): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    keys.push(...(page.Contents ?? []).map((object) => object.Key ?? ''));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  for (const key of keys) {
    const target = join(dir, ...key.split('/'));
    await mkdir(dirname(target), { recursive: true });
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    await pipeline(Body as Readable, createWriteStream(target));
  }
  return keys;
}

/** A partition's digest from (date, value) pairs in any order: sorted by date, then hashed. */
export function digest(pairs: readonly (readonly [string, number | null])[]): PartitionDigest {
  const lines = pairs.map(([date, value]) => `${date}=${value === null ? 'null' : String(value)}`).sort();
  return { rows: lines.length, hash: createHash('sha256').update(lines.join('\n')).digest('hex') };
}

/** What the table holds for the lake, per `series|year`: the items of the statuses lake_export exports. */
export function tableDigests(
  items: readonly PlainItem[],
  series: readonly string[],
): Map<string, PartitionDigest> {
  const pairs = new Map<string, [string, number | null][]>();
  for (const item of items) {
    const infoType = String(item.info_type);
    if (!series.includes(infoType) || !EXPORTED_STATUSES.includes(item.status as ItemStatus)) continue;
    const date = String(item.date);
    const key = `${infoType}|${date.slice(0, 4)}`;
    const list = pairs.get(key) ?? [];
    list.push([date, typeof item.value === 'number' ? item.value : null]);
    pairs.set(key, list);
  }
  return new Map([...pairs].map(([key, list]) => [key, digest(list)]));
}

/** What DuckDB reads from the Parquet files under `dir`: per `series|year` digests, and each file's columns. */
export async function duckdbDigests(dir: string): Promise<{
  digests: Map<string, PartitionDigest>;
  schemas: Map<string, string[]>;
}> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const glob = `${dir}/**/*.parquet`.replaceAll("'", "''");
    const rows = (
      await connection.runAndReadAll(
        `SELECT series, year, strftime(date, '%Y-%m-%d') AS date, value
         FROM read_parquet('${glob}', hive_partitioning = true)`,
      )
    ).getRowObjectsJson();
    const pairs = new Map<string, [string, number | null][]>();
    for (const row of rows) {
      const key = `${String(row.series)}|${String(row.year)}`;
      const list = pairs.get(key) ?? [];
      list.push([String(row.date), typeof row.value === 'number' ? row.value : null]);
      pairs.set(key, list);
    }
    const files = (
      await connection.runAndReadAll(`SELECT DISTINCT filename FROM read_parquet('${glob}', filename = true)`)
    ).getRowObjectsJson();
    const schemas = new Map<string, string[]>();
    for (const { filename } of files) {
      const path = String(filename).replaceAll("'", "''");
      const columns = (
        await connection.runAndReadAll(
          `DESCRIBE SELECT * FROM read_parquet('${path}', hive_partitioning = false)`,
        )
      )
        .getRowObjectsJson()
        .map((column) => `${String(column.column_name)} ${String(column.column_type)}`);
      schemas.set(String(filename), columns);
    }
    return { digests: new Map([...pairs].map(([key, list]) => [key, digest(list)])), schemas };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
