import {
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  type STSClient,
} from '@aws-sdk/client-sts';
import { accountOfArn } from './account.js';
import type { MaskSecret } from './actionsMask.js';
import { AssumeRoleError, UsageError } from './errors.js';
import { fetchGithubOidcToken, hasOidcEnvironment } from './oidc.js';

/** Short-lived role credentials, in the shape every SDK client accepts as `credentials`. */
export interface DeployCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration?: Date;
}

/** Who the deploy runs as. `credentials` is absent when the SDK's default chain is used. */
export interface DeployIdentity {
  account: string;
  arn: string;
  source: 'github-oidc' | 'default-chain';
  credentials?: DeployCredentials;
}

/** What resolving the identity needs; injected so tests can stand in for GitHub and STS. */
export interface CredentialDeps {
  env: NodeJS.ProcessEnv;
  sts: STSClient;
  mask: MaskSecret;
  fetchFn?: typeof fetch;
}

/** The options that decide where credentials come from. */
export interface CredentialOptions {
  roleArn?: string;
  durationSeconds: number;
  useDefaultCredentials: boolean;
}

/**
 * Inside GitHub Actions with an OIDC token available, exchanges the token for short-lived role credentials;
 * otherwise uses the SDK's default chain, but only when `useDefaultCredentials` says so, so a stray key on
 * a laptop never deploys by accident.
 */
export async function resolveDeployIdentity(
  options: CredentialOptions,
  deps: CredentialDeps,
): Promise<DeployIdentity> {
  if (hasOidcEnvironment(deps.env) && options.roleArn !== undefined) {
    return assumeRoleWithGithubOidc(options.roleArn, options.durationSeconds, deps);
  }
  if (!options.useDefaultCredentials) {
    throw new UsageError(
      '--use-default-credentials',
      'is required outside GitHub Actions (no ACTIONS_ID_TOKEN_REQUEST_URL): refusing to use ambient credentials silently',
    );
  }
  const caller = await deps.sts.send(new GetCallerIdentityCommand({}));
  if (caller.Account === undefined || caller.Arn === undefined) {
    throw new AssumeRoleError('default credential chain', 'GetCallerIdentity answered without an account');
  }
  return { account: caller.Account, arn: caller.Arn, source: 'default-chain' };
}

async function assumeRoleWithGithubOidc(roleArn: string, durationSeconds: number, deps: CredentialDeps) {
  const token = await fetchGithubOidcToken(deps.env, deps.fetchFn);
  deps.mask(token);
  const answer = await deps.sts
    .send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: roleArn,
        RoleSessionName: sessionName(deps.env),
        WebIdentityToken: token,
        DurationSeconds: durationSeconds,
      }),
    )
    .catch((error: unknown) => {
      throw new AssumeRoleError(roleArn, errorName(error), { cause: error });
    });
  const c = answer.Credentials;
  const arn = answer.AssumedRoleUser?.Arn;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || arn === undefined) {
    throw new AssumeRoleError(roleArn, 'STS answered without credentials or assumed-role ARN');
  }
  for (const secret of [c.AccessKeyId, c.SecretAccessKey, c.SessionToken]) deps.mask(secret);
  const credentials: DeployCredentials = {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
  };
  if (c.Expiration !== undefined) credentials.expiration = c.Expiration;
  return { account: accountOfArn(arn), arn, source: 'github-oidc', credentials } satisfies DeployIdentity;
}

/** `gh-<run id>-<attempt>`: CloudTrail then ties every change to the workflow run that made it. */
export function sessionName(env: NodeJS.ProcessEnv): string {
  const run = env.GITHUB_RUN_ID ?? `local${Date.now()}`;
  const attempt = env.GITHUB_RUN_ATTEMPT ?? '1';
  return `gh-${run}-${attempt}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

// Only the error's name and message go into our error: STS messages name the role, never the token.
function errorName(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
