import { afterEach, describe, expect, it } from 'vitest';
import { type FakeGithubOidc, startFakeGithubOidc } from '../tests/fakeGithubOidc.js';
import { fetchGithubOidcToken } from './oidc.js';

describe('fetchGithubOidcToken', () => {
  let github: FakeGithubOidc | undefined;
  afterEach(async () => github?.close());

  it('asks the runner endpoint for an sts.amazonaws.com token with the bearer request token', async () => {
    // Prepare
    github = await startFakeGithubOidc('request-token-1', 'the.jwt.value');

    // Act
    const token = await fetchGithubOidcToken({
      ACTIONS_ID_TOKEN_REQUEST_URL: github.requestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token-1',
    });

    // Assess
    expect(token).toBe('the.jwt.value');
    expect(github.requests).toEqual([
      {
        path: '/_apis/distributedtask/token',
        audience: 'sts.amazonaws.com',
        authorization: 'Bearer request-token-1',
      },
    ]);
  });

  it('reports a refusal by status, without the request token', async () => {
    // Prepare
    github = await startFakeGithubOidc('right-token', 'jwt');

    // Act
    const failure = fetchGithubOidcToken({
      ACTIONS_ID_TOKEN_REQUEST_URL: github.requestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'wrong-token',
    });

    // Assess
    await expect(failure).rejects.toThrow('GitHub OIDC token: token endpoint answered HTTP 401');
    await expect(failure).rejects.not.toThrow(/wrong-token/);
  });

  it('refuses an answer without a token value', async () => {
    // Prepare
    github = await startFakeGithubOidc('t', '');

    // Act
    const failure = fetchGithubOidcToken({
      ACTIONS_ID_TOKEN_REQUEST_URL: github.requestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't',
    });

    // Assess
    await expect(failure).rejects.toThrow('token endpoint answered JSON without a "value" string');
  });

  it('explains the missing id-token permission when the runner offers no endpoint', async () => {
    // Act
    const failure = fetchGithubOidcToken({});

    // Assess
    await expect(failure).rejects.toThrow(/permissions: id-token: write/);
  });
});
