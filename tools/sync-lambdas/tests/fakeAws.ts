import type { ServerResponse } from 'node:http';
import {
  answerLambda,
  answerNull,
  type FakeFaults,
  type FakeFunction,
  fakeFunction,
  type FakeInvoker,
  type FakeLambdaState,
} from './fakeLambda.js';
import { listen, type LocalServer } from './listen.js';

export { answerNull, fakeFunction };
export type { FakeCode, FakeFunction, FakeInvocation, FakeInvoker } from './fakeLambda.js';

/** Secrets the fake STS hands out, so tests can look for them in the output. */
export const fakeCredentials = {
  accessKeyId: 'ASIAFAKEACCESSKEY0001',
  secretAccessKey: 'fakeSecretAccessKey/abcdefghijklmnopqrstuv',
  sessionToken: 'FakeSessionTokenValue+0123456789abcdefghij==',
} as const;

/**
 * A just-enough STS (query protocol, XML), Lambda (REST JSON) and CloudWatch (JSON 1.0) for a sync run end
 * to end, with every call recorded as `Operation name[:qualifier][ detail]`.
 */
export interface FakeAws extends LocalServer, FakeLambdaState {
  /** `name:version` -> the `Errors` CloudWatch reports for that version behind an alias. */
  errors: Map<string, number>;
  /** The version an alias of a function serves now. */
  aliasVersion(name: string, alias?: string): string | undefined;
}

/**
 * Starts the fake. STS accepts only `expectedToken`; Lambda serves the functions in `initial` (name ->
 * deployed sha256, each with version 1 and the alias `live` on it, as tools/infra leaves them) and answers
 * invocations with `invoke` (by default: `null`, a handler that returns nothing).
 */
export async function startFakeAws(
  expectedToken: string,
  initial: Record<string, string | FakeFunction>,
  invoke: FakeInvoker = answerNull,
): Promise<FakeAws> {
  const functions = new Map(
    Object.entries(initial).map(([name, fn]) => [name, typeof fn === 'string' ? fakeFunction(fn) : fn]),
  );
  const calls: string[] = [];
  const faults: FakeFaults = { conflictingUpdates: 0, throttledInvocations: 0 };
  const errors = new Map<string, number>();
  const state: FakeLambdaState = { functions, calls, faults, invoke };
  const server = await listen((req, res, body) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const target = String(req.headers['x-amz-target'] ?? '');
    if (req.method === 'POST' && url.pathname === '/' && target.startsWith('GraniteServiceVersion20100801.'))
      return answerCloudWatch(res, target, body, errors, calls);
    if (req.method === 'POST' && url.pathname === '/')
      return answerSts(res, new URLSearchParams(body), expectedToken, calls);
    answerLambda(state, req.method ?? 'GET', url, body, res).then(
      (handled) => {
        if (!handled) json(res, 400, { message: `unsupported ${req.method} ${url.pathname}` });
      },
      (error: unknown) => json(res, 500, { message: String(error) }),
    );
  });
  return Object.assign(state, server, {
    errors,
    aliasVersion: (name: string, alias = 'live') => functions.get(name)?.aliases.get(alias)?.version,
  });
}

interface MetricQuery {
  MetricDataQueries: {
    Id: string;
    MetricStat: { Metric: { MetricName: string; Dimensions: { Name: string; Value: string }[] } };
  }[];
}

function answerCloudWatch(
  res: ServerResponse,
  target: string,
  body: string,
  errors: Map<string, number>,
  calls: string[],
) {
  const operation = target.split('.')[1];
  if (operation !== 'GetMetricData') return json(res, 400, { __type: 'InvalidAction', message: target });
  const query = JSON.parse(body) as MetricQuery;
  const results = query.MetricDataQueries.map(({ Id, MetricStat }) => {
    const dims = Object.fromEntries(MetricStat.Metric.Dimensions.map((d) => [d.Name, d.Value]));
    calls.push(`GetMetricData ${dims.Resource} ${dims.ExecutedVersion} ${MetricStat.Metric.MetricName}`);
    const count = errors.get(`${dims.FunctionName}:${dims.ExecutedVersion}`) ?? 0;
    const at = Math.floor(Date.now() / 1000);
    return { Id, Label: MetricStat.Metric.MetricName, StatusCode: 'Complete', ...series(count, at) };
  });
  res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
  res.end(JSON.stringify({ MetricDataResults: results, Messages: [] }));
}

// CloudWatch leaves out the minutes without data points: no errors is an empty series, not a zero.
function series(count: number, at: number) {
  return count > 0 ? { Timestamps: [at], Values: [count] } : { Timestamps: [], Values: [] };
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

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
