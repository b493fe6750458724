import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');

/** Lints `code` as if it were the file at `path` (relative to the workspace root), with the workspace's config. */
async function ruleIdsFor(path: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message);
}

/** The rules that keep the layers: Nx's boundaries, and the domain's own list of refused imports. */
const layerRules = ['@nx/enforce-module-boundaries', 'no-restricted-imports'];

describe('module boundaries', () => {
  beforeAll(() => {
    // The rule reads Nx's cached project graph and silently skips itself without one (a fresh clone).
    execFileSync('npx', ['nx', 'show', 'projects'], {
      cwd: root,
      stdio: 'ignore',
      env: { ...process.env, NX_DAEMON: 'false' },
    });
  }, 120_000);

  it.each([
    [
      'an app importing another app',
      'apps/scraper/src/zz.ts',
      "export { handler } from '../../data_clustering/src/index.js';\n",
    ],
    [
      'a lib importing an app',
      'libs/pipeline-core/src/zz.ts',
      "export { handler } from '../../../apps/scraper/src/index.js';\n",
    ],
    [
      'a tool importing an app',
      'tools/bench/src/zz.ts',
      "export { handler } from '../../../apps/scraper/src/index.js';\n",
    ],
    [
      'pipeline-core importing the DynamoDB client',
      'libs/pipeline-core/src/zz.ts',
      "export { DynamoDBClient } from '@aws-sdk/client-dynamodb';\n",
    ],
    [
      'pipeline-core importing Powertools',
      'libs/pipeline-core/src/zz.ts',
      "export { Logger } from '@aws-lambda-powertools/logger';\n",
    ],
    [
      "pipeline-core importing aws-lambda's types",
      'libs/pipeline-core/src/zz.ts',
      "export type { SQSEvent } from 'aws-lambda';\n",
    ],
    [
      'pipeline-core importing node:https',
      'libs/pipeline-core/src/zz.ts',
      "export { request } from 'node:https';\n",
    ],
    [
      'pipeline-core importing an adapter',
      'libs/pipeline-core/src/zz.ts',
      "export { tableDefinition } from '@gapless/aws-adapters';\n",
    ],
    [
      'an adapter importing another adapter',
      'libs/aws-adapters/src/zz.ts',
      "export { createSources } from '@gapless/sources';\n",
    ],
    [
      'an adapter importing the runtime wiring',
      'libs/sources/src/zz.ts',
      "export { readPipelineConfig } from '@gapless/lambda-runtime';\n",
    ],
    [
      'the runtime wiring importing the sources',
      'libs/lambda-runtime/src/zz.ts',
      "export { createSources } from '@gapless/sources';\n",
    ],
    [
      'data_clustering importing the sources',
      'apps/data_clustering/src/zz.ts',
      "export { createSources } from '@gapless/sources';\n",
    ],
    [
      'retry_recheck importing the sources',
      'apps/retry_recheck/src/zz.ts',
      "export { createSources } from '@gapless/sources';\n",
    ],
    [
      'csv_ingest importing the sources',
      'apps/csv_ingest/src/zz.ts',
      "export { createSources } from '@gapless/sources';\n",
    ],
    [
      'lake_export importing the sources',
      'apps/lake_export/src/zz.ts',
      "export { createSources } from '@gapless/sources';\n",
    ],
  ])(
    'refuse %s',
    async (_, path, code) => {
      // Act
      const rules = await ruleIdsFor(path, code);

      // Assess
      expect(rules.filter((rule) => layerRules.includes(rule))).not.toEqual([]);
      // The first lint loads ESLint's plugins and Nx's graph: seconds on a busy machine.
    },
    30_000,
  );

  it.each([
    [
      'an app importing the domain',
      'apps/retry_recheck/src/zz.ts',
      "export { formatIsoDate } from '@gapless/pipeline-core';\n",
    ],
    [
      'an app importing an AWS adapter',
      'apps/data_clustering/src/zz.ts',
      "export { tableDefinition } from '@gapless/aws-adapters';\n",
    ],
    [
      'an app importing the runtime wiring',
      'apps/data_clustering/src/zz.ts',
      "export { buildSenderParts } from '@gapless/lambda-runtime';\n",
    ],
    [
      'the scraper importing the sources',
      'apps/scraper/src/zz.ts',
      "export { createSources } from '@gapless/sources';\n",
    ],
    [
      'an adapter importing the domain',
      'libs/sources/src/zz.ts',
      "export { SourceError } from '@gapless/pipeline-core';\n",
    ],
    [
      'an adapter importing the SDK',
      'libs/aws-adapters/src/zz.ts',
      "export { DynamoDBClient } from '@aws-sdk/client-dynamodb';\n",
    ],
    [
      'a tool importing the sources',
      'tools/bench/src/zz.ts',
      "export { createSources } from '@gapless/sources';\n",
    ],
  ])(
    'allow %s',
    async (_, path, code) => {
      // Act
      const rules = await ruleIdsFor(path, code);

      // Assess
      expect(rules.filter((rule) => layerRules.includes(rule))).toEqual([]);
    },
    30_000,
  );
});
