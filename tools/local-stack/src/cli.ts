/**
 * `npm start`: the local stack's command line. Runs the pipeline locally (`run`, the default), creates the
 * resources on an endpoint (`setup`), prints or checks the catalog (`catalog`), or lists and releases
 * quarantined dates (`quarantine`).
 */
import { EmulatorStartError, LocalStackError, ResourceMismatchError, UsageError } from './errors.js';
import { parseCli, usage, type CliCommand, type RunCliOptions } from './cliArgs.js';
import { catalogInForce, catalogJson, catalogTable, checkCatalogFile } from './catalogCommand.js';
import { formatSummary } from './formatSummary.js';
import { createProgressBar } from './progressBar.js';
import { listQuarantine, releaseQuarantine } from './quarantineCommand.js';
import { runLocalPipeline, type LocalPipelineResult } from './runLocalPipeline.js';
import type { RunSummary } from './runSummary.js';
import { setupResources } from './setupCommand.js';
import { writeReport } from './writeReport.js';

/** Exit codes: 0 done, 1 failed, 2 bad usage, 130 stopped by Ctrl-C (as shells report SIGINT). */
export const ExitCode = { Ok: 0, Failed: 1, Usage: 2, Interrupted: 130 } as const;

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Aborted on Ctrl-C. */
  readonly signal?: AbortSignal;
}

/** Runs one command line; returns the exit code instead of exiting, so tests can call it in-process. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let command: CliCommand;
  try {
    command = parseCli(argv, io.cwd);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`${error.message}\n\n${usage}`);
    return ExitCode.Usage;
  }
  try {
    return await dispatch(command, io);
  } catch (error) {
    io.err(`${describeFailure(error)}\n`);
    return error instanceof UsageError ? ExitCode.Usage : ExitCode.Failed;
  }
}

async function dispatch(command: CliCommand, io: CliIo): Promise<number> {
  switch (command.kind) {
    case 'help':
      io.out(usage);
      return ExitCode.Ok;
    case 'setup': {
      const resources = await setupResources(command.tableName, io.env);
      io.out(
        `table ${resources.tableName} ready (TTL ${resources.timeToLive})\n` +
          `work queue ${resources.queueUrl}\ndead-letter queue ${resources.deadLetterQueueUrl}\n` +
          (resources.buckets
            ? `ingest bucket ${resources.buckets.ingest}\nlake bucket ${resources.buckets.lake}\n`
            : 'no buckets: no S3 endpoint is set (deployed buckets come from the infrastructure)\n'),
      );
      return ExitCode.Ok;
    }
    case 'catalog': {
      if (command.check !== undefined) {
        const checked = await checkCatalogFile(command.check, io.cwd);
        io.out(`${command.check}: ${checked.length} series, valid\n`);
        return ExitCode.Ok;
      }
      const { origin, catalog } = catalogInForce(io.env);
      io.out(command.json ? catalogJson(catalog) : catalogTable(catalog, origin));
      return ExitCode.Ok;
    }
    case 'quarantine-list': {
      const where = {
        tableName: command.tableName,
        env: io.env,
        ...(command.dataDir ? { dataDir: command.dataDir } : {}),
      };
      const items = await listQuarantine(where, command.series);
      if (command.json) io.out(`${JSON.stringify(items, null, 2)}\n`);
      else if (items.length === 0) io.out('no quarantined dates\n');
      else
        for (const item of items)
          io.out(
            `${item.infoType}\t${item.date}\t${item.status}\tretries ${item.retryCount}\t${item.lastError}\n`,
          );
      return ExitCode.Ok;
    }
    case 'quarantine-release': {
      const where = {
        tableName: command.tableName,
        env: io.env,
        ...(command.dataDir ? { dataDir: command.dataDir } : {}),
      };
      const released = await releaseQuarantine(where, command.series, command.range);
      io.out(`released ${released.length} date(s) of ${command.series}; the next run retries them\n`);
      return ExitCode.Ok;
    }
    case 'run':
      return run(command.options, io);
  }
}

async function run(options: RunCliOptions, io: CliIo): Promise<number> {
  const talk = !options.json && !options.quiet;
  if (options.pipeline.source === 'live' && !options.json) {
    io.err(
      '--source live: the scraper downloads from the real BCB APIs (api.bcb.gov.br, olinda.bcb.gov.br) over the internet\n',
    );
  }
  const bar = talk && !options.verbose && process.stderr.isTTY ? createProgressBar() : undefined;
  let result: LocalPipelineResult;
  try {
    result = await runLocalPipeline({
      ...options.pipeline,
      ...(io.signal ? { signal: io.signal } : {}),
      ...(options.verbose ? { echoLog: (line: string) => io.err(`${line}\n`) } : {}),
      ...(bar ? { onProgress: (progress) => bar.update(progress) } : {}),
      beforeCycles: async (stack) => {
        if (talk) {
          io.err(
            `local stack up: DynamoDB ${stack.endpoints.dynamoDirect} (functions via ${stack.endpoints.dynamo}), ` +
              `SQS ${stack.endpoints.sqs} (and S3); functions log: ${options.pipeline.logPath ?? '(none)'}\n`,
          );
        }
      },
    });
  } finally {
    bar?.stop();
  }
  const summary = await writeReport(toRunSummary(result), options.reportPath);
  if (options.json) io.out(`${JSON.stringify(summary)}\n`);
  else {
    io.out(`${formatSummary(summary)}\n\nReport: ${summary.reportPath} (open it in a browser)\n`);
    if (result.functionErrors.length > 0) {
      const shown = result.functionErrors.slice(-5).map((line) => `  ${line}`);
      io.err(
        `the functions logged errors (last ${shown.length}; all in ${options.pipeline.logPath ?? 'the log'}):\n${shown.join('\n')}\n`,
      );
    }
    if (result.interrupted) io.err('stopped by Ctrl-C; the emulators are stopped and their ports freed\n');
  }
  return result.interrupted ? ExitCode.Interrupted : ExitCode.Ok;
}

/** The stable RunSummary part of a result (the rest is for tests). */
function toRunSummary(result: LocalPipelineResult): RunSummary {
  const { startedAt, finishedAt, durationMs, cycles, converged, options, series, totals, quarantine } =
    result;
  return {
    startedAt,
    finishedAt,
    durationMs,
    cycles,
    converged,
    options,
    series,
    totals,
    quarantine,
    ...(result.ingest ? { ingest: result.ingest } : {}),
    ...(result.usage ? { usage: result.usage } : {}),
    ...(result.cost ? { cost: result.cost } : {}),
    ...(result.lakeExport ? { lakeExport: result.lakeExport } : {}),
  };
}

function describeFailure(error: unknown): string {
  if (error instanceof ResourceMismatchError) {
    return `refusing to touch ${error.resource}: it differs from the definition:\n  - ${error.differences.join('\n  - ')}`;
  }
  if (error instanceof EmulatorStartError)
    return `${error.message}\n(choose another --data-dir, or stop the other run)`;
  if (error instanceof LocalStackError) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** Ctrl-C (or SIGTERM) aborts the run; a second one exits at once. */
function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(ExitCode.Interrupted);
    process.stderr.write(
      '\nstopping: waiting for running invocations, then stopping the emulators (Ctrl-C again to force)\n',
    );
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return controller.signal;
}

const isEntryPoint =
  process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isEntryPoint) {
  // The SDK's note that its 2027 releases need Node 22 is true, and not news in every run.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const signal = interruptSignal();
  main(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    signal,
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
