import { resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { envCredentialsOnly } from './envCredentialsOnly.js';

const workspaceRoot = resolve(import.meta.dirname, '..', '..', '..');

/** Bundles a DynamoDB client the way the Lambda build does, with or without the plugin. */
async function bundledInputs(withPlugin: boolean): Promise<string[]> {
  const result = await build({
    stdin: {
      contents: "import { DynamoDBClient } from '@aws-sdk/client-dynamodb'; new DynamoDBClient({});",
      resolveDir: workspaceRoot,
      loader: 'js',
    },
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'node',
    mainFields: ['module', 'main'],
    plugins: withPlugin ? [envCredentialsOnly()] : [],
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs);
}

describe('envCredentialsOnly', () => {
  it('bundles the env-only provider instead of the default chain and the clients behind it', async () => {
    // Act
    const [without, withPlugin] = await Promise.all([bundledInputs(false), bundledInputs(true)]);

    // Assess
    const from = (inputs: string[], pattern: RegExp) => inputs.some((path) => pattern.test(path));
    expect(from(without, /@aws-sdk\/nested-clients\//)).toBe(true);
    expect(from(withPlugin, /@aws-sdk\/nested-clients\//)).toBe(false);
    expect(from(withPlugin, /@aws-sdk\/credential-provider-(ini|sso|process|web-identity)\//)).toBe(false);
    expect(from(withPlugin, /@aws-sdk\/credential-provider-env\//)).toBe(true);
    // The replacement is loaded in the plugin's namespace, at the path of the package it stands for.
    expect(from(withPlugin, /^env-credentials-only:.*credential-provider-node/)).toBe(true);
    expect(from(withPlugin, /^[^:]*credential-provider-node\//)).toBe(false);
  }, 60_000);
});
