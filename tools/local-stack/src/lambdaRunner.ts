import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { billedMs } from '@gapless/cost';
import { unzipSync } from 'fflate';
import { compileHost } from './compileHost.js';
import { InvocationError } from './errors.js';
import type { HostReply, SerializedError } from './hostProtocol.js';

export interface LambdaRunnerOptions {
  /** The function's name (`scraper`), as Lambda would call it. */
  readonly name: string;
  /** A directory holding the unzipped bundle (`index.mjs`); see {@link extractZip}. */
  readonly codeDir: string;
  /** The function's environment; nothing of the parent's leaks in except `PATH`. */
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** Execution environments that may run at once (Lambda's concurrency for this function). */
  readonly maxConcurrency: number;
  /** Receives every line the function writes to stdout or stderr (its log stream). */
  readonly onOutput: (line: string) => void;
}

export interface InvokeOptions {
  /** Chaos: kill the host this long after the invocation starts, as a crash mid-batch would. */
  readonly crashAfterMs?: number;
}

export interface LambdaRunnerStats {
  readonly invocations: number;
  readonly coldStarts: number;
  readonly crashes: number;
  readonly errors: number;
}

/**
 * What the function's invocations would be billed for on Lambda, as timed here: each invocation from the
 * event sent to the answer (or the crash, or the timeout) in its host, each INIT from the host's start to
 * its handler being ready (a failed init too), every time rounded up to the next millisecond.
 */
export interface LambdaRunnerUsage {
  readonly invocations: number;
  readonly billedMs: number;
  readonly coldStarts: number;
  readonly initBilledMs: number;
}

/** A function run from its built zip in child processes, one invocation per process at a time. */
export interface LambdaRunner {
  invoke(event: unknown, options?: InvokeOptions): Promise<unknown>;
  /** Invocations running now. */
  inFlight(): number;
  stats(): LambdaRunnerStats;
  usage(): LambdaRunnerUsage;
  /** Ends every host process (waiting for none of their invocations); safe to call twice. */
  stop(): Promise<void>;
}

interface Host {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  busy: boolean;
  alive: boolean;
  pending?: { id: number; settle: (reply: HostReply | Error) => void };
}

/** Unzips a Lambda bundle into `dir` (created if needed), as the Lambda service does before a cold start. */
export async function extractZip(zipPath: string, dir: string): Promise<void> {
  const entries = unzipSync(new Uint8Array(await readFile(zipPath)));
  for (const [name, bytes] of Object.entries(entries)) {
    if (name.endsWith('/')) continue;
    const target = join(dir, name);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, bytes);
  }
}

/**
 * Starts no host until the first invocation (the first one is a cold start); a host that crashed or timed
 * out is dropped and the next invocation starts a fresh one. With every host busy, invocations wait. The
 * host script is compiled at once, so that no invocation waits for it.
 */
