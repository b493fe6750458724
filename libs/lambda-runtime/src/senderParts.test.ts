import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ConfigError, DEFAULT_CATALOG, type Env, type SeriesDefinition } from '@gapless/pipeline-core';
import { describe, expect, it } from 'vitest';
import { buildFunctionParts, type RuntimeOverrides } from './functionParts.js';
import { buildSenderParts } from './senderParts.js';

const env = (extra: Env = {}): Env => ({
  TABLE_NAME: 'gapless',
  QUEUE_URL: 'http://127.0.0.1:9/000000000000/gapless-work',
  ...extra,
});

const clients = (): RuntimeOverrides => ({
  dynamoClient: new DynamoDBClient({ region: 'us-east-1' }),
  sqsClient: new SQSClient({ region: 'us-east-1' }),
});

const dailySgs: SeriesDefinition = DEFAULT_CATALOG.find((series) => series.source === 'bcb-sgs')!;
const monthlySgs: SeriesDefinition = { ...dailySgs, calendar: 'monthly' };

describe('buildSenderParts', () => {
  it('answers the SGS ten-year window for daily series and no limit for monthly ones', () => {
    // Act
    const sender = buildSenderParts('retry_recheck', { env: env(), overrides: clients() });

    // Assess
    expect(sender.maxWindowDays(dailySgs)).toBe(3652);
    expect(sender.maxWindowDays(monthlySgs)).toBe(Infinity);
  });

  it('splits by the simulated source window when SOURCE_MODE=simulated serves every series', () => {
    // Act
    const sender = buildSenderParts('data_clustering', {
      env: env({ SOURCE_MODE: 'simulated' }),
      overrides: clients(),
    });

    // Assess
    expect(sender.maxWindowDays(dailySgs)).toBe(Infinity);
  });

  it('requires QUEUE_URL, naming it', () => {
    // Act
    const attempt = () =>
      buildSenderParts('data_clustering', { env: env({ QUEUE_URL: undefined }), overrides: clients() });

    // Assess
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/QUEUE_URL/);
  });
});

describe('buildFunctionParts', () => {
  it('builds what every function shares and no queue or sources, even with QUEUE_URL set', () => {
    // Act
    const parts = buildFunctionParts('scraper', { requireQueue: false, env: env(), overrides: clients() });

    // Assess
    expect(parts.config.tableName).toBe('gapless');
    expect(parts.catalog).toBe(DEFAULT_CATALOG);
    expect(Object.keys(parts).sort()).toEqual([
      'catalog',
      'catalogIndex',
      'config',
      'now',
      'powertools',
      'store',
      'telemetry',
    ]);
  });
});
