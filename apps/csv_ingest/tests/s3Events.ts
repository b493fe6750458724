import type { S3Event } from 'aws-lambda';

/** A key as S3 writes it into an event: form-encoded (a space as `+`, parentheses too), slashes kept. */
export function eventKey(key: string): string {
  return key
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment)
        .replace(/%20/g, '+')
        .replace(/[!'()]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`),
    )
    .join('/');
}

/** An `ObjectCreated:Put` notification for one object, shaped as S3 sends it to Lambda (version 2.1). */
export function s3Event(bucket: string, key: string, object: { size?: number; eTag?: string } = {}): S3Event {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: '2024-06-14T12:00:00.000Z',
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'AWS:AIDAEXAMPLE' },
        requestParameters: { sourceIPAddress: '203.0.113.7' },
        responseElements: {
          'x-amz-request-id': 'C3D13FE58DE4C810',
          'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD',
        },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'csv-ingest-incoming',
          bucket: {
            name: bucket,
            ownerIdentity: { principalId: 'A3NL1KOZZKExample' },
            arn: `arn:aws:s3:::${bucket}`,
          },
          object: {
            key: eventKey(key),
            // A hand-made event may leave size and eTag out: the function then asks S3.
            ...(object.size === undefined ? {} : { size: object.size }),
            ...(object.eTag === undefined ? {} : { eTag: object.eTag }),
            sequencer: '0055AED6DCD90281E5',
          } as S3Event['Records'][number]['s3']['object'],
        },
      },
    ],
  };
}
