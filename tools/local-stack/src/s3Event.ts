import type { S3Event } from 'aws-lambda';
import { randomBytes } from 'node:crypto';

/** The object an S3 event notification is about, as the upload left it. */
export interface CreatedObject {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  /** As S3 answers it (quoted); the event carries it unquoted. */
  readonly eTag: string;
  /** `ObjectCreated:Put`, or `ObjectCreated:CompleteMultipartUpload` for a multipart upload. */
  readonly eventName: 'ObjectCreated:Put' | 'ObjectCreated:CompleteMultipartUpload';
}

/**
 * The event S3 sends a function subscribed to `s3:ObjectCreated:*` (event message structure version 2.1),
 * one record per object. fauxqs sends no notifications, so the local stack builds it and invokes the function
 * itself. The key is encoded as S3 encodes it in notifications (see {@link encodeEventKey}).
 */
export function objectCreatedEvent(object: CreatedObject, region: string, now = new Date()): S3Event {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: region,
        eventTime: now.toISOString(),
        eventName: object.eventName,
        userIdentity: { principalId: 'AWS:local-stack' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: {
          'x-amz-request-id': randomBytes(8).toString('hex').toUpperCase(),
          'x-amz-id-2': randomBytes(32).toString('base64'),
        },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'local-stack-incoming',
          bucket: {
            name: object.bucket,
            ownerIdentity: { principalId: 'local-stack' },
            arn: `arn:aws:s3:::${object.bucket}`,
          },
          object: {
            key: encodeEventKey(object.key),
            size: object.size,
            eTag: object.eTag.replace(/^"|"$/g, ''),
            // Orders the events of one key; S3's is an opaque, growing hexadecimal string.
            sequencer: process.hrtime.bigint().toString(16).toUpperCase().padStart(16, '0'),
          },
        },
      },
    ],
  };
}

/**
 * A key as S3 writes it in event notifications: form-URL-encoded, a space as `+` (so a `+` in the key is
 * `%2B`), `/` left as it is, every other byte outside `A-Z a-z 0-9 . _ - *` percent-encoded from UTF-8. The
 * function reverses it with `decodeURIComponent(key.replace(/\+/g, ' '))`.
 */
export function encodeEventKey(key: string): string {
  let encoded = '';
  for (const byte of Buffer.from(key, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9._*/-]/.test(char)) encoded += char;
    else if (char === ' ') encoded += '+';
    else encoded += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}
