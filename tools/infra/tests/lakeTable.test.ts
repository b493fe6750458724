import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { partitionPath } from '@gapless/pipeline-core';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { appsDir } from '../src/functionApps.js';
import { logicalIdOf, synthesizedTemplate } from './synthesizedTemplate.js';

const { template, resources } = await synthesizedTemplate();
const lakeBucketId = logicalIdOf(template, 'AWS::S3::Bucket', { BucketName: Match.absent() });
const tableId = logicalIdOf(template, 'AWS::Glue::Table', {});
const tableInput = (resources[tableId]?.Properties as { TableInput: Record<string, unknown> }).TableInput as {
  Name: string;
  TableType: string;
  Parameters: Record<string, unknown>;
  PartitionKeys: unknown[];
  StorageDescriptor: Record<string, unknown>;
};
/** The catalog file as the functions bundle it, read here as plain JSON (not through the code under test). */
const catalogInfoTypes = (
  JSON.parse(readFileSync(join(appsDir, '..', 'libs', 'catalog', 'series.json'), 'utf8')) as {
    info_type: string;
  }[]
).map((series) => series.info_type);
const lakeLocation = (suffix: string) => ({ 'Fn::Join': ['', ['s3://', { Ref: lakeBucketId }, suffix]] });

describe('the Glue table Athena queries', () => {
  it('lives in the gapless_lake database, created first', () => {
    // Act
    const databaseId = logicalIdOf(template, 'AWS::Glue::Database', {});

    // Assess
    expect(resources[databaseId]?.Properties).toMatchObject({
      CatalogId: { Ref: 'AWS::AccountId' },
      DatabaseInput: { Name: 'gapless_lake' },
    });
    expect(resources[tableId]?.Properties).toMatchObject({ DatabaseName: 'gapless_lake' });
    expect((template.toJSON().Resources[tableId] as { DependsOn: string[] }).DependsOn).toEqual([databaseId]);
  });

  it('projects its partitions: series from the catalog, year as an integer range, in the default (Hive-escaped) layout', () => {
    // Assess
    expect(tableInput.Name).toBe('observations');
    expect(tableInput.TableType).toBe('EXTERNAL_TABLE');
    expect(tableInput.Parameters).toEqual({
      EXTERNAL: 'TRUE',
      classification: 'parquet',
      'projection.enabled': 'true',
      'projection.series.type': 'enum',
      'projection.series.values': catalogInfoTypes.join(','),
      'projection.year.type': 'integer',
      'projection.year.range': '1900,2199',
    });
    expect(tableInput.PartitionKeys).toEqual([
      { Name: 'series', Type: 'string' },
      { Name: 'year', Type: 'int' },
    ]);
  });

  it('enumerates every series of the catalog, each one a single enum value', () => {
    // Act
    const values = String(tableInput.Parameters['projection.series.values']).split(',');

    // Assess: a comma inside an info_type would split it into two values no file is written under.
    expect(catalogInfoTypes.length).toBeGreaterThan(0);
    expect(values).toEqual(catalogInfoTypes);
    expect(new Set(values).size).toBe(values.length);
  });

  it("finds each series where lake_export writes it: Hive's escaping of the default layout, # as %23", () => {
    // Prepare: Athena's default partition location is `<table location><key>=<Hive-escaped value>/...`; the
    // catalog's info_types (`WORD#WORD` in capitals) hold one character Hive escapes, `#`.
    const athenaPath = (series: string, year: number) => `series=${series.replace('#', '%23')}/year=${year}/`;

    // Act
    const written = catalogInfoTypes.map((series) => partitionPath(series, 2024));

    // Assess
    expect(tableInput.Parameters['storage.location.template']).toBeUndefined();
    expect(written).toEqual(catalogInfoTypes.map((series) => athenaPath(series, 2024)));
  });

  it("reads lake_export's Parquet columns with the Parquet SerDe, at the lake prefix", () => {
    // Assess
    expect(tableInput.StorageDescriptor).toEqual({
      Location: lakeLocation('/lake/'),
      Columns: [
        { Name: 'date', Type: 'date' },
        { Name: 'value', Type: 'double' },
        { Name: 'status', Type: 'string' },
        { Name: 'source', Type: 'string' },
        { Name: 'updated_at', Type: 'timestamp' },
      ],
      InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
      OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
      SerdeInfo: {
        SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
        Parameters: { 'serialization.format': '1' },
      },
    });
  });
});
