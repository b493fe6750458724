import { OidcTokenError } from './errors.js';

/** The audience AWS STS expects in a GitHub OIDC token. */
export const stsAudience = 'sts.amazonaws.com';

/** Where the Actions runner says its token endpoint is; both exist only with `id-token: write`. */
export interface OidcEnvironment {
  ACTIONS_ID_TOKEN_REQUEST_URL?: string | undefined;
  ACTIONS_ID_TOKEN_REQUEST_TOKEN?: string | undefined;
}

/** True when the runner offers an OIDC token (the job has `permissions: id-token: write`). */
export function hasOidcEnvironment(env: OidcEnvironment): boolean {
  return Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
}

/**
 * Asks GitHub for an OIDC token for STS. The request token and the answer are secrets: they are never put
 * in an error message, only the HTTP status is.
 */
export async function fetchGithubOidcToken(
  env: OidcEnvironment,
  fetchFn: typeof fetch = fetch,
  audience: string = stsAudience,
): Promise<string> {
  const requestUrl = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!requestUrl || !requestToken) {
    throw new OidcTokenError(
      'ACTIONS_ID_TOKEN_REQUEST_URL/ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set (does the job have `permissions: id-token: write`?)',
    );
  }
  const url = new URL(requestUrl);
  url.searchParams.set('audience', audience);
  let response: Response;
  try {
    response = await fetchFn(url, {
      headers: { Authorization: `Bearer ${requestToken}`, Accept: 'application/json' },
    });
  } catch (error) {
    throw new OidcTokenError(`request to ${url.origin} failed`, { cause: error });
  }
  if (!response.ok) throw new OidcTokenError(`token endpoint answered HTTP ${response.status}`);
  return readTokenValue(await response.text());
}

function readTokenValue(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new OidcTokenError('token endpoint answered a body that is not JSON');
  }
  const value = (parsed as { value?: unknown } | null)?.value;
  if (typeof value !== 'string' || value === '') {
    throw new OidcTokenError('token endpoint answered JSON without a "value" string');
  }
  return value;
}
