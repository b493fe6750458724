import { appendFile } from 'node:fs/promises';
import { type DeployResult, Outcome } from './deployFunction.js';

/** Header facts of a run, printed above the table. */
export interface RunFacts {
  account: string;
  region: string;
  dryRun: boolean;
}

const outcomeMark: Record<Outcome, string> = {
  [Outcome.Updated]: 'updated',
  [Outcome.Unchanged]: 'unchanged (same sha256)',
  [Outcome.DryRun]: 'dry run: would update',
  [Outcome.Failed]: 'FAILED',
};

/**
 * A Markdown table of the run: readable in a terminal and rendered by GitHub in the step summary. Only
 * names, hashes, versions and error messages appear; nothing secret ever reaches a result.
 */
export function renderSummary(results: readonly DeployResult[], facts: RunFacts): string {
  const title = `### sync-lambdas${facts.dryRun ? ' (dry run)' : ''}: account ${facts.account}, ${facts.region}`;
  if (results.length === 0) return `${title}\n\nNo function to deploy.\n`;
  const rows = results.map((r) =>
    [
      r.name,
      outcomeMark[r.outcome],
      shortSha(r.previousSha256),
      shortSha(r.codeSha256),
      r.version ?? '',
      r.message ?? '',
    ]
      .map(cell)
      .join(' | '),
  );
  const failed = results.filter((r) => r.outcome === Outcome.Failed).length;
  const counts = `${results.length} function(s), ${failed} failed`;
  return [
    title,
    '',
    '| function | result | deployed sha256 | new sha256 | version | note |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row} |`),
    '',
    counts,
    '',
  ].join('\n');
}

/** Appends the summary to `$GITHUB_STEP_SUMMARY` when the runner provides that file. */
export async function writeStepSummary(markdown: string, env: NodeJS.ProcessEnv): Promise<void> {
  const path = env.GITHUB_STEP_SUMMARY;
  if (path !== undefined && path !== '') await appendFile(path, `${markdown}\n`);
}

function shortSha(sha: string | undefined): string {
  return sha === undefined ? '' : sha.slice(0, 12);
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
