import type { S3Event } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { s3Event } from '../tests/s3Events.js';
import { rawKeyOf, rejectedKeyOf, uploadedFiles } from './s3Event.js';

describe('uploadedFiles', () => {
  it.each([
    ['incoming/usd history.csv', 'incoming/usd+history.csv'],
    ['incoming/a+b (1).csv', 'incoming/a%2Bb+%281%29.csv'],
    ['incoming/cotação/2024.csv', 'incoming/cota%C3%A7%C3%A3o/2024.csv'],
  ])('decodes the key %j from its event form', (key, encoded) => {
    // Prepare
    const event = s3Event('ingest', key, { size: 10, eTag: 'abc' });

    // Act
    const files = uploadedFiles(event);

    // Assess
    expect(event.Records[0]?.s3.object.key).toBe(encoded);
    expect(files).toEqual([{ bucket: 'ingest', key, size: 10, etag: 'abc' }]);
  });

  it('names no file for an event without records, and leaves out records of other events', () => {
    // Prepare
    const removed = s3Event('ingest', 'incoming/a.csv');
    (removed.Records[0] as { eventName: string }).eventName = 'ObjectRemoved:Delete';

    // Act
    const files = [uploadedFiles({ Records: [] }), uploadedFiles({} as S3Event), uploadedFiles(removed)];

    // Assess
    expect(files).toEqual([[], [], []]);
  });

  it('leaves size and entity tag out when a hand-made event does not give them', () => {
    // Act
    const files = uploadedFiles(s3Event('ingest', 'incoming/a.csv'));

    // Assess
    expect(files).toEqual([{ bucket: 'ingest', key: 'incoming/a.csv' }]);
  });

  it.each([
    [
      'no bucket',
      { s3: { object: { key: 'incoming/a.csv' } } },
      'event record #0 names no bucket and key: not an S3 object-created record',
    ],
    [
      'a key S3 would not write',
      { s3: { bucket: { name: 'b' }, object: { key: 'incoming/%E0%A4%A.csv' } } },
      'event key "incoming/%E0%A4%A.csv" is not URL-encoded as S3 encodes keys',
    ],
  ])('refuses a record with %s, naming it', (_, record, message) => {
    // Act
    const act = () => uploadedFiles({ Records: [record] } as unknown as S3Event);

    // Assess
    expect(act).toThrow(message);
  });
});

describe('rawKeyOf and rejectedKeyOf', () => {
  it('put the key below incoming/ under raw/ and rejected/', () => {
    // Act
    const keys = [rawKeyOf('incoming/2024/usd.csv'), rejectedKeyOf('incoming/2024/usd.csv')];

    // Assess
    expect(keys).toEqual(['raw/2024/usd.csv', 'rejected/2024/usd.csv.rejected.csv']);
  });
});
