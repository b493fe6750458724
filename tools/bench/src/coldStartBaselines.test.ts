import { describe, expect, it } from 'vitest';
import { bundleImports, sdkAndPowertoolsEntry, sdkOnlyEntry } from './coldStartBaselines.js';

const scraperInputs = [
  'node_modules/@aws-sdk/client-dynamodb/dist-es/DynamoDBClient.js',
  'node_modules/@aws-sdk/client-dynamodb/dist-es/commands/QueryCommand.js',
  'node_modules/@aws-sdk/client-dynamodb/dist-es/commands/BatchWriteItemCommand.js',
  'node_modules/@aws-sdk/client-dynamodb/dist-es/commands/QueryCommand.js',
  'node_modules/@aws-sdk/client-dynamodb/dist-es/schemas/schemas_0.js',
  'node_modules/@smithy/core/dist-es/submodules/client/smithy-client/client.js',
  'libs/lambda-runtime/node_modules/@aws-lambda-powertools/logger/lib/esm/Logger.js',
  'node_modules/@aws-lambda-powertools/batch/lib/esm/BatchProcessor.js',
  'node_modules/@aws-lambda-powertools/commons/lib/esm/envUtils.js',
  'apps/scraper/src/scrape.ts',
];

describe('bundleImports', () => {
  it('finds each client package with its client class and its commands, once each, sorted', () => {
    // Act
    const imports = bundleImports(scraperInputs);

    // Assess
    expect([...imports.sdk]).toEqual([
      [
        '@aws-sdk/client-dynamodb',
        { client: 'DynamoDBClient', commands: ['BatchWriteItemCommand', 'QueryCommand'] },
      ],
    ]);
  });

  it('finds the Powertools utilities built at init, and not their shared commons', () => {
    // Act
    const imports = bundleImports(scraperInputs);

    // Assess
    expect(imports.powertools).toEqual(['batch', 'logger']);
  });

  it('keeps clients of several packages apart', () => {
    // Act
    const imports = bundleImports([
      'node_modules/@aws-sdk/client-sqs/dist-es/SQSClient.js',
      'node_modules/@aws-sdk/client-sqs/dist-es/commands/SendMessageBatchCommand.js',
      'node_modules/@aws-sdk/client-dynamodb/dist-es/DynamoDBClient.js',
    ]);

    // Assess
    expect([...imports.sdk.keys()]).toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/client-sqs']);
    expect(imports.sdk.get('@aws-sdk/client-sqs')?.commands).toEqual(['SendMessageBatchCommand']);
    expect(imports.sdk.get('@aws-sdk/client-dynamodb')?.commands).toEqual([]);
  });
});

describe('sdkOnlyEntry', () => {
  it('imports and keeps every client and command, and builds each client', () => {
    // Act
    const source = sdkOnlyEntry(bundleImports(scraperInputs));

    // Assess
    expect(source).toContain(
      `import { DynamoDBClient, BatchWriteItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';`,
    );
    expect(source).toContain('new DynamoDBClient({}), BatchWriteItemCommand, QueryCommand');
    expect(source).not.toContain('powertools');
  });

  it('refuses a bundle with no SDK client, which has nothing to be compared with', () => {
    // Prepare
    const imports = bundleImports(['libs/pipeline-core/src/dates.ts']);

    // Act / Assess
    expect(() => sdkOnlyEntry(imports)).toThrow(/no AWS SDK client/);
  });
});

describe('sdkAndPowertoolsEntry', () => {
  it('adds the Powertools utilities the bundle holds, each built', () => {
    // Act
    const source = sdkAndPowertoolsEntry(bundleImports(scraperInputs));

    // Assess
    expect(source).toContain(sdkOnlyEntry(bundleImports(scraperInputs)));
    expect(source).toContain(`from '@aws-lambda-powertools/logger'`);
    expect(source).toContain(`from '@aws-lambda-powertools/batch'`);
    expect(source).not.toContain(`@aws-lambda-powertools/metrics`);
    expect(source).toContain('new BatchProcessor(EventType.SQS), new Logger(');
  });
});
