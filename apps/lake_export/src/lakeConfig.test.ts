import { DEFAULT_CATALOG } from '@gapless/catalog';
import { configErrorOf } from '@gapless/pipeline-core/testing';
import { describe, expect, it } from 'vitest';
import { readLakeConfig } from './lakeConfig.js';

const env = (overrides: Record<string, string> = {}) => ({
  TABLE_NAME: 'gapless',
  LAKE_BUCKET: 'gapless-lake-123456789012',
  ...overrides,
});

describe('readLakeConfig', () => {
  it('reads the table, the bucket and the bundled catalog, with the lake under lake/ by default', () => {
    // Act
    const config = readLakeConfig(env());

    // Assess
    expect(config).toEqual({
      tableName: 'gapless',
      bucket: 'gapless-lake-123456789012',
      prefix: 'lake/',
      catalog: DEFAULT_CATALOG,
    });
  });

  it('takes LAKE_PREFIX and SERIES_CATALOG', () => {
    // Prepare
    const catalog = [
      { info_type: 'CURRENCY#USD', source: 'bcb-sgs', code: 1, calendar: 'BR-business', start: '2024-01-02' },
    ];

    // Act
    const config = readLakeConfig(
      env({ LAKE_PREFIX: 'exports/v1/', SERIES_CATALOG: JSON.stringify(catalog) }),
    );

    // Assess
    expect(config.prefix).toBe('exports/v1/');
    expect(config.catalog.map((series) => series.infoType)).toEqual(['CURRENCY#USD']);
  });

  it.each([
    [{ TABLE_NAME: '' }, 'TABLE_NAME', 'TABLE_NAME is required'],
    [{ LAKE_BUCKET: ' ' }, 'LAKE_BUCKET', 'LAKE_BUCKET is required'],
    [{ LAKE_BUCKET: 'Lake_Bucket' }, 'LAKE_BUCKET', 'LAKE_BUCKET must be an S3 bucket name'],
    [{ LAKE_PREFIX: 'lake' }, 'LAKE_PREFIX', 'LAKE_PREFIX must end with "/" and not start with one'],
    [{ LAKE_PREFIX: '/lake/' }, 'LAKE_PREFIX', 'LAKE_PREFIX must end with "/" and not start with one'],
  ])('refuses %j, naming %s', (overrides, variable, message) => {
    // Act
    const error = configErrorOf(() => readLakeConfig(env(overrides)));

    // Assess
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(message);
  });
});
