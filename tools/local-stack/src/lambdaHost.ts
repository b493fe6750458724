/**
 * The child process side of a local Lambda: started by `lambdaRunner.ts` with the function's environment,
 * it imports the built `index.mjs` once (the cold start, init code included) and then serves invocations
 * over the IPC channel, one at a time, like one Lambda execution environment. Its stdout and stderr are the
 * function's log stream; the parent captures them.
 */
import { randomUUID } from 'node:crypto';
import dns from 'node:dns';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HostReply, HostRequest, SerializedError } from './hostProtocol.js';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

const codeDir = process.env.LOCAL_LAMBDA_CODE_DIR;
const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'function';
const memory = process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '256';

function send(reply: HostReply): void {
  process.send?.(reply);
}

function serialize(error: unknown): SerializedError {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  }
  return { name: 'Error', message: String(error) };
}

/** The parts of Lambda's context object the handlers (and Powertools) read. */
function contextFor(deadline: number, requestId: string) {
  const region = process.env.AWS_REGION ?? 'us-east-1';
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${functionName}`,
    memoryLimitInMB: memory,
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${process.pid}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

/**
 * `*.localhost` names the loopback (RFC 6761), and the SQS emulator's queue URLs use it; not every system
 * resolver knows that, so this environment's lookup does, as Lambda's own resolver would for its hosts.
 */
function resolveLocalhostNames(): void {
  const original = dns.lookup;
  const patched = (hostname: string, options: unknown, callback?: unknown) => {
    const done = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void;
    const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all;
    if (!hostname.endsWith('.localhost')) {
      return (original as (...args: unknown[]) => void)(hostname, options, callback);
    }
    if (all) done(null, [{ address: '127.0.0.1', family: 4 }]);
    else done(null, '127.0.0.1', 4);
  };
  dns.lookup = patched as typeof dns.lookup;
}

async function main(): Promise<void> {
  resolveLocalhostNames();
  if (codeDir === undefined) throw new Error('LOCAL_LAMBDA_CODE_DIR is required');
  let handler: Handler;
  try {
    const module = (await import(pathToFileURL(join(codeDir, 'index.mjs')).href)) as { handler?: unknown };
    if (typeof module.handler !== 'function') throw new Error('index.mjs does not export a handler function');
    handler = module.handler as Handler;
  } catch (error) {
    send({ type: 'init-error', error: serialize(error) });
    return;
  }
  // One invocation at a time, as in one execution environment: the runner never sends a second one before
  // the first answered, and a queue here keeps that true even if it did.
  let chain = Promise.resolve();
  process.on('message', (request: HostRequest) => {
    if (request.type !== 'invoke') return;
    chain = chain.then(() => invoke(handler, request));
  });
  send({ type: 'ready' });
}

async function invoke(handler: Handler, request: Extract<HostRequest, { type: 'invoke' }>): Promise<void> {
  const requestId = request.requestId || randomUUID();
  try {
    const result = await handler(request.event, contextFor(request.deadline, requestId));
    send({ type: 'result', id: request.id, result: result ?? null });
  } catch (error) {
    send({ type: 'error', id: request.id, error: serialize(error) });
  }
}

// The parent ends this process (disconnect, or a kill); Ctrl-C in a terminal reaches the whole process group,
// and the parent's orderly stop waits for the invocation running here.
process.on('SIGINT', () => {});
process.on('disconnect', () => process.exit(0));
main().catch((error: unknown) => {
  send({ type: 'init-error', error: serialize(error) });
});
