import { DynamoDBClient, PutItemCommand, QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { checkSentActions } from '@gapless/aws-adapters/testing/sent-actions';
import { DEFAULT_CATALOG } from '@gapless/catalog';
import type { ScheduledEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const dynamo = mockClient(DynamoDBClient);
const s3 = mockClient(S3Client);
// The actions its role must grant, exactly: tools/infra's tests hold the role to this record.
checkSentActions(new URL('../sent-actions.json', import.meta.url), { dynamodb: dynamo, s3 });

type Item = Record<string, AttributeValue>;

const tableName = 'gapless-test';
const bucket = 'gapless-lake-test';
const catalog = [
  { info_type: 'CURRENCY#USD', source: 'bcb-sgs', code: 1, calendar: 'BR-business', start: '2023-12-28' },
  { info_type: 'CURRENCY#EUR', source: 'bcb-sgs', code: 21619, calendar: 'BR-business', start: '2024-01-02' },
];
const usdKey = (year: number) => `lake/series=CURRENCY%23USD/year=${year}/part-0.parquet`;
const eurKey = (year: number) => `lake/series=CURRENCY%23EUR/year=${year}/part-0.parquet`;

const scheduledEvent: ScheduledEvent = {
  version: '0',
  id: 'run-1',
  'detail-type': 'Scheduled Event',
  source: 'aws.scheduler',
  account: '123456789012',
  time: '2024-03-01T04:00:00Z',
  region: 'us-east-1',
  resources: ['arn:aws:scheduler:us-east-1:123456789012:schedule/default/lake_export'],
  detail: {},
};

/** A series item as the table holds it. */
function seriesItem(infoType: string, date: string, value: number | null, status = 'OK'): Item {
  return {
    info_type: { S: infoType },
    date: { S: date },
    value: value === null ? { NULL: true } : { N: String(value) },
    status: { S: status },
    retry_count: { N: '0' },
    ...(value === null ? {} : { source: { S: 'bcb-sgs' } }),
    updated_at: { S: '2024-01-05T10:00:00.000Z' },
  };
}

/** Makes the table answer each series' Query with `items`, and the markers' Query with `markers`. */
function tableHolds(items: Item[], markers: Item[] = []): void {
  dynamo.on(QueryCommand).resolves({ Items: [] });
  dynamo
    .on(QueryCommand, { ExpressionAttributeValues: { ':pk': { S: 'META#EXPORT' } } })
    .resolves({ Items: markers });
  for (const infoType of new Set(items.map((item) => item['info_type']?.S ?? ''))) {
    dynamo
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': { S: infoType } } })
      .resolves({ Items: items.filter((item) => item['info_type']?.S === infoType) });
  }
}

const usdItems = [
  seriesItem('CURRENCY#USD', '2023-12-28', 4.8413),
  seriesItem('CURRENCY#USD', '2023-12-29', 4.8413),
  seriesItem('CURRENCY#USD', '2024-01-02', 4.8916),
  seriesItem('CURRENCY#USD', '2024-01-03', null, 'RETRY'),
];
const eurItems = [seriesItem('CURRENCY#EUR', '2024-01-02', 5.3516)];

function stubEnvironment(overrides: Record<string, string> = {}): void {
  const env = {
    TABLE_NAME: tableName,
    LAKE_BUCKET: bucket,
    SERIES_CATALOG: JSON.stringify(catalog),
    AWS_REGION: 'us-east-1',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...overrides,
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
}

/** Imports the function afresh, so its module-scope init reads the stubbed environment. */
async function loadHandler() {
  vi.resetModules();
  return (await import('./index.js')).handler;
}

/** The JSON lines Powertools writes to stdout while `act` runs. */
async function stdoutLines(act: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    await act();
  } finally {
    spy.mockRestore();
  }
  return chunks
    .join('')
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

beforeEach(() => {
  dynamo.reset();
  s3.reset();
  dynamo.on(PutItemCommand).resolves({});
  s3.on(PutObjectCommand).resolves({});
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

describe('lake_export handler', () => {
  it('on a scheduled run, writes one Parquet file per series and year, then each series’ marker', async () => {
    // Prepare
    stubEnvironment();
    tableHolds([...usdItems, ...eurItems]);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2024-03-01T04:00:01.000Z'));
    const handler = await loadHandler();

    // Act
    const report = await handler(scheduledEvent);

    // Assess
    expect(report).toEqual({
      series: [
        {
          infoType: 'CURRENCY#USD',
          partitionsWritten: 2,
          partitionsUnchanged: 0,
          rows: 3,
          bytesWritten: expect.any(Number),
          keys: [usdKey(2023), usdKey(2024)],
        },
        {
          infoType: 'CURRENCY#EUR',
          partitionsWritten: 1,
          partitionsUnchanged: 0,
          rows: 1,
          bytesWritten: expect.any(Number),
          keys: [eurKey(2024)],
        },
      ],
      partitionsWritten: 3,
      bytesWritten: expect.any(Number),
    });
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      TableName: tableName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: 'META#EXPORT' } },
      ConsistentRead: true,
    });
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      TableName: tableName,
      ExpressionAttributeValues: { ':pk': { S: 'CURRENCY#USD' } },
      ProjectionExpression: '#date, #value, #status, #source, #updatedAt',
    });
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 3);
    for (const key of [usdKey(2023), usdKey(2024), eurKey(2024)]) {
      expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
        Bucket: bucket,
        Key: key,
        Body: expect.any(Uint8Array),
        ContentType: 'application/vnd.apache.parquet',
      });
    }
    const bodies = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input.Body as Uint8Array);
    expect(bodies.reduce((sum, body) => sum + body.byteLength, 0)).toBe(report.bytesWritten);
    expect(dynamo).toHaveReceivedCommandTimes(PutItemCommand, 2);
    expect(dynamo).toHaveReceivedCommandWith(PutItemCommand, {
      TableName: tableName,
      Item: {
        info_type: { S: 'META#EXPORT' },
        date: { S: 'CURRENCY#USD' },
        years: {
          M: {
            '2023': { M: { rows: { N: '2' }, hash: { S: expect.stringMatching(/^[0-9a-f]{16}$/) } } },
            '2024': { M: { rows: { N: '1' }, hash: { S: expect.stringMatching(/^[0-9a-f]{16}$/) } } },
          },
        },
        updated_at: { S: '2024-03-01T04:00:01.000Z' },
      },
      ReturnConsumedCapacity: 'TOTAL',
    });
  });

  it('writes nothing when the markers say nothing changed', async () => {
    // Prepare: a first run's markers, answered back by the markers' Query
    stubEnvironment();
    tableHolds([...usdItems, ...eurItems]);
    await (
      await loadHandler()
    )(scheduledEvent);
    const markers = dynamo.commandCalls(PutItemCommand).map((call) => call.args[0].input.Item as Item);
    dynamo.resetHistory();
    s3.resetHistory();
    tableHolds([...usdItems, ...eurItems], markers);
    const handler = await loadHandler();

    // Act
    const report = await handler(scheduledEvent);

    // Assess
    expect(report.partitionsWritten).toBe(0);
    expect(report.series.map((one) => one.partitionsUnchanged)).toEqual([2, 1]);
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
    expect(dynamo).not.toHaveReceivedCommand(PutItemCommand);
  });

  it('exports only the series named in the event', async () => {
    // Prepare
    stubEnvironment();
    tableHolds([...usdItems, ...eurItems]);
    const handler = await loadHandler();

    // Act
    const report = await handler({ series: ['CURRENCY#EUR'], full: true });

    // Assess
    expect(report.series.map((one) => one.infoType)).toEqual(['CURRENCY#EUR']);
    expect(s3).toHaveReceivedCommandExactlyOnceWith(PutObjectCommand, { Key: eurKey(2024) });
    expect(dynamo).not.toHaveReceivedCommandWith(QueryCommand, {
      ExpressionAttributeValues: { ':pk': { S: 'CURRENCY#USD' } },
    });
  });

  it('answers its smoke event (a plan of one series of the bundled catalog) writing nothing', async () => {
    // Prepare: production's catalog, the file sync-lambdas sends
    stubEnvironment({ SERIES_CATALOG: '' });
    const smoke = JSON.parse(readFileSync(new URL('../smoke-event.json', import.meta.url), 'utf8')) as {
      series: string[];
    };
    tableHolds(smoke.series.flatMap((infoType) => [seriesItem(infoType, '2024-01-02', 4.8916)]));
    const handler = await loadHandler();

    // Act
    const plan = await handler(smoke);

    // Assess
    expect(smoke.series.every((infoType) => DEFAULT_CATALOG.some((one) => one.infoType === infoType))).toBe(
      true,
    );
    expect(plan).toMatchObject({ mode: 'plan', partitionsWritten: smoke.series.length });
    expect(s3).not.toHaveReceivedAnyCommand();
    expect(dynamo).not.toHaveReceivedCommand(PutItemCommand);
  });

  it('refuses unknown series before reading anything', async () => {
    // Prepare
    stubEnvironment();
    const handler = await loadHandler();

    // Act
    const run = handler({ series: ['CURRENCY#USD', 'CURRENCY#JPY'] });

    // Assess
    await expect(run).rejects.toThrow('unknown series in the event: CURRENCY#JPY (not in the catalog)');
    expect(dynamo).not.toHaveReceivedAnyCommand();
  });

  it('fails the run naming the series whose PUT failed, after exporting the rest and marking what was written', async () => {
    // Prepare
    stubEnvironment();
    tableHolds([...usdItems, ...eurItems]);
    s3.on(PutObjectCommand, { Key: usdKey(2023) }).rejects(new Error('connection reset'));
    const handler = await loadHandler();

    // Act
    const run = handler(scheduledEvent);

    // Assess
    await expect(run).rejects.toThrow(
      `1 of 2 series failed: CURRENCY#USD (year 2023: PipelineError: S3 PutObject s3://${bucket}/${usdKey(2023)}: Error: connection reset)`,
    );
    expect(dynamo).toHaveReceivedCommandWith(PutItemCommand, {
      Item: expect.objectContaining({
        date: { S: 'CURRENCY#USD' },
        years: { M: { '2024': expect.anything() } },
      }),
    });
    expect(dynamo).toHaveReceivedCommandWith(PutItemCommand, {
      Item: expect.objectContaining({ date: { S: 'CURRENCY#EUR' } }),
    });
  });

  it('emits PartitionsWritten and BytesWritten and logs a line per series', async () => {
    // Prepare
    stubEnvironment({
      POWERTOOLS_LOG_LEVEL: 'INFO',
      POWERTOOLS_METRICS_DISABLED: 'false',
      POWERTOOLS_DEV: '',
    });
    tableHolds([...usdItems, ...eurItems]);
    const handler = await loadHandler();
    let bytes = 0;

    // Act
    const lines = await stdoutLines(async () => {
      bytes = (await handler(scheduledEvent)).bytesWritten;
    });

    // Assess
    expect(lines).toContainEqual(
      expect.objectContaining({ PartitionsWritten: 3, BytesWritten: bytes, service: 'lake_export' }),
    );
    expect(
      lines.filter((line) => line['message'] === 'series exported').map((line) => line['infoType']),
    ).toEqual(['CURRENCY#USD', 'CURRENCY#EUR']);
  });

  it('fails at init, naming LAKE_BUCKET, when the variable is missing', async () => {
    // Prepare
    stubEnvironment({ LAKE_BUCKET: '' });

    // Act
    const init = loadHandler();

    // Assess
    await expect(init).rejects.toThrow(/LAKE_BUCKET is required/);
  });
});
