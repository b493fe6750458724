import { DEFAULT_CATALOG } from '@gapless/catalog';
import { LAKE_COLUMNS, LAKE_PARTITION_KEYS } from '@gapless/pipeline-core';
import { Aws } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { bucketLayout } from './bucketLayout.js';

/**
 * The Athena table over lake_export's files: its names, and the years it projects. Its columns and
 * partition keys are pipeline-core's `LAKE_COLUMNS` and `LAKE_PARTITION_KEYS`, the ones lake_export writes.
 */
export const lakeTableDefinition = {
  database: 'gapless_lake',
  table: 'observations',
  // The years the calendars cover (pipeline-core's brazilHolidayYears): a file may load history from before
  // any series' `start`, so the range is not the catalog's. A query that names no year enumerates all of them
  // for each series it reads (an empty location costs one S3 listing); naming the years prunes the rest.
  years: { first: 1900, last: 2199 },
} as const;

/** The `series` partition's values: every info_type of the catalog bundled into the functions. */
export function lakeSeriesValues(): string[] {
  return DEFAULT_CATALOG.map((series) => series.infoType);
}

/**
 * The Glue database and table Athena queries, with partition projection: Athena computes each partition's
 * location from the table's properties, so no crawler runs and no `MSCK REPAIR TABLE` or `ADD PARTITION`
 * is ever needed, and lake_export needs no Glue permission. `series` is an `enum` of the catalog's
 * info_types (read from `@gapless/catalog` at synth), so a query over all series enumerates them; an
 * `injected` projection would refuse any query that does not name its series. A catalog change therefore
 * needs a `cdk deploy` to update the enum (docs/CATALOG.md).
 *
 * No `storage.location.template`: with the default layout Athena builds a partition's location as
 * `<location>series=<value>/year=<value>/` with Hive's path escaping, `CURRENCY#USD` as `CURRENCY%23USD`,
 * which is where lake_export writes (pipeline-core's `partitionPath`); a template would substitute the raw
 * value and look under `series=CURRENCY#USD/`, where nothing is.
 */
export class LakeTable extends Construct {
  readonly database: glue.CfnDatabase;
  readonly table: glue.CfnTable;

  constructor(scope: Construct, id: string, props: { bucket: s3.IBucket }) {
    super(scope, id);
    const def = lakeTableDefinition;
    const location = `s3://${props.bucket.bucketName}/${bucketLayout.lake.export}`;
    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: {
        name: def.database,
        description: 'Gapless: the series table exported to Parquet by lake_export',
      },
    });
    this.table = new glue.CfnTable(this, 'Table', {
      catalogId: Aws.ACCOUNT_ID,
      databaseName: def.database,
      tableInput: {
        name: def.table,
        description: 'One row per date of a series, as the table holds it; partitioned by series and year',
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: LAKE_PARTITION_KEYS.map(({ name, glueType }) => ({ name, type: glueType })),
        parameters: {
          EXTERNAL: 'TRUE',
          classification: 'parquet',
          'projection.enabled': 'true',
          'projection.series.type': 'enum',
          'projection.series.values': lakeSeriesValues().join(','),
          'projection.year.type': 'integer',
          'projection.year.range': `${def.years.first},${def.years.last}`,
        },
        storageDescriptor: {
          location,
          columns: LAKE_COLUMNS.map(({ name, glueType }) => ({ name, type: glueType })),
          inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          serdeInfo: {
            serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
            parameters: { 'serialization.format': '1' },
          },
        },
      },
    });
    this.table.addResourceDependency(this.database);
  }
}
