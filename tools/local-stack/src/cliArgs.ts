import { parseIsoDate } from '@gapless/pipeline-core';
import { priceRegions } from '@gapless/cost';
import { parseSimulatedFaults } from '@gapless/sources';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';
import { checkIngestFiles } from './ingestArgs.js';
import type { ChaosOptions, FaultRates, LocalPipelineOptions } from './runLocalPipeline.js';

/** What the command line asked for. */
export type CliCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'run'; readonly options: RunCliOptions }
  | { readonly kind: 'setup'; readonly tableName: string }
  | { readonly kind: 'catalog'; readonly json: boolean; readonly check?: string }
  | {
      readonly kind: 'quarantine-list';
      readonly series?: string;
      readonly dataDir?: string;
      readonly tableName: string;
      readonly json: boolean;
    }
  | {
      readonly kind: 'quarantine-release';
      readonly series: string;
      readonly range: { readonly from?: string; readonly to?: string };
      readonly dataDir?: string;
      readonly tableName: string;
    };

export interface RunCliOptions {
  readonly pipeline: LocalPipelineOptions;
  readonly quiet: boolean;
  readonly verbose: boolean;
  readonly json: boolean;
  readonly reportPath: string;
}

/** The full chaos mix of the chaos end-to-end test: about 30% source faults, 10% of each DynamoDB/SQS fault. */
const chaosMix: ChaosOptions = { unprocessedRate: 0.1, duplicateRate: 0.1, crashRate: 0.1 };
const faultNames = ['error', 'timeout', 'throttle', 'null', 'malformed'] as const;

const optionSpec = {
  help: { type: 'boolean', short: 'h' },
  source: { type: 'string' },
  faults: { type: 'string' },
  'fault-rate': { type: 'string' },
  chaos: { type: 'boolean' },
  series: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  date: { type: 'string' },
  all: { type: 'boolean' },
  'data-dir': { type: 'string' },
  cycles: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  verbose: { type: 'boolean', short: 'v' },
  json: { type: 'boolean' },
  report: { type: 'string' },
  log: { type: 'string' },
  'max-retries': { type: 'string' },
  seed: { type: 'string' },
  concurrency: { type: 'string' },
  table: { type: 'string' },
  check: { type: 'string' },
  ingest: { type: 'string', multiple: true },
  region: { type: 'string' },
  catalog: { type: 'string' },
  'dist-dir': { type: 'string' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof optionSpec; allowPositionals: true }>>['values'];

/** Parses argv (without node and the script); throws {@link UsageError} with a specific message. */
export function parseCli(argv: readonly string[], cwd = process.cwd()): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: optionSpec, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  const [command = 'run', sub, ...extra] = positionals;
  const tableName = values.table ?? process.env.TABLE_NAME ?? 'gapless';
  const dataDir = values['data-dir'] === undefined ? undefined : resolve(cwd, values['data-dir']);
  if (command === 'run') {
    refuseExtra([sub, ...extra]);
    return { kind: 'run', options: runOptions(values, cwd, dataDir) };
  }
  if (command === 'setup') {
    refuseExtra([sub, ...extra]);
    return { kind: 'setup', tableName };
  }
  if (command === 'catalog') {
    refuseExtra([sub, ...extra]);
    return {
      kind: 'catalog',
      json: values.json === true,
      ...(values.check === undefined ? {} : { check: values.check }),
    };
  }
  if (command !== 'quarantine')
    throw new UsageError(`unknown command "${command}" (run, setup, catalog, quarantine)`);
  refuseExtra(extra);
  const where = { tableName, ...(dataDir ? { dataDir } : {}) };
  if (sub === 'list') {
    return {
      kind: 'quarantine-list',
      ...where,
      json: values.json === true,
      ...(values.series ? { series: values.series } : {}),
    };
  }
  if (sub === 'release') return { kind: 'quarantine-release', ...where, ...releaseTarget(values) };
  throw new UsageError('quarantine needs a subcommand: list or release');
}

