import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { PipelineStack } from '../src/pipelineStack.js';

// Deployment choices come from CDK context (`cdk.json` or `-c key=value`), never from code edits.
const app = new App();
const context = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value !== '' ? value : undefined;
};
const required = (key: string): string => {
  const value = context(key);
  if (value === undefined) throw new Error(`CDK context ${key} is required: pass -c ${key}=...`);
  return value;
};
const number = (key: string): number | undefined => {
  const value = context(key);
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new Error(`CDK context ${key} must be a positive integer, got ${value}`);
  return parsed;
};

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const optional = <K extends string>(key: K, value: string | number | undefined) =>
  value === undefined ? {} : { [key]: value };

new PipelineStack(app, context('stackName') ?? 'Gapless', {
  description: 'Gapless: keeps financial time series complete (Lambda + SQS + DynamoDB)',
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  distDir: resolve(repositoryRoot, context('distDir') ?? 'dist/apps'),
  githubRepository: required('githubRepository'),
  githubEnvironment: context('githubEnvironment') ?? 'production',
  ...optional('existingOidcProviderArn', context('existingOidcProviderArn')),
  ...optional('alarmEmail', context('alarmEmail')),
  ...optional('maxRetries', number('maxRetries')),
  ...optional('maxMessageBytes', number('maxMessageBytes')),
  ...optional('scraperMaxConcurrency', number('scraperMaxConcurrency')),
});
