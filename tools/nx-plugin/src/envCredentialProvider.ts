// Bundled into the Lambda zips IN PLACE OF `@aws-sdk/credential-provider-node` (see envCredentialsOnly.ts):
// it must keep that package's export name and call shape, because the clients' runtime config calls
// `defaultProvider(config)` and expects a credential provider back.
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { CredentialsProviderError } from '@smithy/core/config';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/** The message a bundled function fails with when Lambda (or whoever runs it) set no credentials. */
export const noEnvironmentCredentials =
  'no AWS credentials in the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY): this Lambda bundle ' +
  'reads credentials only from there; the SDK default chain (profiles, SSO, web identity, IMDS) is not bundled, ' +
  'see tools/nx-plugin/README.md';

/**
 * The SDK's `defaultProvider` reduced to its first link: Lambda always hands the execution role's
 * credentials to the function in environment variables, so the rest of the chain only adds size and
 * cold-start time. The SDK still signs every request with what this returns (and refreshes through it).
 */
export function defaultProvider(init: Parameters<typeof fromEnv>[0] = {}): AwsCredentialIdentityProvider {
  const fromEnvironment = fromEnv(init);
  return async (): Promise<AwsCredentialIdentity> => {
    try {
      return await fromEnvironment();
    } catch {
      // fromEnv fails for one reason only (the pair is not set); say which bundle rule caused it.
      throw new CredentialsProviderError(noEnvironmentCredentials, {
        tryNextLink: false,
        ...(init?.logger ? { logger: init.logger } : {}),
      });
    }
  };
}