function refuseExtra(extra: readonly (string | undefined)[]): void {
  const unexpected = extra.filter((word) => word !== undefined);
  if (unexpected.length > 0) throw new UsageError(`unexpected argument(s): ${unexpected.join(' ')}`);
}

function runOptions(values: Values, cwd: string, dataDir: string | undefined): RunCliOptions {
  const source = values.source ?? 'simulated';
  if (source !== 'simulated' && source !== 'live') {
    throw new UsageError(`--source must be simulated or live, got "${source}"`);
  }
  if (values.from !== undefined) isoDate('--from', values.from);
  const faults = faultRates(values);
  const ingest = checkIngestFiles(values.ingest ?? [], cwd);
  const pipeline: LocalPipelineOptions = {
    source,
    ...(faults ? { faults } : {}),
    ...(values.chaos ? { chaos: chaosMix } : {}),
    ...(values.series
      ? {
          series: values.series
            .split(',')
            .map((name) => name.trim())
            .filter(Boolean),
        }
      : {}),
    ...(values.from ? { from: values.from } : {}),
    ...(dataDir ? { dataDir } : {}),
    ...(ingest.length > 0 ? { ingest } : {}),
    ...(values.region === undefined ? {} : { region: priceRegion(values.region) }),
    ...(values.catalog === undefined ? {} : { catalog: catalogFile(resolve(cwd, values.catalog)) }),
    ...(values['dist-dir'] === undefined ? {} : { distDir: resolve(cwd, values['dist-dir']) }),
    maxCycles: integer('--cycles', values.cycles, 50, 1),
    ...(values['max-retries'] === undefined
      ? {}
      : { maxRetries: integer('--max-retries', values['max-retries'], 5, 0, 20) }),
    seed: integer('--seed', values.seed, 42, 0),
    concurrency: integer('--concurrency', values.concurrency, 2, 1, 32),
    logPath: resolve(cwd, values.log ?? '.local-stack/functions.log'),
    logLevel: values.verbose ? 'DEBUG' : 'WARN',
  };
  return {
    pipeline,
    quiet: values.quiet === true,
    verbose: values.verbose === true,
    json: values.json === true,
    reportPath: resolve(cwd, values.report ?? '.local-stack/report.html'),
  };
}

/** `--catalog FILE`: a catalog in its JSON form (an array, as `SERIES_CATALOG`); validated with the run. */
function catalogFile(path: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`--catalog ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!Array.isArray(parsed)) throw new UsageError(`--catalog ${path}: must hold a JSON array of series`);
  return parsed;
}

/** `--region`: a region with a price table (tools/cost/prices), for the run's cost estimate. */
function priceRegion(region: string): string {
  const regions = priceRegions();
  if (!regions.includes(region)) {
    throw new UsageError(`--region must be one with a price table (${regions.join(', ')}), got "${region}"`);
  }
  return region;
}

/** `--faults` (JSON rates) or `--fault-rate` (one total, spread evenly); `--chaos` alone means 30%. */
function faultRates(values: Values): FaultRates | undefined {
  if (values.faults !== undefined && values['fault-rate'] !== undefined) {
    throw new UsageError('give --faults or --fault-rate, not both');
  }
  if (values.faults !== undefined) {
    try {
      const { seed: _seed, ...rates } = parseSimulatedFaults({ FAULTS: values.faults }, 'FAULTS');
      return rates;
    } catch (error) {
      throw new UsageError(
        `--faults: ${error instanceof Error ? error.message.replace(/^FAULTS /, '') : String(error)}`,
      );
    }
  }
  const total = values['fault-rate'] ?? (values.chaos ? '0.3' : undefined);
  if (total === undefined) return undefined;
  const rate = Number(total);
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new UsageError(`--fault-rate must be a number from 0 to 1, got "${total}"`);
  }
  return Object.fromEntries(faultNames.map((name) => [name, rate / faultNames.length]));
}

function releaseTarget(values: Values) {
  if (values.series === undefined) throw new UsageError('quarantine release needs --series INFO_TYPE');
  const chosen = [
    values.date !== undefined,
    values.from !== undefined || values.to !== undefined,
    values.all === true,
  ];
  if (chosen.filter(Boolean).length !== 1) {
    throw new UsageError('quarantine release needs exactly one of --date D, --from D --to D, or --all');
  }
  if (values.date !== undefined) {
    const date = isoDate('--date', values.date);
    return { series: values.series, range: { from: date, to: date } };
  }
  if (values.all) return { series: values.series, range: {} };
  if (values.from === undefined || values.to === undefined)
    throw new UsageError('--from and --to go together');
  return {
    series: values.series,
    range: { from: isoDate('--from', values.from), to: isoDate('--to', values.to) },
  };
}

function isoDate(flag: string, text: string): string {
  try {
    parseIsoDate(text);
    return text;
  } catch {
    throw new UsageError(`${flag} must be a date YYYY-MM-DD, got "${text}"`);
  }
}

function integer(
  flag: string,
  text: string | undefined,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new UsageError(
      `${flag} must be an integer from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}, got "${text}"`,
    );
  }
  return value;
}

/** The usage text of `npm start -- --help`. */
export const usage = `Usage: npm start -- [run] [options]      (or: npx tsx tools/local-stack/src/cli.ts ...)
       npm run setup                     create the table and queues where AWS_ENDPOINT_URL_* point (and the
                                         ingest and lake buckets when an S3 endpoint is set)
       npm run catalog -- [--json] [--check FILE]   the catalog in force, or validate a catalog file
       npm run quarantine -- list [--series INFO_TYPE] [--data-dir DIR] [--json]
       npm run quarantine -- release --series INFO_TYPE (--date D | --from D --to D | --all) [--data-dir DIR]

