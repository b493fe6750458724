import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultProvider, noEnvironmentCredentials } from './envCredentialProvider.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('defaultProvider (env only)', () => {
  it('hands the SDK the credentials Lambda puts in the environment, session token included', async () => {
    // Prepare
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    vi.stubEnv('AWS_SESSION_TOKEN', 'token');

    // Act
    const credentials = await defaultProvider()();

    // Assess
    expect(credentials).toMatchObject({
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'token',
    });
  });

  it('fails with an error that says why, and stops the chain there', async () => {
    // Prepare
    vi.stubEnv('AWS_ACCESS_KEY_ID', '');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', '');

    // Act
    const failure = await defaultProvider()().catch((error: unknown) => error);

    // Assess
    expect(failure).toMatchObject({
      name: 'CredentialsProviderError',
      message: noEnvironmentCredentials,
      tryNextLink: false,
    });
    expect(noEnvironmentCredentials).toMatch(/^no AWS credentials in the environment/);
  });
});
