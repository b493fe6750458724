import { ensureResources, type LocalResources } from './resources.js';

/**
 * `setup`: creates the table (with its indexes and TTL) and the work and dead-letter queues where the
 * standard variables point: `AWS_ENDPOINT_URL_DYNAMODB` / `AWS_ENDPOINT_URL_SQS` (or `AWS_ENDPOINT_URL`), an
 * emulator taking any credentials; with none set, the account of the SDK's usual credential chain. An
 * existing table whose keys or indexes differ is refused (`ResourceMismatchError`) and left untouched.
 */
export async function setupResources(
  tableName: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<LocalResources> {
  const dynamoEndpoint = nonBlank(env.AWS_ENDPOINT_URL_DYNAMODB) ?? nonBlank(env.AWS_ENDPOINT_URL);
  const sqsEndpoint = nonBlank(env.AWS_ENDPOINT_URL_SQS) ?? nonBlank(env.AWS_ENDPOINT_URL);
  return ensureResources({
    tableName,
    region: nonBlank(env.AWS_REGION) ?? nonBlank(env.AWS_DEFAULT_REGION) ?? 'us-east-1',
    // Passed explicitly so the SQS client sends to the endpoint even when a queue URL names another host.
    ...(dynamoEndpoint ? { dynamoEndpoint } : {}),
    ...(sqsEndpoint ? { sqsEndpoint } : {}),
  });
}

function nonBlank(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