Runs the whole pipeline locally: DynamoDB, SQS and S3 emulators on loopback, the functions from their built
zips: csv_ingest for each --ingest file, then cycles of data_clustering -> scraper (through an SQS poller) ->
retry_recheck until nothing is left, then lake_export writes the changed partitions as Parquet to the lake.

Options of run:
  --source simulated|live  simulated (default) or the real BCB APIs (reaches the internet)
  --faults JSON            simulated source fault rates, e.g. '{"error":0.1,"timeout":0.05,"null":0.02}'
  --fault-rate R           total fault rate, spread evenly over error/timeout/throttle/null/malformed
  --chaos                  also: UnprocessedItems on 10% of batch writes, 10% duplicate deliveries,
                           10% scraper crashes mid-batch (and 30% source faults unless given)
  --series A,B             only these series (e.g. CURRENCY#USD,INFLATION#IPCA)
  --from YYYY-MM-DD        start every series at this date instead of the catalog's start
  --data-dir DIR           keep the table on disk in DIR: the next run only fetches new gaps
  --ingest FILE            load a CSV file (header info_type,date,value[,source]) before the first cycle:
                           uploaded to incoming/<its name> of the ingest bucket, then csv_ingest runs on the
                           S3 event; repeat for more files. Rows ingested and rejected are in the summary
  --catalog FILE           run this catalog (a JSON array, as SERIES_CATALOG) instead of the built-in one
  --dist-dir DIR           run the zips built in DIR (DIR/<function>/<function>.zip) instead of dist/apps
  --region R               price the run's estimated AWS cost at this region's list prices (default
                           us-east-1; tables: tools/cost/prices)
  --cycles N               cycle limit (default 50)
  --max-retries N          retries per date before quarantine (default 5)
  --seed N                 seed of the simulated values, faults and chaos (default 42)
  --concurrency N          scraper invocations at once (default 2)
  --report PATH            HTML report (default .local-stack/report.html)
  --log PATH               the functions' log (default .local-stack/functions.log)
  -q, --quiet              no progress bar, only the summary
  -v, --verbose            functions log at DEBUG and their lines are echoed to stderr
  --json                   print the run summary as JSON on stdout and nothing else
  --table NAME             table name for setup/quarantine (default $TABLE_NAME or gapless)
  -h, --help               this text
`;
