import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvocationError } from './errors.js';
import { ingestFiles, summarizeIngest, type IngestTarget } from './ingestFiles.js';
import { partBytes } from './uploadFile.js';

const s3Mock = mockClient(S3Client);
let dir: string;

beforeEach(async () => {
  s3Mock.reset();
  s3Mock.on(PutObjectCommand).resolves({ ETag: '"abc"' });
  dir = await mkdtemp(join(tmpdir(), 'ingest-files-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A report as csv_ingest returns it for one object. */
function fileReport(key: string, changes: Record<string, unknown> = {}) {
  return {
    bucket: 'gapless-ingest',
    key,
    status: 'ingested',
    rowsRead: 10,
    rowsWritten: 6,
    rowsSkippedOk: 1,
    rowsRejected: 3,
    rowsOverwritten: 2,
    itemWrites: 6,
    rawKey: `raw/${key.slice('incoming/'.length)}`,
    rejectedKey: `rejected/${key.slice('incoming/'.length)}`,
    ...changes,
  };
}

function target(invoke: (event: S3Event) => Promise<unknown>): IngestTarget {
  return {
    s3: new S3Client({ region: 'us-east-1' }),
    region: 'us-east-1',
    ingestBucket: 'gapless-ingest',
    csvIngest: { invoke: (event) => invoke(event as S3Event) },
  };
}

async function csvFile(name: string, content = 'info_type,date,value\n'): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

describe('ingestFiles', () => {
  it('uploads each file under incoming/, invokes csv_ingest with its S3 event and sums the reports', async () => {
    // Prepare
    const events: S3Event[] = [];
    const first = await csvFile('history 2010.csv');
    const second = await csvFile('more.csv');

    // Act
    const summary = await ingestFiles(
      target(async (event) => {
        events.push(event);
        const key = decodeURIComponent((event.Records[0]?.s3.object.key ?? '').replace(/\+/g, ' '));
        return { files: [fileReport(key)] };
      }),
      [first, second],
    );

    // Assess
    expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: 'gapless-ingest',
      Key: 'incoming/history 2010.csv',
      ContentType: 'text/csv',
      ContentLength: 21,
    });
    expect(events.map((event) => event.Records[0]?.s3.object.key)).toEqual([
      'incoming/history+2010.csv',
      'incoming/more.csv',
    ]);
    expect(events[0]?.Records[0]?.s3.object).toMatchObject({ size: 21, eTag: 'abc' });
    expect(summary).toMatchObject({
      rowsRead: 20,
      rowsWritten: 12,
      rowsSkippedOk: 2,
      rowsRejected: 6,
      rowsOverwritten: 4,
      rejectedKeys: ['rejected/history 2010.csv', 'rejected/more.csv'],
    });
    expect(summary.files.map((file) => [file.file, file.status])).toEqual([
      [first, 'ingested'],
      [second, 'ingested'],
    ]);
  });

  it('records a refused file with its error and no rejected key', async () => {
    // Prepare
    const file = await csvFile('garbage.csv', '\u0000\u0001binary');
    const refused = fileReport('incoming/garbage.csv', {
      status: 'refused',
      rowsRead: 0,
      rowsWritten: 0,
      rowsSkippedOk: 0,
      rowsRejected: 0,
      rowsOverwritten: 0,
      itemWrites: 0,
      rejectedKey: undefined,
      error: 'incoming/garbage.csv is not a CSV file',
    });

    // Act
    const summary = await ingestFiles(
      target(async () => ({ files: [refused] })),
      [file],
    );

    // Assess
    expect(summary.files[0]).toMatchObject({
      status: 'refused',
      error: 'incoming/garbage.csv is not a CSV file',
    });
    expect(summary.files[0]).not.toHaveProperty('rejectedKey');
    expect(summary.rejectedKeys).toEqual([]);
  });

  it('records a failed invocation against its file and goes on with the next one', async () => {
    // Prepare
    const broken = await csvFile('broken.csv');
    const good = await csvFile('good.csv');
    let calls = 0;

    // Act
    const summary = await ingestFiles(
      target(async () => {
        calls += 1;
        if (calls === 1) throw new InvocationError('csv_ingest', 'timeout', 'ran past 900000 ms');
        return { files: [fileReport('incoming/good.csv')] };
      }),
      [broken, good],
    );

    // Assess
    expect(summary.files.map((file) => file.status)).toEqual(['failed', 'ingested']);
    expect(summary.files[0]?.error).toContain('ran past 900000 ms');
    expect(summary.rowsWritten).toBe(6);
  });

  it('calls a reply without the expected numbers a failure, quoting it', async () => {
    // Prepare
    const file = await csvFile('odd.csv');

    // Act
    const summary = await ingestFiles(
      target(async () => ({ files: [{ key: 'incoming/odd.csv', status: 'ingested', rowsRead: '10' }] })),
      [file],
    );

    // Assess
    expect(summary.files[0]?.status).toBe('failed');
    expect(summary.files[0]?.error).toContain('no number for rowsRead, rowsWritten');
    expect(summary.files[0]?.error).toContain('"rowsRead":"10"');
  });

  it('uploads a file larger than one part in parts and says so in the event', async () => {
    // Prepare
    s3Mock.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u1' });
    s3Mock.on(UploadPartCommand).resolves({ ETag: '"part"' });
    s3Mock.on(CompleteMultipartUploadCommand).resolves({ ETag: '"whole-3"' });
    const file = await csvFile('big.csv', 'x'.repeat(partBytes * 2 + 10));
    const events: S3Event[] = [];

    // Act
    await ingestFiles(
      target(async (event) => {
        events.push(event);
        return { files: [fileReport('incoming/big.csv')] };
      }),
      [file],
    );

    // Assess
    expect(s3Mock).toHaveReceivedCommandTimes(UploadPartCommand, 3);
    expect(s3Mock).toHaveReceivedCommandWith(CompleteMultipartUploadCommand, {
      UploadId: 'u1',
      MultipartUpload: {
        Parts: [
          { PartNumber: 1, ETag: '"part"' },
          { PartNumber: 2, ETag: '"part"' },
          { PartNumber: 3, ETag: '"part"' },
        ],
      },
    });
    expect(s3Mock).not.toHaveReceivedCommand(PutObjectCommand);
    expect(events[0]?.Records[0]).toMatchObject({
      eventName: 'ObjectCreated:CompleteMultipartUpload',
      s3: { object: { size: partBytes * 2 + 10, eTag: 'whole-3' } },
    });
  });
});

describe('summarizeIngest', () => {
  it('is all zeros for a run without files', () => {
    // Act
    const summary = summarizeIngest([]);

    // Assess
    expect(summary).toEqual({
      files: [],
      rowsRead: 0,
      rowsWritten: 0,
      rowsSkippedOk: 0,
      rowsRejected: 0,
      rowsOverwritten: 0,
      rejectedKeys: [],
    });
  });
});
