import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCsvIngestHandler } from '../src/handler.js';
import {
  createBucket,
  createPipelineTable,
  credentials,
  itemsOf,
  readText,
  region,
  startTestEmulators,
  upload,
  type DynamoBackend,
  type TestEmulators,
} from './emulators.js';
import { mixedFile, mixedFileRejections, seedMixedFileTable, testNow } from './fixtures.js';
import { s3Event } from './s3Events.js';

const bucket = 'gapless-ingest';
let tables = 0;

// The same end-to-end run on both DynamoDB emulators: DynamoDB Local is stricter than dynalite in places.
describe.each<DynamoBackend>(['dynalite', 'dynamodb-local'])(
  'csv_ingest end to end on fauxqs S3 and %s',
  (backend) => {
    let emulators: TestEmulators;
    let tableName: string;

    /** The handler as Lambda runs it, its DynamoDB calls through the counting proxy. */
    function handlerFor(env: Record<string, string> = {}) {
      return createCsvIngestHandler(
        { TABLE_NAME: tableName, ...env },
        {
          dynamoClient: new DynamoDBClient({ endpoint: emulators.dynamoEndpoint, region, credentials }),
          s3Client: new S3Client({
            endpoint: emulators.s3Endpoint,
            region,
            credentials,
            forcePathStyle: true,
          }),
          now: () => testNow,
        },
      );
    }

    beforeAll(async () => {
      emulators = await startTestEmulators(backend);
      await createBucket(emulators.s3, bucket);
    }, 60_000);

    afterAll(async () => {
      await emulators?.stop();
    });

    beforeEach(async () => {
      vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
      vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
      tables += 1;
      tableName = `csv-ingest-${tables}`;
      await createPipelineTable(emulators.dynamo, tableName);
    });

    it('writes the good rows of a mixed file, keeps source values unless told, and rejects each bad row with its reason', async () => {
      // Prepare
      await seedMixedFileTable(emulators.dynamo, tableName);
      const key = 'incoming/history 2024.csv';
      await upload(emulators.s3, bucket, key, mixedFile);
      const wireBefore = { ...emulators.wire };

      // Act
      const result = await handlerFor()(s3Event(bucket, key, { size: Buffer.byteLength(mixedFile) }));

      // Assess: the report
      expect(result.files).toEqual([
        {
          bucket,
          key,
          status: 'ingested',
          rowsRead: 23,
          rowsWritten: 8,
          rowsSkippedOk: 1,
          rowsRejected: 14,
          rowsOverwritten: 2,
          itemWrites: 8,
          rawKey: 'raw/history 2024.csv',
          rejectedKey: 'rejected/history 2024.csv.rejected.csv',
        },
      ]);
      // Four new dates in one BatchWriteItem; the RETRY item, the two OK values and the leased date one PutItem each.
      expect(emulators.wire.batchWriteCalls - wireBefore.batchWriteCalls).toBe(1);
      expect(emulators.wire.batchWriteItems - wireBefore.batchWriteItems).toBe(4);
      expect(emulators.wire.putItems - wireBefore.putItems).toBe(4);

      // Assess: the table
      const usd = new Map(
        (await itemsOf(emulators.dynamo, tableName, 'CURRENCY#USD')).map((item) => [item['date']?.S, item]),
      );
      const fileSource = 'file:incoming/history 2024.csv';
      const valueOf = (date: string) => [
        usd.get(date)?.['value']?.N,
        usd.get(date)?.['status']?.S,
        usd.get(date)?.['source']?.S,
      ];
      expect(valueOf('2024-01-02')).toEqual(['4.8916', 'OK', 'bcb-sgs']);
      expect(valueOf('2024-01-03')).toEqual(['4.9', 'OK', 'bcb-sgs']);
      expect(valueOf('2024-01-04')).toEqual(['4.93', 'OK', `${fileSource}|BCB correction`]);
      expect(valueOf('2024-01-05')).toEqual(['4.91', 'OK', fileSource]);
      expect(valueOf('2024-01-08')).toEqual(['5.1', 'OK', fileSource]);
      expect(valueOf('2024-01-09')).toEqual(['4.87', 'OK', fileSource]);
      expect(valueOf('1999-01-04')).toEqual(['1.2078', 'OK', `${fileSource}|BCB archive`]);
      expect(valueOf('2024-01-18')).toEqual(['4.88', 'OK', `${fileSource}|quoted; with a separator`]);
      // The RETRY item became a plain OK item: off the retry-due index, its ledger fields gone, retry_count 0.
      expect(usd.get('2024-01-05')).toEqual({
        info_type: { S: 'CURRENCY#USD' },
        date: { S: '2024-01-05' },
        value: { N: '4.91' },
        status: { S: 'OK' },
        retry_count: { N: '0' },
        updated_at: { S: testNow.toISOString() },
        source: { S: fileSource },
      });
      expect([...usd.keys()].sort()).toEqual([
        '1999-01-04',
        '2024-01-02',
        '2024-01-03',
        '2024-01-04',
        '2024-01-05',
        '2024-01-08',
        '2024-01-09',
        '2024-01-18',
      ]);
      const ipca = await itemsOf(emulators.dynamo, tableName, 'INFLATION#IPCA');
      const diesel = await itemsOf(emulators.dynamo, tableName, 'FUEL#DIESEL');
      expect(ipca.map((item) => [item['date']?.S, item['value']?.N])).toEqual([['2020-04-01', '-0.31']]);
      expect(diesel.map((item) => [item['date']?.S, item['value']?.N])).toEqual([['2010-01-01', '2.07']]);

      // Assess: the copy and the rejected file
      expect(await readText(emulators.s3, bucket, 'raw/history 2024.csv')).toBe(mixedFile);
      const rejected = parse(
        (await readText(emulators.s3, bucket, 'rejected/history 2024.csv.rejected.csv')) ?? '',
        { columns: true },
      ) as Record<string, string>[];
      expect(rejected.map((row) => Number(row['line'])).sort((a, b) => a - b)).toEqual(
        mixedFileRejections.map(([line]) => line),
      );
      for (const [line, reason] of mixedFileRejections) {
        expect(rejected.find((row) => Number(row['line']) === line)?.['reason']).toMatch(reason);
      }
      expect(rejected.find((row) => row['line'] === '14')).toEqual({
        line: '14',
        info_type: 'CURRENCY#USD',
        date: '2024-01-10',
        value: '1.234,5',
        reason: expect.any(String),
      });
    }, 60_000);

    it('makes no item write, counted on the wire, when the same file is delivered twice', async () => {
      // Prepare
      await seedMixedFileTable(emulators.dynamo, tableName);
      const key = 'incoming/again.csv';
      await upload(emulators.s3, bucket, key, mixedFile);
      const event = s3Event(bucket, key, { size: Buffer.byteLength(mixedFile) });
      const handler = handlerFor();
      await handler(event);
      const wireBefore = { ...emulators.wire };

      // Act
      const second = await handler(event);

      // Assess
      expect(second.files[0]).toMatchObject({
        status: 'ingested',
        rowsRead: 23,
        rowsWritten: 0,
        rowsSkippedOk: 9,
        rowsRejected: 14,
        rowsOverwritten: 0,
        itemWrites: 0,
      });
      expect(emulators.wire).toEqual(wireBefore);
    }, 60_000);

    it.each([
      ['an empty file', '', /is empty \(0 bytes\)$/],
      ['blank lines only', '\r\n  \r\n', /has no header line: it holds only blank lines$/],
      ['a header and no rows', 'info_type,date,value\n', /has a header but no data rows$/],
      [
        'a wrong header',
        'series,date,value\nCURRENCY#USD,2024-01-02,4.8916\n',
        /has a wrong header: header column 1 "series" is unknown/,
      ],
      [
        'binary garbage with NUL bytes',
        Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00]),
        /holds a NUL byte at byte 4: binary data, not CSV text$/,
      ],
      [
        'text that is not UTF-8',
        Uint8Array.from(
          Buffer.concat([
            Buffer.from('info_type,date,value\nCURRENCY#USD,2024-01-02,4.8'),
            Buffer.from([0xe9, 0x0a]),
          ]),
        ),
        /is not UTF-8 text: an invalid byte sequence/,
      ],
      [
        'broken quoting',
        'info_type,date,value\n"CURRENCY#USD,2024-01-02,4.8916\n',
        /is not valid CSV: Quote Not Closed/,
      ],
    ])(
      'refuses %s with a clear error and writes nothing to the table',
      async (_, body, error) => {
        // Prepare
        const key = `incoming/refused-${tables}.csv`;
        await upload(emulators.s3, bucket, key, body);
        const wireBefore = { ...emulators.wire };

        // Act
        const result = await handlerFor()(
          s3Event(bucket, key, { size: typeof body === 'string' ? Buffer.byteLength(body) : body.length }),
        );

        // Assess
        expect(result.files).toEqual([
          {
            bucket,
            key,
            status: 'refused',
            rowsRead: 0,
            rowsWritten: 0,
            rowsSkippedOk: 0,
            rowsRejected: 0,
            rowsOverwritten: 0,
            itemWrites: 0,
            rawKey: `raw/refused-${tables}.csv`,
            error: expect.stringMatching(error),
          },
        ]);
        expect(result.files[0]?.error).toMatch(new RegExp(`^s3://${bucket}/${key} `));
        expect(emulators.wire).toEqual(wireBefore);
        // Every file read is copied to raw/, refused ones too: the record of what was delivered.
        expect(await readText(emulators.s3, bucket, `raw/refused-${tables}.csv`)).toBe(
          typeof body === 'string' ? body : Buffer.from(body).toString('utf8'),
        );
        expect(
          await readText(emulators.s3, bucket, `rejected/refused-${tables}.csv.rejected.csv`),
        ).toBeUndefined();
      },
      60_000,
    );

    it('refuses a file over INGEST_MAX_BYTES before reading or copying it, asking S3 its size when the event has none', async () => {
      // Prepare
      const key = 'incoming/too big.csv';
      await upload(emulators.s3, bucket, key, 'info_type,date,value\nCURRENCY#USD,2024-01-02,4.8916\n');

      // Act
      const result = await handlerFor({ INGEST_MAX_BYTES: '40' })(s3Event(bucket, key));

      // Assess
      expect(result.files[0]).toMatchObject({
        status: 'refused',
        error: `s3://${bucket}/${key} is 52 bytes, over INGEST_MAX_BYTES (40): not read, not copied`,
      });
      expect(await readText(emulators.s3, bucket, 'raw/too big.csv')).toBeUndefined();
    }, 60_000);

    it('answers a file deleted since its upload with a refusal, not an error', async () => {
      // Act
      const result = await handlerFor()(s3Event(bucket, 'incoming/gone.csv', { size: 120 }));

      // Assess
      expect(result.files[0]).toMatchObject({
        status: 'refused',
        error: `s3://${bucket}/incoming/gone.csv does not exist (deleted since this upload): nothing written`,
      });
    }, 60_000);
  },
);
