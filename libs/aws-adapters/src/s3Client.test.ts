import { describe, expect, it } from 'vitest';
import { createS3Client } from './s3Client.js';

describe('createS3Client', () => {
  it('addresses buckets by path when an endpoint is overridden, by host name on AWS', async () => {
    // Prepare
    const emulated = [
      { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4566' },
      { AWS_ENDPOINT_URL: 'http://127.0.0.1:1' },
    ];

    // Act
    const styles = emulated.map((env) => createS3Client(env).config.forcePathStyle);
    const onAws = createS3Client({}).config.forcePathStyle;

    // Assess
    expect(styles).toEqual([true, true]);
    expect(onAws).not.toBe(true);
  });
});
