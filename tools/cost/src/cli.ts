/**
 * `npm run cost`: what a backfill and a month of steady state cost on AWS for a catalog, measured through the
 * local stack beside the naive design and priced at a region's list prices.
 */
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { costUsage, parseCostCli, type CostCliOptions } from './cliArgs.js';
import { deployment } from './deployment.js';
import { CliUsageError, CostError } from './errors.js';
import { estimateCost } from './estimate.js';
import { formatEstimate } from './formatEstimate.js';
import { processRunner, type LocalRunner } from './localRun.js';
import { buildNaiveDist } from './naiveBundle.js';
import { loadPriceTable } from './priceTable.js';

/** Exit codes: 0 done, 1 failed, 2 bad usage. */
export const ExitCode = { Ok: 0, Failed: 1, Usage: 2 } as const;

export interface CostIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly cwd: string;
  /** The local stack runs; a child process of the local stack's CLI unless a test gives another. */
  readonly runner?: LocalRunner;
  readonly now?: Date;
}

const distDir = fileURLToPath(new URL('../../../dist/apps', import.meta.url));

/** Runs one command line; returns the exit code instead of exiting, so tests can call it in-process. */
export async function main(argv: readonly string[], io: CostIo): Promise<number> {
  let command;
  try {
    command = parseCostCli(argv, io.cwd);
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    io.err(`${error.message}\n\n${costUsage}`);
    return ExitCode.Usage;
  }
  if (command.kind === 'help') {
    io.out(costUsage);
    return ExitCode.Ok;
  }
  try {
    return await estimate(command.options, io);
  } catch (error) {
    io.err(
      `${error instanceof CostError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return error instanceof CliUsageError ? ExitCode.Usage : ExitCode.Failed;
  }
}

async function estimate(options: CostCliOptions, io: CostIo): Promise<number> {
  const prices = loadPriceTable(options.region);
  await access(join(distDir, 'scraper', 'scraper.zip')).catch(() => {
    throw new CostError(
      `${distDir} has no built functions: run npm run cost (it builds them) or npx nx run-many -t build`,
    );
  });
  const workDir = await mkdtemp(join(tmpdir(), 'gapless-cost-'));
  try {
    io.err("building the naive design's functions\n");
    const naiveDistDir = await buildNaiveDist(join(workDir, 'naive-dist'), distDir);
    const doc = await estimateCost({
      ...(options.series === undefined ? {} : { series: options.series }),
      ...(options.catalogFile === undefined ? {} : { catalogFile: options.catalogFile }),
      years: options.years,
      sampleSeries: options.sampleSeries,
      windowDays: options.windowDays,
      prices,
      deployment,
      distDir,
      naiveDistDir,
      workDir,
      runner: io.runner ?? processRunner(),
      progress: (line) => io.err(`${line}\n`),
      now: io.now ?? new Date(),
    });
    io.out(options.json ? `${JSON.stringify(doc, null, 2)}\n` : formatEstimate(doc));
    return ExitCode.Ok;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

const isEntryPoint =
  process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isEntryPoint) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  main(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    cwd: process.cwd(),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = ExitCode.Failed;
    },
  );
}
