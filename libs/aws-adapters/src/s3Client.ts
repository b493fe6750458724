import { S3Client } from '@aws-sdk/client-s3';

/** The SDK's own endpoint variables: a general one and S3's (both read by the SDK itself). */
const endpointVariables = ['AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL'] as const;

/**
 * The S3 client every function builds: the SDK's defaults (region, credentials, `AWS_ENDPOINT_URL_S3`), with
 * path-style addressing (`http://host:port/bucket/key`) whenever an endpoint is overridden. An emulator on
 * loopback answers only there: the SDK's default virtual-hosted style (`bucket.host`) needs a DNS name per
 * bucket, which `127.0.0.1` has not. On AWS (no override) the default style is kept.
 */
export function createS3Client(env: Readonly<Record<string, string | undefined>> = process.env): S3Client {
  const overridden = endpointVariables.some((name) => (env[name] ?? '') !== '');
  return new S3Client(overridden ? { forcePathStyle: true } : {});
}
