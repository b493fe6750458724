import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/** One published version (or `$LATEST`): its code and the environment it was published with. */
export interface FakeCode {
  sha: string;
  /** The zip's bytes when it was uploaded through the fake; undefined for the initial stand-ins. */
  zip?: Uint8Array;
  environment: Record<string, string>;
  description: string;
}

/** An alias: the version it serves, its description and its revision (changes on every move). */
export interface FakeAlias {
  version: string;
  description: string;
  revisionId: string;
}

/** A function as the fake Lambda keeps it. */
export interface FakeFunction {
  latest: FakeCode;
  versions: Map<string, FakeCode>;
  aliases: Map<string, FakeAlias>;
}

/** What an invocation of a version gets, and what it answers (`functionError` as Lambda's header). */
export interface FakeInvocation {
  name: string;
  version: string;
  event: string;
  code: FakeCode;
}
export type FakeInvoker = (
  invocation: FakeInvocation,
) => Promise<{ payload: string; functionError?: string }>;

/** Faults to inject: the next N code updates conflict, the next N invocations are throttled. */
export interface FakeFaults {
  conflictingUpdates: number;
  throttledInvocations: number;
}

/** The state of the fake Lambda and the knobs tests turn. */
export interface FakeLambdaState {
  functions: Map<string, FakeFunction>;
  calls: string[];
  faults: FakeFaults;
  invoke: FakeInvoker;
}

/** A function whose `$LATEST` and version 1 hold `sha`, with the alias `live` on version 1 (as tools/infra leaves it). */
export function fakeFunction(sha: string, environment: Record<string, string> = {}): FakeFunction {
  const code = { sha, environment, description: '' };
  return {
    latest: { ...code },
    versions: new Map([['1', { ...code }]]),
    aliases: new Map([['live', { version: '1', description: '', revisionId: 'revision-1' }]]),
  };
}

/** Answers every invocation with `null`, as a handler returning nothing would. */
export const answerNull: FakeInvoker = async () => ({ payload: 'null' });

const arnOf = (name: string, qualifier?: string) =>
  `arn:aws:lambda:us-east-1:123456789012:function:${name}${qualifier === undefined ? '' : `:${qualifier}`}`;
let revisions = 1;

/**
 * Serves the Lambda REST API calls sync-lambdas makes (2015-03-31): configuration, code, versions, aliases
 * and invocations. Returns false when the path is not a Lambda one.
 */
export async function answerLambda(
  state: FakeLambdaState,
  method: string,
  url: URL,
  body: string,
  res: ServerResponse,
): Promise<boolean> {
  const match =
    /^\/2015-03-31\/functions\/([^/]+)\/(configuration|code|versions|invocations|aliases\/([^/]+))$/.exec(
      url.pathname,
    );
  if (match === null) return false;
  const name = decodeURIComponent(match[1] ?? '');
  const fn = state.functions.get(name);
  if (fn === undefined)
    return lambdaError(res, 404, 'ResourceNotFoundException', `Function not found: ${name}`);
  const qualifier = url.searchParams.get('Qualifier') ?? undefined;
  const route = `${method} ${match[2]?.startsWith('aliases/') ? 'alias' : match[2]}`;
  switch (route) {
    case 'GET configuration':
      state.calls.push(`GetFunctionConfiguration ${name}${qualifier === undefined ? '' : `:${qualifier}`}`);
      return answerConfiguration(res, name, fn, qualifier);
    case 'PUT code':
      return updateCode(state, res, name, fn, JSON.parse(body) as { ZipFile: string; DryRun?: boolean });
    case 'POST versions':
      state.calls.push(`PublishVersion ${name}`);
      return publish(res, name, fn, JSON.parse(body) as { CodeSha256?: string; Description?: string });
    case 'GET alias':
    case 'PUT alias':
      return answerAlias(state, method, res, name, fn, decodeURIComponent(match[3] ?? ''), body);
    case 'POST invocations':
      return invoke(state, res, name, fn, qualifier ?? '$LATEST', body);
    default:
      return lambdaError(res, 400, 'InvalidRequestContentException', `unsupported ${method} ${url.pathname}`);
  }
}

function resolve(
  fn: FakeFunction,
  qualifier: string | undefined,
): { version: string; code: FakeCode } | undefined {
  if (qualifier === undefined || qualifier === '$LATEST') return { version: '$LATEST', code: fn.latest };
  const version = fn.aliases.get(qualifier)?.version ?? qualifier;
  const code = fn.versions.get(version);
  return code === undefined ? undefined : { version, code };
}

function configuration(name: string, version: string, code: FakeCode, qualifier?: string) {
  return {
    FunctionName: name,
    FunctionArn: arnOf(name, qualifier),
    Runtime: 'nodejs22.x',
    Handler: 'index.handler',
    CodeSha256: code.sha,
    Version: version,
    Description: code.description,
    Environment: { Variables: code.environment },
    State: 'Active',
    LastUpdateStatus: 'Successful',
  };
}

