import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnCli } from './cliProcess.js';
import { temporaryDir } from './helpers.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Resolves once `read()` matches `pattern`, polling; rejects after `timeoutMs`. */
async function waitFor(read: () => string, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(read());
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; got:\n${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

describe('Ctrl-C', () => {
  it('stops a run cleanly: exit code 130, emulators stopped, ports free', async () => {
    // Prepare
    const { dir, remove } = await temporaryDir();
    cleanups.push(remove);
    // The whole default catalog from 1980 (about 40,000 dates): long enough to be interrupted in the middle.
    // From the catalog's 2015 start the cycles took about 1.2 s here, less than the wait below.
    const cli = spawnCli([
      '--from',
      '1980-01-01',
      '--report',
      join(dir, 'report.html'),
      '--log',
      join(dir, 'functions.log'),
    ]);
    cleanups.push(async () => cli.child.kill('SIGKILL'));
    const up = await waitFor(
      () => cli.output.stderr,
      /DynamoDB http:\/\/127\.0\.0\.1:(\d+) \(functions via http:\/\/127\.0\.0\.1:(\d+)\), SQS http:\/\/127\.0\.0\.1:(\d+)/,
      40_000,
    );
    const ports = [up[1], up[2], up[3]].map(Number);
    await new Promise((resolve) => setTimeout(resolve, 500));

    // Act
    cli.child.kill('SIGINT');
    const code = await cli.exited;

    // Assess
    expect(code, cli.output.stderr).toBe(130);
    expect(cli.output.stderr).toContain('stopping: waiting for running invocations');
    for (const port of ports) expect(await portIsFree(port), `port ${port}`).toBe(true);
  }, 60_000);
});
