import { buildApp } from 'fauxqs';
import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { EmulatorStartError } from './errors.js';
import { s3RequestKind, signingKeyOf, type S3RequestKind, type S3RequestShape } from './s3RequestKind.js';
import { createSqsRequestCounter, type SqsRequestCounter, type SqsRequestCounts } from './sqsRequestCount.js';

// dynalite and its LevelDB are CommonJS.
const require = createRequire(import.meta.url);

interface DynaliteOptions {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
  path?: string;
}
type Dynalite = (options: DynaliteOptions) => Server;
interface LevelDatabase {
  open(): Promise<void>;
  close(): Promise<void>;
}
type LevelConstructor = new (path: string) => LevelDatabase;

/** Every emulator listens here only: they accept any credentials, so they must not face the network. */
export const loopbackHost = '127.0.0.1';

export interface EmulatorOptions {
  /** Keep DynamoDB's data in `<dataDir>/dynamodb` across restarts; in memory when absent. */
  readonly dataDir?: string;
  /** Fixed ports; 0 (the default) takes any free one. */
  readonly dynamoPort?: number;
  readonly sqsPort?: number;
}

/** S3 requests an emulator answered, by the access key that signed them, then by operation. */
export type S3RequestCounts = ReadonlyMap<string, Readonly<Partial<Record<S3RequestKind, number>>>>;

/**
 * Running emulators. fauxqs keeps its queues, buckets and objects in memory only: recreate them after a
 * restart (only DynamoDB has a data directory).
 */
export interface Emulators {
  readonly dynamoEndpoint: string;
  readonly sqsEndpoint: string;
  /**
   * S3, path-style only (`http://127.0.0.1:port/bucket/key`): fauxqs serves it on the same port as SQS, told
   * apart by the request (SQS POSTs JSON to `/`).
   */
  readonly s3Endpoint: string;
  /** Every S3 request answered so far, by signing access key and operation (for usage counts). */
  s3Requests(): S3RequestCounts;
  /** The SQS requests signed with `accessKey` so far, as SQS bills them (for usage counts). */
  sqsRequests(accessKey: string): SqsRequestCounts;
  /** The same, per calling function. */
  sqsRequestsByFunction(accessKey: string): ReadonlyMap<string, SqsRequestCounts>;
  /** Closes both servers and frees their ports; safe to call more than once. */
  stop(): Promise<void>;
}

interface RunningServer {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts dynalite (DynamoDB) and fauxqs (SQS and S3) in this process on loopback ports. A busy port or an
 * unusable data directory fails with an {@link EmulatorStartError} that says which, and leaves nothing
 * running.
 */
export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  const dynamo = await startDynalite(options.dataDir, options.dynamoPort ?? 0);
  let sqs: RunningServer;
  const s3Requests = new Map<string, Partial<Record<S3RequestKind, number>>>();
  const sqsCounter = createSqsRequestCounter();
  try {
    sqs = await startFauxqs(options.sqsPort ?? 0, s3Requests, sqsCounter);
  } catch (error) {
    await dynamo.stop();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    dynamoEndpoint: dynamo.endpoint,
    sqsEndpoint: sqs.endpoint,
    s3Endpoint: sqs.endpoint,
    s3Requests: () => new Map([...s3Requests].map(([key, kinds]) => [key, { ...kinds }])),
    sqsRequests: (accessKey) => sqsCounter.counts(accessKey),
    sqsRequestsByFunction: (accessKey) => sqsCounter.countsByFunction(accessKey),
    stop: () => (stopping ??= Promise.all([dynamo.stop(), sqs.stop()]).then(() => undefined)),
  };
}

async function startDynalite(dataDir: string | undefined, port: number): Promise<RunningServer> {
  const path = dataDir === undefined ? undefined : await prepareDataDir(dataDir);
  // dynalite opens its database as soon as it is built and cannot close it if listen fails, so the port is
  // checked first: a failed start must not leave the data directory locked.
  if (port !== 0) await ensurePortFree('dynalite', port);
  const dynalite = require('dynalite') as Dynalite;
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(path === undefined ? {} : { path }),
  });
  const actualPort = await listen(server, port);
  return {
    endpoint: `http://${loopbackHost}:${actualPort}`,
    stop: () => closeServer(server),
  };
}

async function startFauxqs(
  port: number,
  s3Requests: Map<string, Partial<Record<S3RequestKind, number>>>,
  sqsCounter: SqsRequestCounter,
): Promise<RunningServer> {
  // fauxqs' own startFauxqs() binds 0.0.0.0; building the app and listening ourselves keeps it on loopback.
  const app = buildApp({ logger: false });
  // Counted as they arrive, refused ones included: S3 bills a request whatever it answers.
  app.addHook('onRequest', async (request: S3RequestShape) => {
    const kind = s3RequestKind(request);
    if (kind === undefined) return;
    const signer = signingKeyOf(request.headers);
    const counts = s3Requests.get(signer) ?? {};
    counts[kind] = (counts[kind] ?? 0) + 1;
    s3Requests.set(signer, counts);
  });
  // SQS requests with their answer (a receive is billed by the messages it returns).
  app.addHook('onSend', sqsCounter.onSend);
  try {
    await app.listen({ port, host: loopbackHost });
  } catch (error) {
    await app.close();
    throw new EmulatorStartError('fauxqs', describeListenError(error, port), { cause: error });
  }
  const { port: actualPort } = app.server.address() as AddressInfo;
  return {
    endpoint: `http://${loopbackHost}:${actualPort}`,
    stop: async () => {
      await app.close();
    },
  };
}

/**
 * Makes sure `<dataDir>/dynamodb` can hold a LevelDB database that no other process holds: LevelDB takes a
 * lock, and dynalite meeting a locked database crashes the process with an unrelated iterator error.
 */
async function prepareDataDir(dataDir: string): Promise<string> {
  const path = join(dataDir, 'dynamodb');
  const unusable = (reason: string, cause?: unknown) =>
    new EmulatorStartError('dynalite', `data directory ${dataDir} is unusable: ${reason}`, { cause });
  try {
    await mkdir(path, { recursive: true });
    if (!(await stat(path)).isDirectory()) throw unusable(`${path} is not a directory`);
    await access(path, constants.R_OK | constants.W_OK);
  } catch (error) {
    if (error instanceof EmulatorStartError) throw error;
    throw unusable(error instanceof Error ? error.message : String(error), error);
  }
  const { Level } = require(require.resolve('level', { paths: [require.resolve('dynalite')] })) as {
    Level: LevelConstructor;
  };
  const database = new Level(path);
  try {
    await database.open();
  } catch (error) {
    const detail =
      error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    const reason = /lock/i.test(detail) ? `another emulator is using it (${detail})` : detail;
    throw unusable(reason, error);
  }
  await database.close();
  return path;
}

async function ensurePortFree(emulator: string, port: number): Promise<void> {
  const probe = createServer();
  await listen(probe, port).catch((error: unknown) => {
    throw new EmulatorStartError(emulator, describeListenError(error, port), { cause: error });
  });
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}

function listen(server: Server | ReturnType<typeof createServer>, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, loopbackHost, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Keep-alive sockets of SDK clients would otherwise hold the port until they time out.
    server.closeAllConnections();
  });
}

function describeListenError(error: unknown, port: number): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return `port ${port} on ${loopbackHost} is already in use`;
  if (code === 'EACCES') return `no permission to listen on port ${port}`;
  return error instanceof Error ? error.message : String(error);
}
