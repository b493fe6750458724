import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeGithubOidc, startFakeGithubOidc } from '../tests/fakeGithubOidc.js';
import { resolveDeployIdentity, sessionName } from './credentials.js';

const stsMock = mockClient(STSClient);
const roleArn = 'arn:aws:iam::123456789012:role/gapless-deploy';
const assumed = {
  Credentials: {
    AccessKeyId: 'ASIAKEY',
    SecretAccessKey: 'secret/key',
    SessionToken: 'session+token',
    Expiration: new Date(0),
  },
  AssumedRoleUser: {
    Arn: 'arn:aws:sts::123456789012:assumed-role/gapless-deploy/gh-77-2',
    AssumedRoleId: 'AROA:gh-77-2',
  },
};

describe('resolveDeployIdentity', () => {
  let github: FakeGithubOidc;
  beforeEach(async () => {
    stsMock.reset();
    github = await startFakeGithubOidc('req', 'oidc.jwt');
  });
  afterEach(async () => github.close());

  const actionsEnv = () => ({
    GITHUB_ACTIONS: 'true',
    GITHUB_RUN_ID: '77',
    GITHUB_RUN_ATTEMPT: '2',
    ACTIONS_ID_TOKEN_REQUEST_URL: github.requestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'req',
  });

  it('exchanges the OIDC token with AssumeRoleWithWebIdentity and masks every secret', async () => {
    // Prepare
    stsMock.on(AssumeRoleWithWebIdentityCommand).resolves(assumed);
    const masked: string[] = [];

    // Act
    const identity = await resolveDeployIdentity(
      { roleArn, durationSeconds: 900, useDefaultCredentials: false },
      { env: actionsEnv(), sts: new STSClient({ region: 'us-east-1' }), mask: (s) => masked.push(s) },
    );

    // Assess
    expect(stsMock).toHaveReceivedCommandExactlyOnceWith(AssumeRoleWithWebIdentityCommand, {
      RoleArn: roleArn,
      RoleSessionName: 'gh-77-2',
      WebIdentityToken: 'oidc.jwt',
      DurationSeconds: 900,
    });
    expect(identity).toEqual({
      account: '123456789012',
      arn: assumed.AssumedRoleUser.Arn,
      source: 'github-oidc',
      credentials: {
        accessKeyId: 'ASIAKEY',
        secretAccessKey: 'secret/key',
        sessionToken: 'session+token',
        expiration: new Date(0),
      },
    });
    expect(masked).toEqual(['oidc.jwt', 'ASIAKEY', 'secret/key', 'session+token']);
  });

  it('turns an STS refusal into an error naming the role', async () => {
    // Prepare
    stsMock
      .on(AssumeRoleWithWebIdentityCommand)
      .rejects(Object.assign(new Error('Not authorized'), { name: 'AccessDenied' }));

    // Act
    const failure = resolveDeployIdentity(
      { roleArn, durationSeconds: 900, useDefaultCredentials: false },
      { env: actionsEnv(), sts: new STSClient({ region: 'us-east-1' }), mask: () => undefined },
    );

    // Assess
    await expect(failure).rejects.toThrow(`cannot assume ${roleArn}: AccessDenied: Not authorized`);
  });

  it('refuses ambient credentials outside Actions unless asked explicitly', async () => {
    // Act
    const failure = resolveDeployIdentity(
      { roleArn, durationSeconds: 900, useDefaultCredentials: false },
      { env: {}, sts: new STSClient({ region: 'us-east-1' }), mask: () => undefined },
    );

    // Assess
    await expect(failure).rejects.toThrow(/--use-default-credentials is required outside GitHub Actions/);
    expect(stsMock).not.toHaveReceivedAnyCommand();
  });

  it('with --use-default-credentials reads the account from GetCallerIdentity', async () => {
    // Prepare
    stsMock
      .on(GetCallerIdentityCommand)
      .resolves({ Account: '210987654321', Arn: 'arn:aws:iam::210987654321:user/me' });

    // Act
    const identity = await resolveDeployIdentity(
      { durationSeconds: 900, useDefaultCredentials: true },
      { env: {}, sts: new STSClient({ region: 'us-east-1' }), mask: () => undefined },
    );

    // Assess
    expect(identity).toEqual({
      account: '210987654321',
      arn: 'arn:aws:iam::210987654321:user/me',
      source: 'default-chain',
    });
  });
});

describe('sessionName', () => {
  it('ties the session to the workflow run and attempt', () => {
    // Act
    const name = sessionName({ GITHUB_RUN_ID: '123', GITHUB_RUN_ATTEMPT: '3' });

    // Assess
    expect(name).toBe('gh-123-3');
  });
});
