import { readMaxMessageBytes } from '@gapless/aws-adapters';
import { ensureResources, type LocalResources } from './resources.js';
import { localBucketNames } from './s3Buckets.js';
import { defaultChainOrEmulatorKeys } from './toolCredentials.js';

/**
 * `setup`: creates the table (with its indexes and TTL) and the work and dead-letter queues where the
 * standard variables point: `AWS_ENDPOINT_URL_DYNAMODB` / `AWS_ENDPOINT_URL_SQS` (or `AWS_ENDPOINT_URL`), or,
 * with none set, the account of the SDK's usual credential chain. It always signs with what that chain finds,
 * as the functions do with the same environment (DynamoDB Local keeps tables per access key and region);
 * dummy keys only on an endpoint when the chain finds none. An existing table whose keys or indexes differ
 * is refused (`ResourceMismatchError`) and left untouched.
 *
 * The ingest and lake buckets are created only on an S3 endpoint (`AWS_ENDPOINT_URL_S3` or
 * `AWS_ENDPOINT_URL`), named by `INGEST_BUCKET` and `LAKE_BUCKET` (lake_export's own variable) or
 * `gapless-ingest` / `gapless-lake`. In an account they are the infrastructure's: a bare CreateBucket would
 * lack their encryption, TLS-only policy, lifecycle rules and csv_ingest's notification, and S3 names are
 * global, so a fixed name may belong to someone else.
 */
export async function setupResources(
  tableName: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<LocalResources> {
  const dynamoEndpoint = nonBlank(env.AWS_ENDPOINT_URL_DYNAMODB) ?? nonBlank(env.AWS_ENDPOINT_URL);
  const sqsEndpoint = nonBlank(env.AWS_ENDPOINT_URL_SQS) ?? nonBlank(env.AWS_ENDPOINT_URL);
  const s3Endpoint = nonBlank(env.AWS_ENDPOINT_URL_S3) ?? nonBlank(env.AWS_ENDPOINT_URL);
  const region = nonBlank(env.AWS_REGION) ?? nonBlank(env.AWS_DEFAULT_REGION) ?? 'us-east-1';
  return ensureResources({
    tableName,
    region,
    endpointCredentials: defaultChainOrEmulatorKeys(region),
    // The queues accept what the functions, given the same environment, send and validate with.
    maxMessageBytes: readMaxMessageBytes(env),
    // Passed explicitly so the SQS client sends to the endpoint even when a queue URL names another host.
    ...(dynamoEndpoint ? { dynamoEndpoint } : {}),
    ...(sqsEndpoint ? { sqsEndpoint } : {}),
    ...(s3Endpoint
      ? {
          s3Endpoint,
          buckets: {
            ingest: nonBlank(env.INGEST_BUCKET) ?? localBucketNames.ingest,
            lake: nonBlank(env.LAKE_BUCKET) ?? localBucketNames.lake,
          },
        }
      : {}),
  });
}

function nonBlank(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
