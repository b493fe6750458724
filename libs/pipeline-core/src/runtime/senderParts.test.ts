import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CATALOG } from '../catalog.js';
import type { Env } from '../config.js';
import { ConfigError } from '../errors.js';
import { SourceId, type SeriesDefinition } from '../series.js';
import type { SeriesSource } from '../source.js';
import { createSources } from '../sources/sourceFor.js';
import { buildFunctionParts, simulatesAllSources, type RuntimeOverrides } from './functionParts.js';
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
/** A ready-made source a test may hand in, with a window no built source has. */
const narrowSource = (id: SourceId): SeriesSource => ({
  id,
  maxWindowDays: () => 30,
  fetchRange: async () => [],
});
const monthlySeries: SeriesDefinition = { ...DEFAULT_CATALOG[0]!, calendar: 'monthly' };
const allSeries: readonly SeriesDefinition[] = [...DEFAULT_CATALOG, monthlySeries];

describe('buildSenderParts', () => {
  it.each([
    ['live sources', env(), {}],
    ['SOURCE_MODE=simulated', env({ SOURCE_MODE: 'simulated' }), {}],
    ['a ready-made SGS source', env(), { sources: { [SourceId.BcbSgs]: narrowSource(SourceId.BcbSgs) } }],
    [
      'a ready-made simulated source in simulated mode',
      env({ SOURCE_MODE: 'simulated' }),
      { sources: { [SourceId.Simulated]: narrowSource(SourceId.Simulated) } },
    ],
  ])('splits streams where the built sources would (%s)', (_case, variables, sources) => {
    // Prepare
    const overrides = { ...clients(), sources };

    // Act
    const sender = buildSenderParts('data_clustering', { env: variables, overrides });
    // The sources as the scraper builds them.
    const { config } = buildFunctionParts('scraper', { requireQueue: false, env: variables, overrides });
    const built = createSources(config, { ...sources, simulateAll: simulatesAllSources(config, overrides) });

    // Assess
    for (const series of allSeries) {
      expect(sender.maxWindowDays(series)).toBe(built(series.source).maxWindowDays(series));
    }
  });

  it('answers the SGS ten-year window for daily series and no limit for monthly ones', () => {
    // Act
    const sender = buildSenderParts('retry_recheck', { env: env(), overrides: clients() });

    // Assess
    expect(sender.maxWindowDays(DEFAULT_CATALOG[0]!)).toBe(3652);
    expect(sender.maxWindowDays(monthlySeries)).toBe(Infinity);
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
      'observability',
      'store',
      'telemetry',
    ]);
  });
});
