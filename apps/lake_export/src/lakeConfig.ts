import { loadCatalog } from '@gapless/catalog';
import {
  ConfigError,
  DEFAULT_LAKE_PREFIX,
  optionalString,
  requireString,
  type Env,
  type SeriesDefinition,
} from '@gapless/pipeline-core';

/** What lake_export reads from its environment, once, at init. */
export interface LakeConfig {
  readonly tableName: string;
  /** `LAKE_BUCKET`: the bucket the lake's files go to. */
  readonly bucket: string;
  /** `LAKE_PREFIX` (default `lake/`): where the lake starts in the bucket; ends with `/`. */
  readonly prefix: string;
  /** The catalog in force (`SERIES_CATALOG`, or the bundled file). */
  readonly catalog: readonly SeriesDefinition[];
}

// S3's rule for new bucket names: 3-63 characters of lower-case letters, digits, dots and hyphens, starting
// and ending with a letter or digit.
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Reads and validates lake_export's configuration: `TABLE_NAME` and `LAKE_BUCKET` are required,
 * `LAKE_PREFIX` must end with `/` and not start with one, `SERIES_CATALOG` overrides the bundled catalog.
 * Throws a ConfigError (or the catalog's own error) naming the first bad variable.
 */
export function readLakeConfig(env: Env = process.env): LakeConfig {
  const tableName = requireString(env, 'TABLE_NAME');
  const bucket = requireString(env, 'LAKE_BUCKET');
  if (!BUCKET_NAME.test(bucket)) {
    throw new ConfigError(
      'LAKE_BUCKET',
      `must be an S3 bucket name (3-63 lower-case letters, digits, dots or hyphens), got ${JSON.stringify(bucket)}`,
    );
  }
  const prefix = optionalString(env, 'LAKE_PREFIX') ?? DEFAULT_LAKE_PREFIX;
  if (!prefix.endsWith('/') || prefix.startsWith('/')) {
    throw new ConfigError(
      'LAKE_PREFIX',
      `must end with "/" and not start with one (like "lake/"), got ${JSON.stringify(prefix)}`,
    );
  }
  return { tableName, bucket, prefix, catalog: loadCatalog(env) };
}
