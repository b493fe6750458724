import { ItemStatus, parseIsoDate, StoreError, type SeriesDefinition } from '@gapless/pipeline-core';
import { makeSeries, recordingTelemetry } from '@gapless/pipeline-core/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryFileRowStore, MemoryObjectStore } from '../tests/fakes.js';
import { ingestFile, type IngestDeps } from './ingestFile.js';

const bucket = 'ingest';
const key = 'incoming/usd.csv';
const usd = makeSeries({ infoType: 'CURRENCY#USD', source: 'bcb-sgs', bounds: { min: 0.5, max: 50 } });
const catalog = new Map<string, SeriesDefinition>([[usd.infoType, usd]]);
const day = (date: string) => parseIsoDate(date);

let objects: MemoryObjectStore;
let rows: MemoryFileRowStore;
let telemetry: ReturnType<typeof recordingTelemetry>;

function deps(overrides: Partial<IngestDeps> = {}): IngestDeps {
  return {
    objects,
    rows,
    catalog,
    maxBytes: 1_000_000,
    now: () => new Date('2024-06-14T12:00:00Z'),
    logger: telemetry.logger,
    ...overrides,
  };
}

/** Uploads a `,`-separated file of these rows and answers the event's view of it. */
function uploaded(lines: readonly string[], header = 'info_type,date,value') {
  const text = `${[header, ...lines].join('\n')}\n`;
  const etag = objects.put(bucket, key, text);
  return { bucket, key, size: new TextEncoder().encode(text).length, etag: etag.replace(/"/g, '') };
}

beforeEach(() => {
  objects = new MemoryObjectStore();
  rows = new MemoryFileRowStore();
  telemetry = recordingTelemetry();
});

describe('ingestFile', () => {
  it('validates the whole file, then reads each series once over its dates, then writes', async () => {
    // Prepare
    const file = uploaded(['CURRENCY#USD,2024-01-03,4.9', 'CURRENCY#USD,2024-01-02,4.8916']);

    // Act
    const report = await ingestFile(deps(), file);

    // Assess
    expect(report).toEqual({
      bucket,
      key,
      status: 'ingested',
      rowsRead: 2,
      rowsWritten: 2,
      rowsSkippedOk: 0,
      rowsRejected: 0,
      rowsOverwritten: 0,
      itemWrites: 2,
      rawKey: 'raw/usd.csv',
    });
    expect(rows.calls).toEqual([
      `readStored CURRENCY#USD ${day('2024-01-02')} ${day('2024-01-03')}`,
      'leaseRanges CURRENCY#USD',
      'writeNew 2',
    ]);
    expect(rows.get('CURRENCY#USD', day('2024-01-02'))).toEqual({
      status: 'OK',
      value: 4.8916,
      fromFile: true,
      source: 'file:incoming/usd.csv',
    });
    expect(objects.text(bucket, 'raw/usd.csv')).toBe(objects.text(bucket, key));
  });

  it('reads the same bytes in both passes, however the body is cut (a character split across chunks included)', async () => {
    // Prepare: "é" is two bytes; one-byte chunks cut it in half
    objects.chunkBytes = 1;
    const file = uploaded(['CURRENCY#USD,2024-01-02,4.8916,cotação'], 'info_type,date,value,source');

    // Act
    const report = await ingestFile(deps(), file);

    // Assess
    expect(report.rowsWritten).toBe(1);
    expect(rows.get('CURRENCY#USD', day('2024-01-02'))?.source).toBe('file:incoming/usd.csv|cotação');
  });

  it('decides again on what the item holds now when it changed between the read and the write', async () => {
    // Prepare: a RETRY item, which the scraper fills with the source's value just before the file's write
    rows.set('CURRENCY#USD', day('2024-01-02'), { status: ItemStatus.Retry, value: null, fromFile: false });
    rows.beforeReplace = (item) => {
      if (item.value === 4.8)
        rows.set(item.infoType, item.day, { status: ItemStatus.Ok, value: 4.7, fromFile: false });
    };
    const file = uploaded(['CURRENCY#USD,2024-01-02,4.8']);

    // Act
    const report = await ingestFile(deps(), file);

    // Assess: the source's value stays, the row is refused and the choice logged
    expect(report).toMatchObject({
      rowsWritten: 0,
      rowsRejected: 1,
      itemWrites: 1,
      rejectedKey: 'rejected/usd.csv.rejected.csv',
    });
    expect(rows.get('CURRENCY#USD', day('2024-01-02'))?.value).toBe(4.7);
    expect(objects.text(bucket, 'rejected/usd.csv.rejected.csv')).toBe(
      'line,info_type,date,value,reason\n2,CURRENCY#USD,2024-01-02,4.8,"keeps the OK value 4.7 from the series\' source (bcb-sgs); set overwrite=true on the row to replace it"\n',
    );
    expect(telemetry.lines).toContainEqual({
      level: 'info',
      message: "row not written: it would change the series' source value and does not say overwrite=true",
      attributes: {
        line: 2,
        series: 'CURRENCY#USD',
        date: '2024-01-02',
        storedValue: 4.7,
        storedFrom: 'source',
        fileValue: 4.8,
        overwrite: false,
        choice: 'kept',
      },
    });
  });

  it('writes a date under a lease conditionally, as one that has no item, and logs each OK value it replaces', async () => {
    // Prepare
    rows.leases.set('CURRENCY#USD', [{ first: day('2024-01-08'), last: day('2024-01-10') }]);
    rows.set('CURRENCY#USD', day('2024-01-02'), { status: ItemStatus.Ok, value: 4.9, fromFile: false });
    const file = uploaded(
      ['CURRENCY#USD,2024-01-09,4.87,', 'CURRENCY#USD,2024-01-02,4.93,true'],
      'info_type,date,value,overwrite',
    );

    // Act
    const report = await ingestFile(deps(), file);

    // Assess
    expect(report).toMatchObject({ rowsWritten: 2, rowsOverwritten: 1, itemWrites: 2 });
    expect(rows.calls.filter((call) => call.startsWith('replace') || call.startsWith('writeNew'))).toEqual([
      `replace CURRENCY#USD ${day('2024-01-09')}`,
      `replace CURRENCY#USD ${day('2024-01-02')}`,
    ]);
    expect(telemetry.lines.filter((line) => line.message === 'row replaced an OK value')).toEqual([
      expect.objectContaining({
        attributes: expect.objectContaining({ line: 3, storedValue: 4.9, fileValue: 4.93, overwrite: true }),
      }),
    ]);
  });

  it('refuses, writing nothing, a file replaced by a newer upload between its two passes', async () => {
    // Prepare
    const file = uploaded(['CURRENCY#USD,2024-01-02,4.8916']);
    objects.beforeOpen = (_, opens) => {
      if (opens === 2) objects.put(bucket, key, 'info_type,date,value\nCURRENCY#USD,2024-01-02,9\n');
    };

    // Act
    const report = await ingestFile(deps(), file);

    // Assess
    expect(report).toMatchObject({
      status: 'refused',
      error: `s3://${bucket}/${key} was replaced by a newer upload between the two passes (whose own event ingests it): nothing written`,
    });
    expect(rows.items.size).toBe(0);
  });

  it("refuses the event's version when the key already holds a newer upload", async () => {
    // Prepare
    const file = uploaded(['CURRENCY#USD,2024-01-02,4.8916']);
    objects.put(bucket, key, 'info_type,date,value\nCURRENCY#USD,2024-01-02,9\n');

    // Act
    const report = await ingestFile(deps(), file);

    // Assess
    expect(report).toMatchObject({
      status: 'refused',
      error: expect.stringContaining('was replaced by a newer upload since this upload'),
    });
    expect(objects.text(bucket, 'raw/usd.csv')).toBeUndefined();
  });

  it('fails, dropping its rejected file, when DynamoDB leaves items unprocessed after every retry', async () => {
    // Prepare
    rows.neverProcessed.add(MemoryFileRowStore.key('CURRENCY#USD', day('2024-01-03')));
    const file = uploaded([
      'CURRENCY#USD,2024-01-02,4.8916',
      'CURRENCY#USD,2024-01-03,4.9',
      'CURRENCY#USD,2024-01-04,x',
    ]);
    let writer: ReturnType<MemoryObjectStore['textWriter']> | undefined;
    const textWriter = objects.textWriter.bind(objects);
    objects.textWriter = (b, k) => (writer = textWriter(b, k));

    // Act
    const failure = await ingestFile(deps(), file).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as Error).message).toBe(
      "DynamoDB BatchWriteItem: 1 items stayed unprocessed after the write loop's retries; the file is ingested again on the next attempt",
    );
    expect(writer?.aborted).toBe(true);
    expect(objects.text(bucket, 'rejected/usd.csv.rejected.csv')).toBeUndefined();
  });

  it('resends items DynamoDB left unprocessed and counts every write sent', async () => {
    // Prepare
    rows.unprocessedOnce.add(MemoryFileRowStore.key('CURRENCY#USD', day('2024-01-03')));
    const file = uploaded(['CURRENCY#USD,2024-01-02,4.8916', 'CURRENCY#USD,2024-01-03,4.9']);

    // Act
    const report = await ingestFile(deps(), file);

    // Assess
    expect(report).toMatchObject({ rowsWritten: 2, itemWrites: 3 });
  });

  it.each([
    [
      'a key outside incoming/',
      { key: 'raw/usd.csv' },
      'is not a file under incoming/: not read, not copied',
    ],
    ['a folder marker', { key: 'incoming/', size: 0 }, 'is not a file under incoming/: not read, not copied'],
    [
      'a file over the limit',
      { size: 1_000_001 },
      'is 1000001 bytes, over INGEST_MAX_BYTES (1000000): not read, not copied',
    ],
  ])('refuses %s before reading it', async (_, change, error) => {
    // Prepare
    const file = { ...uploaded(['CURRENCY#USD,2024-01-02,4.8916']), ...change };

    // Act
    const report = await ingestFile(deps(), file);

    // Assess
    expect(report).toMatchObject({ status: 'refused', error: `s3://${bucket}/${file.key} ${error}` });
    expect(rows.calls).toEqual([]);
  });
});
