import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

/** How the functions to deploy are chosen. */
export const Selection = {
  Affected: 'affected',
  List: 'list',
  All: 'all',
} as const;
export type Selection = (typeof Selection)[keyof typeof Selection];

/** Where a run gets its credentials and which account and region it may touch: shared by every command. */
export interface AccessOptions {
  roleArn?: string;
  durationSeconds: number;
  useDefaultCredentials: boolean;
  allowedAccountIds: string[];
  region: string;
  /** The alias every trigger invokes; it moves only to a version whose smoke invocation succeeded. */
  alias: string;
  maxAttempts: number;
  appsDir: string;
}

/** Everything the deploy command line decides, validated. */
export interface SyncOptions extends AccessOptions {
  selection: Selection;
  /** Only with `selection: 'list'`. */
  functions: string[];
  dryRun: boolean;
  /** After moving an alias, how long to watch its `Errors` metric before trusting it (0: not at all). */
  watchMinutes: number;
  concurrency: number;
  distDir: string;
}

/** `sync-lambdas rollback NAME`: move the alias of one function back to the version it served before. */
export interface RollbackOptions extends AccessOptions {
  functionName: string;
}

const accessUsage = {
  'role-arn': { type: 'string' },
  'duration-seconds': { type: 'string', default: '900' },
  'use-default-credentials': { type: 'boolean', default: false },
  'allowed-account-ids': { type: 'string' },
  region: { type: 'string' },
  alias: { type: 'string', default: 'live' },
  'max-attempts': { type: 'string', default: '5' },
  'apps-dir': { type: 'string', default: 'apps' },
} as const;

const deployUsage = {
  ...accessUsage,
  affected: { type: 'boolean', default: false },
  functions: { type: 'string' },
  all: { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  'watch-minutes': { type: 'string', default: '0' },
  concurrency: { type: 'string', default: '3' },
  'dist-dir': { type: 'string', default: 'dist/apps' },
} as const;

type AccessValues = {
  'role-arn'?: string | undefined;
  'duration-seconds': string;
  'use-default-credentials': boolean;
  'allowed-account-ids'?: string | undefined;
  region?: string | undefined;
  alias: string;
  'max-attempts': string;
  'apps-dir': string;
};

/**
 * Parses and validates the deploy command line. `env` supplies the region when `--region` is absent
 * (`AWS_REGION`, then `AWS_DEFAULT_REGION`), as the SDK itself would.
 */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): SyncOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: deployUsage,
    strict: true,
    allowPositionals: false,
  });
  const selection = chooseSelection(values.affected, values.all, values.functions !== undefined);
  return {
    selection,
    functions: splitList(values.functions),
    ...parseAccess(values, env),
    dryRun: values['dry-run'],
    watchMinutes: integerIn('--watch-minutes', values['watch-minutes'], 0, 60),
    concurrency: integerIn('--concurrency', values.concurrency, 1, 50),
    distDir: values['dist-dir'],
  };
}

/** Parses `rollback NAME [options]` (the arguments after the word `rollback`). */
export function parseRollbackOptions(argv: readonly string[], env: NodeJS.ProcessEnv): RollbackOptions {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: accessUsage,
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length !== 1) {
    throw new UsageError('rollback', `takes exactly one function name, got ${positionals.length}`);
  }
  return { functionName: positionals[0] as string, ...parseAccess(values, env) };
}

function parseAccess(values: AccessValues, env: NodeJS.ProcessEnv): AccessOptions {
  if (!values['use-default-credentials'] && values['role-arn'] === undefined) {
    throw new UsageError(
      '--role-arn',
      'is required (or pass --use-default-credentials outside GitHub Actions)',
    );
  }
  const roleArn = values['role-arn'];
  if (roleArn !== undefined && !/^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(roleArn)) {
    throw new UsageError('--role-arn', `must be an IAM role ARN, got ${JSON.stringify(roleArn)}`);
  }
  const allowed = splitList(values['allowed-account-ids']);
  if (allowed.length === 0) throw new UsageError('--allowed-account-ids', 'is required (comma-separated)');
  const badAccount = allowed.find((id) => !/^\d{12}$/.test(id));
  if (badAccount !== undefined) {
    throw new UsageError(
      '--allowed-account-ids',
      `has ${JSON.stringify(badAccount)}, not a 12-digit account id`,
    );
  }
  const region = values.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (region === undefined || region === '')
    throw new UsageError('--region', 'is required (or set AWS_REGION)');
  // Lambda's alias names: a letter or digit run that is not only digits (a version number is not an alias).
  if (!/^(?!^[0-9]+$)[a-zA-Z0-9-_]{1,128}$/.test(values.alias)) {
    throw new UsageError(
      '--alias',
      `must be an alias name, not a version, got ${JSON.stringify(values.alias)}`,
    );
  }
  return {
    ...(roleArn === undefined ? {} : { roleArn }),
    durationSeconds: integerIn('--duration-seconds', values['duration-seconds'], 900, 43_200),
    useDefaultCredentials: values['use-default-credentials'],
    allowedAccountIds: allowed,
    region,
    alias: values.alias,
    maxAttempts: integerIn('--max-attempts', values['max-attempts'], 1, 20),
    appsDir: values['apps-dir'],
  };
}

function chooseSelection(affected: boolean, all: boolean, hasList: boolean): Selection {
  const chosen = [affected && Selection.Affected, all && Selection.All, hasList && Selection.List].filter(
    (s): s is Selection => s !== false,
  );
  if (chosen.length !== 1) throw new UsageError('--affected|--functions|--all', 'choose exactly one');
  return chosen[0] as Selection;
}

function splitList(text: string | undefined): string[] {
  if (text === undefined) return [];
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function integerIn(option: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(option, `must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return value;
}
