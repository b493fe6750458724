import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, Socket, type AddressInfo } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where `node tools/dynamodb-local/fetch.mjs` keeps the emulator (the same rule as that script). */
export function dynamoDbLocalDir(): string {
  const base =
    process.env['DYNAMODB_LOCAL_DIR'] ??
    join(homedir(), '.cache', 'gapless', 'amplify-dynamodb-simulator-2.9.30');
  return join(base, 'emulator');
}

export interface DynamoDbLocal {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts AWS's DynamoDB Local in memory, in its default mode (tables kept per access key and region, as
 * separate accounts would be), on a free loopback port, and waits until it accepts connections. Throws with
 * the command to run when the emulator is not in the cache (`npm test` fetches it first).
 */
export async function startDynamoDbLocal(): Promise<DynamoDbLocal> {
  const dir = dynamoDbLocalDir();
  if (!existsSync(join(dir, 'DynamoDBLocal.jar'))) {
    throw new Error(
      `DynamoDB Local is not in ${dir}: run \`node tools/dynamodb-local/fetch.mjs\` (npm test does)`,
    );
  }
  const port = await freePort();
  const child = spawn(
    'java',
    [
      `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
      '-jar',
      'DynamoDBLocal.jar',
      '-inMemory',
      '-port',
      String(port),
    ],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    await waitForPort(port, child, 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(
      `DynamoDB Local did not start: ${(error as Error).message}; stderr: ${stderr.slice(0, 500)}`,
    );
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`java exited with code ${child.exitCode}`);
    if (await accepts(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no connection on port ${port} after ${timeoutMs} ms`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}
