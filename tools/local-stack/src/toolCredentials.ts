import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

/** Credentials in the shape every SDK client accepts: fixed keys or a provider. */
export type ClientCredentials = NonNullable<DynamoDBClientConfig['credentials']>;
/** The provider form of {@link ClientCredentials}. */
export type CredentialsProvider = Extract<ClientCredentials, (...args: never[]) => unknown>;

/**
 * The keys for emulators a tool starts itself: they accept any signature, and the functions the local stack
 * runs on them are given the same keys (`functionEnv`), so both sides see the same tables.
 */
export const emulatorCredentials = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/**
 * The credentials for an endpoint someone else runs (`AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL`): the
 * SDK's default chain, the one the functions resolve from the same environment, because DynamoDB Local keeps
 * its tables per access key and region and a tool signing with other keys would see another database. Only
 * when the chain finds nothing at all (no variables, profile or role) does it fall back to
 * {@link emulatorCredentials}, which any emulator accepts; a real endpoint then refuses the request.
 */
export function defaultChainOrEmulatorKeys(region: string): CredentialsProvider {
  // The chain exactly as a client resolves it when given no credentials, borrowed from one that never sends.
  const defaultChain = new DynamoDBClient({ region }).config.credentials;
  return async (options) => {
    try {
      return await defaultChain(options);
    } catch (error) {
      if (error instanceof Error && error.name === 'CredentialsProviderError') return emulatorCredentials;
      throw error;
    }
  };
}
