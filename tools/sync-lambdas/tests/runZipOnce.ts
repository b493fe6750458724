import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { unzipSync } from 'fflate';

/** What one invocation answered: the handler's result as JSON, or Lambda's error payload and header. */
export interface ZipAnswer {
  payload: string;
  functionError?: 'Unhandled';
}

// The child imports the bundle (init: a throw here is an init failure, as in Lambda), calls `handler` once
// and writes its answer to file descriptor 3, apart from the function's own logs on stdout and stderr.
const runner = `
import { writeSync } from 'node:fs';
const reply = (answer) => writeSync(3, JSON.stringify(answer));
const failure = (error) => ({ error: { errorType: error?.name ?? 'Error', errorMessage: String(error?.message ?? error) } });
let code;
try {
  code = await import(process.argv[2]);
} catch (error) {
  reply(failure(error));
  process.exit(0);
}
const context = { functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, awsRequestId: 'smoke', getRemainingTimeInMillis: () => 30000 };
try {
  reply({ result: (await code.handler(JSON.parse(process.argv[3]), context)) ?? null });
} catch (error) {
  reply(failure(error));
}
process.exit(0);
`;

/**
 * Runs a built Lambda zip once, in a fresh Node process, with only `env` as its environment: unzip, import
 * `index.mjs`, call `handler(event)`. Answers as Lambda's Invoke would: the result, or an error payload with
 * `functionError`. The process is killed after `timeoutMs`.
 */
export async function runZipOnce(
  zip: Uint8Array,
  event: string,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<ZipAnswer & { logs: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'sync-lambdas-zip-'));
  try {
    for (const [name, bytes] of Object.entries(unzipSync(zip))) {
      if (!name.includes('/')) await writeFile(join(dir, name), bytes);
    }
    await writeFile(join(dir, 'runner.mjs'), runner);
    const child = spawn(
      process.execPath,
      [join(dir, 'runner.mjs'), pathToFileURL(join(dir, 'index.mjs')).href, event],
      { env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'], timeout: timeoutMs },
    );
    const chunks = { logs: [] as Buffer[], answer: [] as Buffer[] };
    child.stdout?.on('data', (chunk: Buffer) => chunks.logs.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => chunks.logs.push(chunk));
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => chunks.answer.push(chunk));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const logs = Buffer.concat(chunks.logs).toString('utf8');
    const text = Buffer.concat(chunks.answer).toString('utf8');
    if (text === '') {
      const errorMessage = `the process ended (status ${status}) without an answer`;
      return {
        payload: JSON.stringify({ errorType: 'Runtime.ExitError', errorMessage }),
        functionError: 'Unhandled',
        logs,
      };
    }
    const answer = JSON.parse(text) as { result?: unknown; error?: unknown };
    return 'error' in answer
      ? { payload: JSON.stringify(answer.error), functionError: 'Unhandled', logs }
      : { payload: JSON.stringify(answer.result), logs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
