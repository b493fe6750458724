import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { DEFAULT_CATALOG } from '@gapless/catalog';
import { CatalogError, ConfigError, type Env, type SeriesDefinition } from '@gapless/pipeline-core';
import { afterEach, describe, expect, it } from 'vitest';
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

  describe('its work queue', () => {
    const sqs = mockClient(SQSClient);

    afterEach(() => {
      sqs.reset();
    });

    it('sends a body of exactly MAX_MESSAGE_BYTES and refuses one byte more, sending nothing', async () => {
      // Prepare
      sqs
        .on(SendMessageBatchCommand)
        .resolves({ Successful: [{ Id: '0', MessageId: 'm', MD5OfMessageBody: 'x' }] });
      const sender = buildSenderParts('data_clustering', {
        env: env({ MAX_MESSAGE_BYTES: '2048' }),
        overrides: clients(),
      });

      // Act
      const largest = await sender.queue.sendBodies(['x'.repeat(2048)]);
      const tooLarge = sender.queue.sendBodies(['x'.repeat(2049)]);

      // Assess
      expect(largest).toEqual({ sent: 1, calls: 1, failed: [] });
      await expect(tooLarge).rejects.toThrow(/body #0 is 2049 bytes, over the queue's limit of 2048/);
      expect(sqs).toHaveReceivedCommandTimes(SendMessageBatchCommand, 1);
    });
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
  const simulatedCatalog = JSON.stringify([
    { info_type: 'FUEL#DEMO', source: 'simulated', calendar: 'weekly', start: '2024-01-01' },
  ]);

  it.each([undefined, 'live'])(
    'refuses at init a catalog entry on the simulated source when SOURCE_MODE is %s, naming it',
    (sourceMode) => {
      // Act
      const attempt = () =>
        buildFunctionParts('data_clustering', {
          requireQueue: false,
          env: env({ SERIES_CATALOG: simulatedCatalog, ...(sourceMode ? { SOURCE_MODE: sourceMode } : {}) }),
          overrides: clients(),
        });

      // Assess
      expect(attempt).toThrow(CatalogError);
      expect(attempt).toThrow(
        /catalog entry FUEL#DEMO: source "simulated" is served only with SOURCE_MODE=simulated/,
      );
    },
  );

  it('serves a simulated entry when SOURCE_MODE=simulated (the local stack, tests)', () => {
    // Act
    const parts = buildFunctionParts('data_clustering', {
      requireQueue: false,
      env: env({ SERIES_CATALOG: simulatedCatalog, SOURCE_MODE: 'simulated' }),
      overrides: clients(),
    });

    // Assess
    expect(parts.catalog.map((series) => series.infoType)).toEqual(['FUEL#DEMO']);
  });

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
