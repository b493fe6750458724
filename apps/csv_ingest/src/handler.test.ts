import { Readable } from 'node:stream';
import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import {
  AbortMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type GetObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { toAttributeMap } from '@gapless/aws-adapters';
import { checkSentActions } from '@gapless/aws-adapters/testing/sent-actions';
import {
  CatalogError,
  ConfigError,
  ItemStatus,
  okItem,
  parseIsoDate,
  StoreError,
} from '@gapless/pipeline-core';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { s3Event } from '../tests/s3Events.js';
import { createCsvIngestHandler, type IngestResult } from './handler.js';

const dynamo = mockClient(DynamoDBClient);
const s3 = mockClient(S3Client);
// The actions its role must grant, exactly: tools/infra's tests hold the role to this record.
checkSentActions(new URL('../sent-actions.json', import.meta.url), { dynamodb: dynamo, s3 });

const tableName = 'gapless-test';
const bucket = 'gapless-ingest';
const now = new Date('2024-06-14T12:00:00.000Z');
const env = { TABLE_NAME: tableName };

/** A GetObject answer streaming `text` (as the SDK's Node stream does), with its entity tag. */
function objectAnswer(text: string, etag = '"etag-1"'): GetObjectCommandOutput {
  return {
    Body: Readable.from([Buffer.from(text, 'utf8')]) as unknown as GetObjectCommandOutput['Body'],
    ETag: etag,
    ContentLength: Buffer.byteLength(text),
    $metadata: {},
  };
}

/** Serves `text` to every GetObject, a fresh stream each time. */
function serve(text: string): void {
  s3.on(GetObjectCommand).callsFake(() => objectAnswer(text));
}

/** The JSON lines Powertools writes while `act` runs (info and metrics to stdout, warnings and errors to stderr). */
async function stdoutLines(act: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const chunks: string[] = [];
  const record = (chunk: unknown) => {
    chunks.push(String(chunk));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(record),
    vi.spyOn(process.stderr, 'write').mockImplementation(record),
  ];
  try {
    await act();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return chunks
    .join('')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const handlerFor = () =>
  createCsvIngestHandler(env, {
    dynamoClient: new DynamoDBClient({}),
    s3Client: new S3Client({}),
    now: () => now,
  });

beforeEach(() => {
  // Outside dev mode Powertools writes JSON lines and EMF, as it does on Lambda.
  vi.stubEnv('POWERTOOLS_DEV', '');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  dynamo.reset();
  s3.reset();
  dynamo.on(QueryCommand).resolves({ Items: [] });
  dynamo.on(BatchWriteItemCommand).resolves({ UnprocessedItems: {} });
  dynamo.on(PutItemCommand).resolves({});
  s3.on(CopyObjectCommand).resolves({});
  s3.on(PutObjectCommand).resolves({});
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('csv_ingest handler', () => {
  it("answers an event that names no file (the deploy's smoke event) with no call and no metric", async () => {
    // Prepare
    const handler = handlerFor();
    let result: unknown;

    // Act
    const lines = await stdoutLines(async () => {
      result = await handler({ Records: [] });
    });

    // Assess
    expect(result).toEqual({ files: [] });
    expect(lines).toEqual([]);
    expect(dynamo).not.toHaveReceivedAnyCommand();
    expect(s3).not.toHaveReceivedAnyCommand();
  });

  it('copies the file to raw/, reads it twice, queries what is stored, writes the rest, logs a summary and emits the counts', async () => {
    // Prepare
    const text =
      'info_type,date,value\nCURRENCY#USD,2024-01-02,4.8916\nCURRENCY#USD,2024-01-03,4.9\nCURRENCY#USD,2024-01-04,abc\n';
    serve(text);
    dynamo.on(QueryCommand, { ExpressionAttributeValues: { ':pk': { S: 'CURRENCY#USD' } } }, false).resolves({
      Items: [
        { date: { S: '2024-01-02' }, status: { S: 'OK' }, value: { N: '4.8916' }, source: { S: 'bcb-sgs' } },
      ],
    });
    const handler = handlerFor();
    let result: unknown;

    // Act
    const lines = await stdoutLines(async () => {
      result = await handler(
        s3Event(bucket, 'incoming/usd history.csv', { size: text.length, eTag: 'etag-1' }),
      );
    });

    // Assess: S3
    expect(s3).toHaveReceivedCommandExactlyOnceWith(CopyObjectCommand, {
      Bucket: bucket,
      Key: 'raw/usd history.csv',
      CopySource: `${bucket}/incoming/usd%20history.csv`,
      CopySourceIfMatch: '"etag-1"',
    });
    expect(s3).toHaveReceivedCommandTimes(GetObjectCommand, 2);
    expect(s3).toHaveReceivedNthCommandWith(GetObjectCommand, 1, {
      Bucket: bucket,
      Key: 'incoming/usd history.csv',
      IfMatch: '"etag-1"',
    });
    expect(s3).toHaveReceivedNthCommandWith(GetObjectCommand, 2, {
      Bucket: bucket,
      Key: 'incoming/usd history.csv',
      IfMatch: '"etag-1"',
    });
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: bucket,
      Key: 'rejected/usd history.csv.rejected.csv',
      ContentType: 'text/csv; charset=utf-8',
    });
    // Assess: DynamoDB: one Query of the series over the file's dates, one of its leases, one batch write
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      TableName: tableName,
      KeyConditionExpression: '#pk = :pk AND #date BETWEEN :from AND :to',
      ExpressionAttributeNames: {
        '#pk': 'info_type',
        '#date': 'date',
        '#status': 'status',
        '#value': 'value',
        '#source': 'source',
      },
      ExpressionAttributeValues: {
        ':pk': { S: 'CURRENCY#USD' },
        ':from': { S: '2024-01-02' },
        ':to': { S: '2024-01-03' },
      },
      ProjectionExpression: '#date, #status, #value, #source',
      ConsistentRead: true,
    });
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      TableName: tableName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: 'LEASE#CURRENCY#USD' } },
    });
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(BatchWriteItemCommand, {
      RequestItems: {
        [tableName]: [
          {
            PutRequest: {
              Item: toAttributeMap(
                okItem({
                  infoType: 'CURRENCY#USD',
                  day: parseIsoDate('2024-01-03'),
                  value: 4.9,
                  source: 'file:incoming/usd history.csv',
                  updatedAt: now.toISOString(),
                }),
              ),
            },
          },
        ],
      },
    });
    // Assess: the report, its log line and its metrics
    const report = {
      bucket,
      key: 'incoming/usd history.csv',
      status: 'ingested',
      rowsRead: 3,
      rowsWritten: 1,
      rowsSkippedOk: 1,
      rowsRejected: 1,
      rowsOverwritten: 0,
      itemWrites: 1,
      rawKey: 'raw/usd history.csv',
      rejectedKey: 'rejected/usd history.csv.rejected.csv',
    };
    expect(result).toEqual({ files: [report] });
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'INFO', message: 'file ingested', service: 'csv_ingest', ...report }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        service: 'csv_ingest',
        FilesIngested: 1,
        FilesRefused: 0,
        RowsRead: 3,
        RowsWritten: 1,
        RowsSkipped: 1,
        RowsRejected: 1,
        RowsOverwritten: 0,
        ItemWrites: 1,
      }),
    );
  });

  it('asks S3 for the size when the event has none, and refuses a file over INGEST_MAX_BYTES without reading it', async () => {
    // Prepare
    s3.on(HeadObjectCommand).resolves({ ContentLength: 2_000, ETag: '"etag-9"' });
    const handler = createCsvIngestHandler(
      { ...env, INGEST_MAX_BYTES: '1000' },
      { s3Client: new S3Client({}) },
    );
    let result: { files: { status: string; error?: string }[] } | undefined;

    // Act
    const lines = await stdoutLines(async () => {
      result = await handler(s3Event(bucket, 'incoming/big.csv'));
    });

    // Assess
    expect(s3).toHaveReceivedCommandExactlyOnceWith(HeadObjectCommand, {
      Bucket: bucket,
      Key: 'incoming/big.csv',
    });
    expect(s3).not.toHaveReceivedCommand(GetObjectCommand);
    expect(s3).not.toHaveReceivedCommand(CopyObjectCommand);
    expect(result?.files[0]).toMatchObject({
      status: 'refused',
      error: `s3://${bucket}/incoming/big.csv is 2000 bytes, over INGEST_MAX_BYTES (1000): not read, not copied`,
    });
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'WARN', message: 'file refused', status: 'refused' }),
    );
    expect(lines).toContainEqual(expect.objectContaining({ FilesRefused: 1, FilesIngested: 0, RowsRead: 0 }));
  });

  it('replaces an OK value only with a conditional PutItem, reads the item again when the condition fails, and logs the choice', async () => {
    // Prepare: the row says overwrite; the stored source value changes between the read and the write
    const text = 'info_type,date,value,overwrite\nCURRENCY#USD,2024-01-02,4.95,true\n';
    serve(text);
    dynamo.on(QueryCommand, { ExpressionAttributeValues: { ':pk': { S: 'CURRENCY#USD' } } }, false).resolves({
      Items: [
        { date: { S: '2024-01-02' }, status: { S: 'OK' }, value: { N: '4.9' }, source: { S: 'bcb-sgs' } },
      ],
    });
    dynamo
      .on(PutItemCommand)
      .rejectsOnce(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      )
      .resolves({});
    dynamo
      .on(GetItemCommand)
      .resolves({ Item: { status: { S: 'OK' }, value: { N: '4.91' }, source: { S: 'bcb-sgs' } } });
    const handler = handlerFor();
    let result: IngestResult | undefined;

    // Act
    const lines = await stdoutLines(async () => {
      result = await handler(s3Event(bucket, 'incoming/fix.csv', { size: text.length }));
    });

    // Assess
    const item = toAttributeMap(
      okItem({
        infoType: 'CURRENCY#USD',
        day: parseIsoDate('2024-01-02'),
        value: 4.95,
        source: 'file:incoming/fix.csv',
        updatedAt: now.toISOString(),
      }),
    );
    expect(dynamo).toHaveReceivedNthCommandWith(PutItemCommand, 1, {
      TableName: tableName,
      Item: item,
      ConditionExpression: '#status = :ok AND #value = :seen',
      ExpressionAttributeNames: { '#status': 'status', '#value': 'value' },
      ExpressionAttributeValues: { ':ok': { S: ItemStatus.Ok }, ':seen': { N: '4.9' } },
    });
    expect(dynamo).toHaveReceivedCommandExactlyOnceWith(GetItemCommand, {
      TableName: tableName,
      Key: { info_type: { S: 'CURRENCY#USD' }, date: { S: '2024-01-02' } },
      ConsistentRead: true,
      ProjectionExpression: '#status, #value, #source',
      ExpressionAttributeNames: { '#status': 'status', '#value': 'value', '#source': 'source' },
    });
    expect(dynamo).toHaveReceivedNthCommandWith(PutItemCommand, 2, {
      Item: item,
      ExpressionAttributeValues: { ':ok': { S: ItemStatus.Ok }, ':seen': { N: '4.91' } },
    });
    expect(dynamo).not.toHaveReceivedCommand(BatchWriteItemCommand);
    expect(result?.files[0]).toMatchObject({
      status: 'ingested',
      rowsWritten: 1,
      rowsOverwritten: 1,
      itemWrites: 2,
    });
    expect(lines).toContainEqual(
      expect.objectContaining({
        message: 'row replaced an OK value',
        line: 2,
        series: 'CURRENCY#USD',
        date: '2024-01-02',
        storedValue: 4.91,
        storedFrom: 'source',
        fileValue: 4.95,
        overwrite: true,
        choice: 'overwritten',
      }),
    );
  });

  it('streams a long rejected file in parts, and drops them when DynamoDB then fails', async () => {
    // Prepare: enough bad rows for more than one 8 MiB part, then a row whose RETRY item DynamoDB refuses to replace
    const bad = 'CURRENCY#USD,2024-01-02,not-a-number\n'.repeat(90_000);
    const text = `info_type,date,value\n${bad}CURRENCY#USD,2024-01-03,4.9\n`;
    serve(text);
    dynamo.on(QueryCommand, { ExpressionAttributeValues: { ':pk': { S: 'CURRENCY#USD' } } }, false).resolves({
      Items: [
        {
          date: { S: '2024-01-03' },
          status: { S: 'RETRY' },
          value: { NULL: true },
          source: { S: 'bcb-sgs' },
        },
      ],
    });
    dynamo
      .on(PutItemCommand)
      .rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'upload-1' });
    s3.on(UploadPartCommand).resolves({ ETag: '"part-1"' });
    s3.on(AbortMultipartUploadCommand).resolves({});
    const handler = handlerFor();
    let failure: unknown;

    // Act
    const lines = await stdoutLines(async () => {
      failure = await handler(s3Event(bucket, 'incoming/bad.csv', { size: text.length })).catch(
        (error: unknown) => error,
      );
    });

    // Assess
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as Error).message).toBe(
      'DynamoDB PutItem: AccessDeniedException: User is not authorized',
    );
    expect(s3).toHaveReceivedCommandExactlyOnceWith(CreateMultipartUploadCommand, {
      Bucket: bucket,
      Key: 'rejected/bad.csv.rejected.csv',
      ContentType: 'text/csv; charset=utf-8',
    });
    expect(s3).toHaveReceivedCommandWith(UploadPartCommand, {
      Bucket: bucket,
      Key: 'rejected/bad.csv.rejected.csv',
      UploadId: 'upload-1',
      PartNumber: 1,
    });
    expect(s3).toHaveReceivedCommandExactlyOnceWith(AbortMultipartUploadCommand, {
      Bucket: bucket,
      Key: 'rejected/bad.csv.rejected.csv',
      UploadId: 'upload-1',
    });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'ERROR',
        message: 'file failed; the invocation fails and is retried',
        key: 'incoming/bad.csv',
        error: 'StoreError: DynamoDB PutItem: AccessDeniedException: User is not authorized',
      }),
    );
    expect(lines).toContainEqual(expect.objectContaining({ service: 'csv_ingest', FilesFailed: 1 }));
  }, 30_000);

  it.each([
    [{}, 'TABLE_NAME is required (set it to a non-empty string)', ConfigError],
    [
      { TABLE_NAME: 't', INGEST_MAX_BYTES: 'lots' },
      'INGEST_MAX_BYTES must be an integer at least 1, got "lots"',
      ConfigError,
    ],
    [
      {
        TABLE_NAME: 't',
        SERIES_CATALOG:
          '[{"info_type":"FUEL#DEMO","source":"simulated","calendar":"weekly","start":"2024-01-01"}]',
      },
      'simulated',
      CatalogError,
    ],
  ] as const)('fails at init, naming what is wrong, with %j', (environment, message, kind) => {
    // Act
    const act = () => createCsvIngestHandler(environment);

    // Assess
    expect(act).toThrow(message);
    expect(act).toThrow(kind);
  });

  it('is built at import from the environment Lambda gives it', async () => {
    // Prepare
    vi.stubEnv('TABLE_NAME', tableName);
    vi.resetModules();

    // Act
    const { handler } = await import('./index.js');

    // Assess
    expect(await handler({ Records: [] })).toEqual({ files: [] });
  });
});
