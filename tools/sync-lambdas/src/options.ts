import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

/** How the functions to deploy are chosen. */
export const Selection = {
  Affected: 'affected',
  List: 'list',
  All: 'all',
} as const;
export type Selection = (typeof Selection)[keyof typeof Selection];

/** Everything the command line decides, validated. */
export interface SyncOptions {
  selection: Selection;
  /** Only with `selection: 'list'`. */
  functions: string[];
  roleArn?: string;
  durationSeconds: number;
  useDefaultCredentials: boolean;
  allowedAccountIds: string[];
  region: string;
  dryRun: boolean;
  publish: boolean;
  alias?: string;
  concurrency: number;
  maxAttempts: number;
  appsDir: string;
  distDir: string;
}

const usage = {
  'role-arn': { type: 'string' },
  'duration-seconds': { type: 'string', default: '900' },
  'use-default-credentials': { type: 'boolean', default: false },
  'allowed-account-ids': { type: 'string' },
  region: { type: 'string' },
  affected: { type: 'boolean', default: false },
  functions: { type: 'string' },
  all: { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  publish: { type: 'boolean', default: false },
  alias: { type: 'string' },
  concurrency: { type: 'string', default: '3' },
  'max-attempts': { type: 'string', default: '5' },
  'apps-dir': { type: 'string', default: 'apps' },
  'dist-dir': { type: 'string', default: 'dist/apps' },
} as const;

/**
 * Parses and validates the command line. `env` supplies the region when `--region` is absent
 * (`AWS_REGION`, then `AWS_DEFAULT_REGION`), as the SDK itself would.
 */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): SyncOptions {
  const { values } = parseArgs({ args: [...argv], options: usage, strict: true, allowPositionals: false });
  const list = splitList(values.functions);
  const selection = chooseSelection(values.affected, values.all, values.functions !== undefined);
  if (values.alias !== undefined && !values.publish) throw new UsageError('--alias', 'needs --publish');
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
  const options: SyncOptions = {
    selection,
    functions: list,
    durationSeconds: positiveInteger('--duration-seconds', values['duration-seconds'], 900, 43_200),
    useDefaultCredentials: values['use-default-credentials'],
    allowedAccountIds: allowed,
    region,
    dryRun: values['dry-run'],
    publish: values.publish,
    concurrency: positiveInteger('--concurrency', values.concurrency, 1, 50),
    maxAttempts: positiveInteger('--max-attempts', values['max-attempts'], 1, 20),
    appsDir: values['apps-dir'],
    distDir: values['dist-dir'],
  };
  if (roleArn !== undefined) options.roleArn = roleArn;
  if (values.alias !== undefined) options.alias = values.alias;
  return options;
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

function positiveInteger(option: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(option, `must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return value;
}
