import { spawnSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFakeDist } from '../src/fakeDist.js';

// `cdk synth` with no AWS account, no network and no built apps: CI proves the app synthesizes.
const projectDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = await createFakeDist();
const out = join(await mkdtemp(join(tmpdir(), 'gapless-cdk-out-')), 'cdk.out');
const result = spawnSync(
  'npx',
  [
    'cdk',
    'synth',
    '--quiet',
    '-o',
    out,
    '-c',
    `distDir=${dist}`,
    '-c',
    'githubRepository=example-owner/gapless',
  ],
  {
    cwd: projectDir,
    stdio: 'inherit',
    env: {
      ...process.env,
      CDK_DISABLE_CLI_TELEMETRY: 'true',
      CDK_DEFAULT_ACCOUNT: '111111111111',
      CDK_DEFAULT_REGION: 'us-east-1',
    },
  },
);
if (result.status === 0) process.stdout.write(`synthesized offline into ${out}\n`);
process.exitCode = result.status ?? 1;
