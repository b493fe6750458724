import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { listen, type LocalServer } from './listen.js';

/** Secrets the fake STS hands out, so tests can look for them in the output. */
export const fakeCredentials = {
  accessKeyId: 'ASIAFAKEACCESSKEY0001',
  secretAccessKey: 'fakeSecretAccessKey/abcdefghijklmnopqrstuv',
  sessionToken: 'FakeSessionTokenValue+0123456789abcdefghij==',
} as const;

/** A just-enough STS (query protocol, XML) and Lambda (REST JSON) for a sync run end to end. */
export interface FakeAws extends LocalServer {
  /** Deployed code per function name: its sha256 (base64). */
  functions: Map<string, string>;
  calls: string[];
}

/**
 * Starts the fake. STS accepts only `expectedToken`; Lambda serves GetFunctionConfiguration and
 * UpdateFunctionCode (honouring `DryRun`) for the functions in `initial`.
 */
export async function startFakeAws(expectedToken: string, initial: Record<string, string>): Promise<FakeAws> {
  const functions = new Map(Object.entries(initial));
  const calls: string[] = [];
  const server = await listen((req, res, body) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (req.method === 'POST' && path === '/')
      return answerSts(res, new URLSearchParams(body), expectedToken, calls);
    const match = /^\/2015-03-31\/functions\/([^/]+)\/(configuration|code)$/.exec(path);
    const name = decodeURIComponent(match?.[1] ?? '');
    if (match === null || !functions.has(name))
      return lambdaError(res, 404, 'ResourceNotFoundException', `Function not found: ${name}`);
    if (req.method === 'GET' && match[2] === 'configuration') {
      calls.push(`GetFunctionConfiguration ${name}`);
      return json(res, 200, configuration(name, functions.get(name) ?? ''));
    }
    if (req.method === 'PUT' && match[2] === 'code') {
      const input = JSON.parse(body) as { ZipFile: string; DryRun?: boolean };
      const sha = createHash('sha256').update(Buffer.from(input.ZipFile, 'base64')).digest('base64');
      calls.push(`UpdateFunctionCode ${name}${input.DryRun ? ' DryRun' : ''}`);
      if (!input.DryRun) functions.set(name, sha);
      return json(res, 200, configuration(name, sha));
    }
    return lambdaError(res, 400, 'InvalidRequestContentException', `unsupported ${req.method} ${path}`);
  });
  return { ...server, functions, calls };
}

function answerSts(res: ServerResponse, form: URLSearchParams, expectedToken: string, calls: string[]) {
  calls.push(`${form.get('Action')} ${form.get('RoleArn')} ${form.get('RoleSessionName')}`);
  if (form.get('Action') !== 'AssumeRoleWithWebIdentity' || form.get('WebIdentityToken') !== expectedToken) {
    res.writeHead(400, { 'content-type': 'text/xml' });
    return res.end(
      '<ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code><Message>bad token</Message></Error></ErrorResponse>',
    );
  }
  const role = (form.get('RoleArn') ?? '').split('/').at(-1);
  const c = fakeCredentials;
  res.writeHead(200, { 'content-type': 'text/xml' });
  res.end(`<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<AssumeRoleWithWebIdentityResult>
<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/${role}/${form.get('RoleSessionName')}</Arn><AssumedRoleId>AROAFAKE:x</AssumedRoleId></AssumedRoleUser>
<Credentials><AccessKeyId>${c.accessKeyId}</AccessKeyId><SecretAccessKey>${c.secretAccessKey}</SecretAccessKey><SessionToken>${c.sessionToken}</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>
<Audience>sts.amazonaws.com</Audience>
</AssumeRoleWithWebIdentityResult>
<ResponseMetadata><RequestId>fake-request</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`);
}

function configuration(name: string, sha: string) {
  return {
    FunctionName: name,
    FunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
    Runtime: 'nodejs22.x',
    Handler: 'index.handler',
    CodeSha256: sha,
    Version: '$LATEST',
    State: 'Active',
    LastUpdateStatus: 'Successful',
  };
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function lambdaError(res: ServerResponse, status: number, type: string, message: string) {
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
  res.end(JSON.stringify({ Type: 'User', message }));
}
