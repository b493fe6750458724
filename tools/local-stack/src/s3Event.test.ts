import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { encodeEventKey, objectCreatedEvent, type CreatedObject } from './s3Event.js';

const object: CreatedObject = {
  bucket: 'gapless-ingest',
  key: 'incoming/my file #1+x.csv',
  size: 1234,
  eTag: '"0123456789abcdef0123456789abcdef"',
  eventName: 'ObjectCreated:Put',
};

describe('objectCreatedEvent', () => {
  it('builds the record S3 sends for a created object', () => {
    // Act
    const event = objectCreatedEvent(object, 'us-east-1', new Date('2026-01-02T03:04:05.678Z'));

    // Assess
    expect(event.Records).toHaveLength(1);
    expect(event.Records[0]).toMatchObject({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventTime: '2026-01-02T03:04:05.678Z',
      eventName: 'ObjectCreated:Put',
      s3: {
        s3SchemaVersion: '1.0',
        bucket: { name: 'gapless-ingest', arn: 'arn:aws:s3:::gapless-ingest' },
        object: {
          key: 'incoming/my+file+%231%2Bx.csv',
          size: 1234,
          eTag: '0123456789abcdef0123456789abcdef',
        },
      },
    });
  });

  it('gives later events of a key a greater sequencer, as S3 orders them', () => {
    // Act
    const first = objectCreatedEvent(object, 'us-east-1').Records[0]?.s3.object.sequencer ?? '';
    const second = objectCreatedEvent(object, 'us-east-1').Records[0]?.s3.object.sequencer ?? '';

    // Assess
    expect(second.length).toBe(first.length);
    expect(second > first).toBe(true);
  });
});

describe('encodeEventKey', () => {
  it('writes spaces as + and a + as %2B, keeps slashes, and encodes UTF-8 bytes', () => {
    // Act
    const encoded = encodeEventKey('incoming/São Paulo (1)+2.csv');

    // Assess
    expect(encoded).toBe('incoming/S%C3%A3o+Paulo+%281%29%2B2.csv');
  });

  test.prop([fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 })])(
    'is undone by the decoding a function applies',
    (key) => {
      // Act
      const decoded = decodeURIComponent(encodeEventKey(key).replace(/\+/g, ' '));

      // Assess
      expect(decoded).toBe(key);
    },
  );
});