export function createLambdaRunner(options: LambdaRunnerOptions): LambdaRunner {
  const hosts: Host[] = [];
  const waiters: (() => void)[] = [];
  const counts = { invocations: 0, coldStarts: 0, crashes: 0, errors: 0 };
  const billed = { invocations: 0, billedMs: 0, coldStarts: 0, initBilledMs: 0 };
  const timing: InvocationTiming = {
    invoked(ms) {
      billed.invocations += 1;
      billed.billedMs += billedMs(ms);
    },
    initialized(ms) {
      billed.coldStarts += 1;
      billed.initBilledMs += billedMs(ms);
    },
  };
  const compiled = compileHost();
  compiled.catch(() => {}); // reported by the invocations that need it
  let nextId = 1;
  let running = 0;
  let stopped = false;

  const acquire = async (): Promise<Host> => {
    const { script } = await compiled.catch((error: unknown) => {
      throw new InvocationError(options.name, 'init', 'the local lambda host could not be compiled', {
        cause: error,
      });
    });
    for (;;) {
      if (stopped) throw new InvocationError(options.name, 'crash', 'the local stack is stopping');
      const idle = hosts.find((host) => host.alive && !host.busy);
      if (idle) return claim(idle);
      if (hosts.filter((host) => host.alive).length < options.maxConcurrency) {
        counts.coldStarts += 1;
        const host = spawnHost(options, script, timing);
        hosts.push(host);
        return claim(host);
      }
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  const claim = (host: Host): Host => {
    host.busy = true;
    return host;
  };
  const release = (host: Host): void => {
    host.busy = false;
    if (!host.alive) hosts.splice(hosts.indexOf(host), 1);
    waiters.shift()?.();
  };

  return {
    async invoke(event, invokeOptions = {}) {
      counts.invocations += 1;
      running += 1;
      const host = await acquire().catch((error: unknown) => {
        running -= 1;
        throw error;
      });
      try {
        return await invokeOn(host, options, nextId++, event, invokeOptions, timing);
      } catch (error) {
        if (error instanceof InvocationError && error.kind !== 'error') counts.crashes += 1;
        else counts.errors += 1;
        throw error;
      } finally {
        running -= 1;
        release(host);
      }
    },
    inFlight: () => running,
    stats: () => ({ ...counts }),
    usage: () => ({ ...billed }),
    async stop() {
      stopped = true;
      waiters.splice(0).forEach((wake) => wake());
      await Promise.all(hosts.map((host) => endHost(host)));
      await compiled.then(
        (host) => host.remove(),
        () => {},
      );
    },
  };
}

/** Where the hosts report how long each INIT and each invocation took, in milliseconds. */
interface InvocationTiming {
  invoked(ms: number): void;
  initialized(ms: number): void;
}

function spawnHost(options: LambdaRunnerOptions, script: string, timing: InvocationTiming): Host {
  const spawnedAt = performance.now();
  // Plain `node`, no loader: only the function's own bundle is imported, as in Lambda's runtime.
  const child = fork(script, [], {
    execArgv: [],
    env: {
      PATH: process.env.PATH ?? '',
      TZ: 'UTC',
      AWS_LAMBDA_FUNCTION_NAME: options.name,
      // Only the SDK's user agent changes (`app/<name>`): how the emulators' counters tell the functions apart.
      AWS_SDK_UA_APP_ID: options.name,
      LOCAL_LAMBDA_CODE_DIR: options.codeDir,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', options.onOutput);
  }
  let markReady: () => void = () => {};
  let failInit: (error: Error) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failInit = reject;
  });
  ready.catch(() => {}); // observed by the invocation that waits on it
  const host: Host = { child, ready, busy: false, alive: true };
  child.on('message', (reply: HostReply) => {
    if (reply.type === 'ready') {
      timing.initialized(performance.now() - spawnedAt);
      markReady();
    } else if (reply.type === 'init-error') {
      timing.initialized(performance.now() - spawnedAt);
      failInit(toInvocationError(options.name, 'init', reply.error));
      // Lambda retries a failed init on the next invocation, in a fresh environment.
      child.kill('SIGKILL');
    } else if (host.pending?.id === reply.id) host.pending.settle(reply);
  });
  child.on('exit', (code, signal) => {
    host.alive = false;
    const reason = new InvocationError(
      options.name,
      'crash',
      `host process exited (${signal ?? `code ${code}`})`,
    );
    failInit(reason);
    host.pending?.settle(reason);
  });
  child.on('error', () => {}); // an exit follows and reports it
  return host;
}

async function invokeOn(
  host: Host,
  options: LambdaRunnerOptions,
  id: number,
  event: unknown,
  invokeOptions: InvokeOptions,
  timing: InvocationTiming,
): Promise<unknown> {
  await host.ready;
  const deadline = Date.now() + options.timeoutMs;
  const started = performance.now();
  const reply = await new Promise<HostReply | Error>((resolve) => {
    const timers: NodeJS.Timeout[] = [];
    host.pending = {
      id,
      settle: (settled) => {
        timers.forEach(clearTimeout);
        host.pending = undefined;
        resolve(settled);
      },
    };
    timers.push(
      setTimeout(() => {
        host.pending?.settle(
          new InvocationError(options.name, 'timeout', `ran past ${options.timeoutMs} ms`),
        );
        host.child.kill('SIGKILL');
      }, options.timeoutMs + 250),
    );
    if (invokeOptions.crashAfterMs !== undefined) {
      timers.push(setTimeout(() => host.child.kill('SIGKILL'), invokeOptions.crashAfterMs));
    }
    host.child.send({ type: 'invoke', id, requestId: randomUUID(), event, deadline });
  });
  timing.invoked(performance.now() - started);
  if (reply instanceof Error) throw reply;
  if (reply.type === 'error') throw toInvocationError(options.name, 'error', reply.error);
  if (reply.type === 'result') return reply.result;
  throw new InvocationError(options.name, 'crash', `unexpected reply ${reply.type}`);
}

function toInvocationError(
  name: string,
  kind: InvocationError['kind'],
  error: SerializedError,
): InvocationError {
  const cause = Object.assign(new Error(error.message), { name: error.name, stack: error.stack });
  return new InvocationError(name, kind, `${error.name}: ${error.message}`, { cause });
}

async function endHost(host: Host): Promise<void> {
  if (!host.alive) return;
  const exited = new Promise<void>((resolve) => host.child.once('exit', () => resolve()));
  if (host.child.connected) host.child.disconnect();
  const killer = setTimeout(() => host.child.kill('SIGKILL'), 2_000);
  await exited;
  clearTimeout(killer);
}
