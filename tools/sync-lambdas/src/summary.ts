import { appendFile } from 'node:fs/promises';
import { type DeployResult, Outcome } from './deployFunction.js';

/** Header facts of a run, printed above the table. */
export interface RunFacts {
  account: string;
  region: string;
  alias: string;
  dryRun: boolean;
}

const outcomeMark: Record<Outcome, string> = {
  [Outcome.Updated]: 'updated',
  [Outcome.Unchanged]: 'unchanged (same code and settings)',
  [Outcome.DryRun]: 'dry run',
  [Outcome.SmokeFailed]: 'SMOKE FAILED',
  [Outcome.RolledBack]: 'ROLLED BACK',
  [Outcome.Failed]: 'FAILED',
};

/**
 * A Markdown table of the run: readable in a terminal and rendered by GitHub in the step summary. Per
 * function: the version the alias served before (with its code's sha256), the version published (with the
 * zip's), the smoke result and where the alias pointed before and after. Only names, hashes, versions and
 * error messages appear; nothing secret ever reaches a result.
 */
export function renderSummary(results: readonly DeployResult[], facts: RunFacts): string {
  const title = `### sync-lambdas${facts.dryRun ? ' (dry run)' : ''}: account ${facts.account}, ${facts.region}, alias ${facts.alias}`;
  if (results.length === 0) return `${title}\n\nNo function to deploy.\n`;
  const rows = results.map((r) =>
    [
      r.name,
      outcomeMark[r.outcome],
      versionCell(r.previousVersion, r.previousSha256),
      versionCell(r.newVersion, r.codeSha256),
      r.smoke ?? '',
      r.previousVersion === undefined ? '' : `${r.previousVersion} → ${r.aliasAfter ?? '?'}`,
      r.message ?? '',
    ]
      .map(cell)
      .join(' | '),
  );
  return [
    title,
    '',
    `| function | result | previous version | new version | smoke | ${facts.alias}: before → after | note |`,
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row} |`),
    '',
    tally(results),
    '',
  ].join('\n');
}

/** Appends the summary to `$GITHUB_STEP_SUMMARY` when the runner provides that file. */
export async function writeStepSummary(markdown: string, env: NodeJS.ProcessEnv): Promise<void> {
  const path = env.GITHUB_STEP_SUMMARY;
  if (path !== undefined && path !== '') await appendFile(path, `${markdown}\n`);
}

function versionCell(version: string | undefined, sha: string | undefined): string {
  const short = sha === undefined || sha === '' ? '' : `(${sha.slice(0, 12)})`;
  return [version ?? '–', short].filter(Boolean).join(' ');
}

/** `3 function(s): 1 updated, 1 unchanged, 1 smoke-failed`, in the order of {@link Outcome}. */
function tally(results: readonly DeployResult[]): string {
  const counts = Object.values(Outcome)
    .map((outcome) => [outcome, results.filter((r) => r.outcome === outcome).length] as const)
    .filter(([, count]) => count > 0)
    .map(([outcome, count]) => `${count} ${outcome}`);
  return `${results.length} function(s): ${counts.join(', ')}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
