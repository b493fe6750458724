import { LambdaClient } from '@aws-sdk/client-lambda';
import { STSClient } from '@aws-sdk/client-sts';
import { syncLambdas } from '@gapless/sync-lambdas';
import { parseOptions, type SyncOptions } from '@gapless/sync-lambdas/options';
import { codeSha256, startFakeAws, startFakeGithubOidc } from '@gapless/sync-lambdas/testing';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verdict } from './figures.js';
import { lambdaApps, workspaceRoot } from './lambdaApps.js';
import type { SectionResult } from './section.js';
import { measureRollback, type RollbackMeasurement } from './syncRollback.js';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/gapless-deploy';
const REQUEST_TOKEN = 'bench-runner-request-token';
const OIDC_JWT = 'eyJhbGciOiJSUzI1NiJ9.bench-oidc-payload.bench-signature';
const repoDist = join(workspaceRoot, 'dist', 'apps');
const TARGET = 0;

/** One deploy run against the fakes: what each function became and the Lambda calls made. */
interface DeployRun {
  readonly outcomes: readonly string[];
  readonly updateCalls: number;
  readonly configurationCalls: number;
}

/**
 * `UpdateFunctionCode` calls of a real sync-lambdas run (GitHub OIDC, STS, Lambda, all local fakes on
 * loopback) when every function's alias already serves its zip. A control run with one function changed
 * shows the counter does see an update when there is one. With the built zips, also whether a bad deploy
 * leaves (or puts back) the alias on the version it served before: see {@link measureRollback}.
 */
export async function syncNoop(): Promise<SectionResult> {
  const workspace = await makeWorkspace();
  try {
    const shas = Object.fromEntries(workspace.shas);
    const noop = await deployAgainst(workspace, shas);
    const control = await deployAgainst(workspace, { ...shas, scraper: 'an-older-sha' });
    if (control.updateCalls !== 1) {
      throw new Error(`control run made ${control.updateCalls} UpdateFunctionCode calls, expected 1`);
    }
    const met = noop.updateCalls === TARGET;
    const rollback = workspace.realZips ? await measureRollback() : undefined;
    return {
      title: `sync no-op: sync-lambdas --all, ${workspace.shas.size} functions, every sha256 already deployed`,
      rows: [
        ['zips', workspace.realZips ? 'the built ones (dist/apps)' : 'stand-ins (dist/apps not built)'],
        ['outcomes', noop.outcomes.join(', ')],
        ['GetFunctionConfiguration calls', String(noop.configurationCalls)],
        ['UpdateFunctionCode calls', `${noop.updateCalls} ${verdict(met, `= ${TARGET}`)}`],
        ['control (scraper changed): UpdateFunctionCode calls', String(control.updateCalls)],
        ...rollbackRows(rollback),
      ],
      figures: {
        noop_update_calls: noop.updateCalls,
        functions: workspace.shas.size,
        control_update_calls: control.updateCalls,
        rollback_restores_previous: rollback?.restoresPrevious ?? null,
        targets: { noop_update_calls: TARGET, rollback_restores_previous: 1 },
        met: { noop_update_calls: met, rollback_restores_previous: rollback?.restoresPrevious === 1 },
      },
    };
  } finally {
    await rm(workspace.root, { recursive: true, force: true });
  }
}

function rollbackRows(rollback: RollbackMeasurement | undefined): [string, string][] {
  if (rollback === undefined) return [['rollback restores previous', 'not measured: needs the built zips']];
  const { initFailure: init, watchFailure: watch } = rollback;
  const moves = (list: readonly string[]) =>
    list.length === 0 ? 'never moved' : `moved to ${list.join(' then ')}`;
  return [
    [
      'zip failing at init: outcome, live',
      `${init.outcome}, live on ${init.aliasAfter} (${moves(init.moves)})`,
    ],
    ['zip failing at init: why', init.reason],
    [
      'errors while watched: outcome, live',
      `${watch.outcome}, live on ${watch.aliasAfter} (${moves(watch.moves)})`,
    ],
    ['errors while watched: why', watch.reason],
    [
      'rollback restores previous',
      `${rollback.restoresPrevious} ${verdict(rollback.restoresPrevious === 1, '= 1')}`,
    ],
  ];
}

interface Workspace {
  readonly root: string;
  readonly appsDir: string;
  readonly distDir: string;
  readonly shas: ReadonlyMap<string, string>;
  readonly realZips: boolean;
}

/** A temporary workspace with every function's app directory and zip (the built ones when present). */
async function makeWorkspace(): Promise<Workspace> {
  const root = await mkdtemp(join(tmpdir(), 'bench-sync-'));
  const functions = lambdaApps();
  const realZips = functions.every((name) => existsSync(join(repoDist, name, `${name}.zip`)));
  const shas = new Map<string, string>();
  for (const name of functions) {
    await mkdir(join(root, 'apps', name, 'src'), { recursive: true });
    await mkdir(join(root, 'dist', 'apps', name), { recursive: true });
    const zip = realZips
      ? await readFile(join(repoDist, name, `${name}.zip`))
      : new TextEncoder().encode(`stand-in zip of ${name}`);
    await writeFile(join(root, 'dist', 'apps', name, `${name}.zip`), zip);
    // The smoke event sync-lambdas sends the function, as the app directory holds it (if it does).
    const smokeEvent = join(workspaceRoot, 'apps', name, 'smoke-event.json');
    if (existsSync(smokeEvent)) await copyFile(smokeEvent, join(root, 'apps', name, 'smoke-event.json'));
    shas.set(name, codeSha256(zip));
  }
  return { root, appsDir: join(root, 'apps'), distDir: join(root, 'dist', 'apps'), shas, realZips };
}

async function deployAgainst(workspace: Workspace, deployed: Record<string, string>): Promise<DeployRun> {
  const github = await startFakeGithubOidc(REQUEST_TOKEN, OIDC_JWT);
  const aws = await startFakeAws(OIDC_JWT, deployed);
  try {
    const report = await syncLambdas(syncOptions(workspace), {
      // Only these variables: nothing from this machine (keys, profiles) can take part.
      env: {
        GITHUB_ACTIONS: 'true',
        GITHUB_RUN_ID: '1',
        GITHUB_RUN_ATTEMPT: '1',
        ACTIONS_ID_TOKEN_REQUEST_URL: github.requestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN,
      },
      stdout: () => undefined,
      makeSts: (region) => new STSClient({ region, endpoint: aws.url }),
      makeLambda: (region, credentials) =>
        new LambdaClient({ region, endpoint: aws.url, ...(credentials ? { credentials } : {}) }),
    });
    if (report.exitCode !== 0) throw new Error(`sync-lambdas failed: ${JSON.stringify(report.results)}`);
    const count = (prefix: string) => aws.calls.filter((call) => call.startsWith(prefix)).length;
    return {
      outcomes: report.results.map((result) => `${result.name} ${result.outcome}`),
      updateCalls: count('UpdateFunctionCode'),
      configurationCalls: count('GetFunctionConfiguration'),
    };
  } finally {
    await Promise.all([github.close(), aws.close()]);
  }
}

/** The options of the deploy workflow's `sync-lambdas --all --role-arn ... --allowed-account-ids ...`. */
function syncOptions(workspace: Workspace): SyncOptions {
  return parseOptions(
    [
      '--all',
      ['--role-arn', ROLE_ARN],
      ['--allowed-account-ids', '123456789012'],
      ['--region', 'us-east-1'],
      ['--max-attempts', '3'],
      ['--apps-dir', workspace.appsDir],
      ['--dist-dir', workspace.distDir],
    ].flat(),
    {},
  );
}