function answerConfiguration(res: ServerResponse, name: string, fn: FakeFunction, qualifier?: string) {
  const resolved = resolve(fn, qualifier);
  if (resolved === undefined)
    return lambdaError(
      res,
      404,
      'ResourceNotFoundException',
      `Function not found: ${arnOf(name, qualifier)}`,
    );
  return json(res, 200, configuration(name, resolved.version, resolved.code, qualifier));
}

function updateCode(
  state: FakeLambdaState,
  res: ServerResponse,
  name: string,
  fn: FakeFunction,
  input: { ZipFile: string; DryRun?: boolean },
) {
  state.calls.push(`UpdateFunctionCode ${name}${input.DryRun ? ' DryRun' : ''}`);
  if (state.faults.conflictingUpdates > 0) {
    state.faults.conflictingUpdates -= 1;
    return lambdaError(res, 409, 'ResourceConflictException', `An update is in progress for ${arnOf(name)}`);
  }
  const zip = new Uint8Array(Buffer.from(input.ZipFile, 'base64'));
  const sha = createHash('sha256').update(zip).digest('base64');
  if (!input.DryRun) fn.latest = { ...fn.latest, sha, zip };
  return json(res, 200, configuration(name, '$LATEST', input.DryRun ? fn.latest : { ...fn.latest, sha }));
}

// Like Lambda: nothing changed since the last version, that version is answered instead of a new one.
function publish(
  res: ServerResponse,
  name: string,
  fn: FakeFunction,
  input: { CodeSha256?: string; Description?: string },
) {
  if (input.CodeSha256 !== undefined && input.CodeSha256 !== fn.latest.sha)
    return lambdaError(res, 412, 'PreconditionFailedException', 'CodeSha256 does not match $LATEST');
  const numbers = [...fn.versions.keys()].map(Number);
  const last = String(Math.max(0, ...numbers));
  const lastCode = fn.versions.get(last);
  const same =
    lastCode !== undefined &&
    lastCode.sha === fn.latest.sha &&
    JSON.stringify(lastCode.environment) === JSON.stringify(fn.latest.environment);
  const version = same ? last : String(Number(last) + 1);
  if (!same) fn.versions.set(version, { ...fn.latest, description: input.Description ?? '' });
  return json(res, 201, configuration(name, version, fn.versions.get(version) as FakeCode, version));
}

function answerAlias(
  state: FakeLambdaState,
  method: string,
  res: ServerResponse,
  name: string,
  fn: FakeFunction,
  aliasName: string,
  body: string,
) {
  const alias = fn.aliases.get(aliasName);
  if (method === 'GET') state.calls.push(`GetAlias ${name}:${aliasName}`);
  if (alias === undefined)
    return lambdaError(res, 404, 'ResourceNotFoundException', `Alias not found: ${arnOf(name, aliasName)}`);
  if (method === 'PUT') {
    const input = JSON.parse(body) as { FunctionVersion: string; Description?: string; RevisionId?: string };
    state.calls.push(`UpdateAlias ${name}:${aliasName} ${input.FunctionVersion}`);
    if (input.RevisionId !== undefined && input.RevisionId !== alias.revisionId)
      return lambdaError(res, 412, 'PreconditionFailedException', 'The RevisionId does not match the alias');
    if (!fn.versions.has(input.FunctionVersion))
      return lambdaError(
        res,
        404,
        'ResourceNotFoundException',
        `Version not found: ${input.FunctionVersion}`,
      );
    revisions += 1;
    Object.assign(alias, {
      version: input.FunctionVersion,
      description: input.Description ?? alias.description,
      revisionId: `revision-${revisions}`,
    });
  }
  return json(res, 200, {
    AliasArn: arnOf(name, aliasName),
    Name: aliasName,
    FunctionVersion: alias.version,
    Description: alias.description,
    RevisionId: alias.revisionId,
  });
}

async function invoke(
  state: FakeLambdaState,
  res: ServerResponse,
  name: string,
  fn: FakeFunction,
  qualifier: string,
  event: string,
) {
  state.calls.push(`Invoke ${name}:${qualifier}`);
  if (state.faults.throttledInvocations > 0) {
    state.faults.throttledInvocations -= 1;
    return lambdaError(res, 429, 'TooManyRequestsException', 'Rate Exceeded.', {
      Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
    });
  }
  const resolved = resolve(fn, qualifier);
  if (resolved === undefined)
    return lambdaError(
      res,
      404,
      'ResourceNotFoundException',
      `Function not found: ${arnOf(name, qualifier)}`,
    );
  const answer = await state.invoke({ name, version: resolved.version, event, code: resolved.code });
  res.writeHead(200, {
    'content-type': 'application/json',
    'x-amz-executed-version': resolved.version,
    ...(answer.functionError === undefined ? {} : { 'x-amz-function-error': answer.functionError }),
  });
  res.end(answer.payload);
  return true;
}

function json(res: ServerResponse, status: number, body: unknown): true {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
  return true;
}

function lambdaError(
  res: ServerResponse,
  status: number,
  type: string,
  message: string,
  extra: Record<string, string> = {},
): true {
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
  res.end(JSON.stringify({ Type: 'User', message, ...extra }));
  return true;
}
