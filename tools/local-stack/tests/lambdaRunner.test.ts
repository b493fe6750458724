import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InvocationError } from '../src/errors.js';
import { createLambdaRunner, type LambdaRunner } from '../src/lambdaRunner.js';
import { temporaryDir } from './helpers.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A function bundle like the built ones: an `index.mjs` exporting `handler`, with init code at module scope. */
const handlerSource = `
const initPid = process.pid;
export const handler = async (event, context) => {
  if (event.fail) throw new TypeError('asked to fail');
  if (event.sleepMs) await new Promise((resolve) => setTimeout(resolve, event.sleepMs));
  console.log(JSON.stringify({ level: 'INFO', message: 'handled' }));
  return {
    echo: event,
    initPid,
    remaining: context.getRemainingTimeInMillis(),
    table: process.env.TABLE_NAME,
    execArgv: process.execArgv,
  };
};
`;

async function runner(): Promise<{ runner: LambdaRunner; lines: string[] }> {
  const { dir, remove } = await temporaryDir();
  cleanups.push(remove);
  await writeFile(join(dir, 'index.mjs'), handlerSource);
  const lines: string[] = [];
  const created = createLambdaRunner({
    name: 'probe',
    codeDir: dir,
    env: { TABLE_NAME: 'gapless' },
    timeoutMs: 5_000,
    maxConcurrency: 1,
    onOutput: (line) => lines.push(line),
  });
  cleanups.push(() => created.stop());
  return { runner: created, lines };
}

describe('createLambdaRunner', () => {
  it('loads the bundle once and serves invocations with a Lambda-like context and environment', async () => {
    // Prepare
    const { runner: probe, lines } = await runner();

    // Act
    const first = (await probe.invoke({ n: 1 })) as { initPid: number; remaining: number; table: string };
    const second = (await probe.invoke({ n: 2 })) as { initPid: number; echo: unknown };

    // Assess
    expect(first.table).toBe('gapless');
    expect(first.remaining).toBeGreaterThan(3_000);
    expect(first.remaining).toBeLessThanOrEqual(5_000);
    expect(second.echo).toEqual({ n: 2 });
    expect(second.initPid).toBe(first.initPid);
    expect(probe.stats()).toMatchObject({ invocations: 2, coldStarts: 1 });
    expect(lines).toContain('{"level":"INFO","message":"handled"}');
  });

  it('runs the host on plain node: no TypeScript loader is started or hooks the bundle', async () => {
    // Prepare
    const { runner: probe } = await runner();

    // Act
    const result = (await probe.invoke({})) as { execArgv: string[] };

    // Assess
    expect(result.execArgv).toEqual([]);
  });

  it('reports a handler error without losing the environment', async () => {
    // Prepare
    const { runner: probe } = await runner();

    // Act
    const failure = await probe.invoke({ fail: true }).catch((error: unknown) => error);
    await probe.invoke({});

    // Assess
    expect(failure).toBeInstanceOf(InvocationError);
    expect((failure as InvocationError).kind).toBe('error');
    expect((failure as Error).message).toContain('TypeError: asked to fail');
    expect(probe.stats()).toMatchObject({ coldStarts: 1, errors: 1 });
  });

  it('a host killed mid-invocation fails that invocation, and the next one cold-starts a new host', async () => {
    // Prepare
    const { runner: probe } = await runner();
    const before = (await probe.invoke({})) as { initPid: number };

    // Act
    const crash = await probe
      .invoke({ sleepMs: 2_000 }, { crashAfterMs: 50 })
      .catch((error: unknown) => error);
    const after = (await probe.invoke({})) as { initPid: number };

    // Assess
    expect((crash as InvocationError).kind).toBe('crash');
    expect(after.initPid).not.toBe(before.initPid);
    expect(probe.stats()).toMatchObject({ coldStarts: 2, crashes: 1 });
  });
});

describe('createLambdaRunner: what Lambda would bill', () => {
  it('times each invocation and each INIT, rounded up to the millisecond, ', async () => {
    // Prepare
    const { runner: probe } = await runner();

    // Act: one cold start, two invocations, one of them sleeping 150 ms.
    await probe.invoke({ n: 1 });
    await probe.invoke({ sleepMs: 150 });
    const usage = probe.usage();

    // Assess
    expect(usage.invocations).toBe(2);
    expect(usage.coldStarts).toBe(1);
    expect(usage.billedMs).toBeGreaterThanOrEqual(150 + 1);
    expect(Number.isInteger(usage.billedMs)).toBe(true);
    expect(usage.initBilledMs).toBeGreaterThanOrEqual(1);
  });
});
