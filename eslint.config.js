// @ts-check
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

/**
 * The functions that fetch from data sources: the only ones that may depend on the sources library. An
 * allow-list: a new function is refused the HTTP adapters until its name is added here. A decision, so a
 * list and not derived from apps/: csv_ingest and lake_export read files and the table, never a source.
 */
const sourceFetchers = ['scraper'];
const notASourceFetcher = `/^fn:(?!(${sourceFetchers.join('|')})$)/`;

/** What the domain library may never import: the SDK, Powertools, Lambda's types, HTTP. */
const bannedInCore = [
  '@aws-sdk/*',
  '@smithy/*',
  '@aws-lambda-powertools/*',
  'aws-lambda',
  '@types/aws-lambda',
  'node:http',
  'node:https',
  'http',
  'https',
  'undici',
];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/.nx/**',
      '**/cdk.out/**',
      '**/coverage/**',
      '**/tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      // The layers: apps -> lambda-runtime -> adapters -> pipeline-core, never back, never app to app (Nx
      // refuses imports of apps whatever the tags). Tools may use every library and each other, never apps.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            {
              sourceTag: 'layer:core',
              onlyDependOnLibsWithTags: ['layer:core'],
              bannedExternalImports: bannedInCore,
            },
            { sourceTag: 'layer:adapter', onlyDependOnLibsWithTags: ['layer:core'] },
            // Every function builds its parts from lambda-runtime, so it must not reach the sources either.
            {
              sourceTag: 'layer:runtime',
              onlyDependOnLibsWithTags: ['layer:core', 'layer:adapter'],
              notDependOnLibsWithTags: ['scope:sources'],
            },
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: ['layer:core', 'layer:adapter', 'layer:runtime'],
            },
            // The sources library (HTTP clients) is for the functions that fetch; every other function's
            // tag `fn:<name>` (given by the local Nx plugin) matches here, so its bundle stays HTTP-free.
            { sourceTag: notASourceFetcher, notDependOnLibsWithTags: ['scope:sources'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib', 'type:tool'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The domain stays pure. `bannedExternalImports` above refuses the npm packages it sees in Nx's graph;
    // this also refuses Node's HTTP modules and type-only packages, which the graph does not hold.
    files: ['libs/pipeline-core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: bannedInCore,
              message:
                'pipeline-core is the pure domain: put SDK, Powertools, Lambda and HTTP code in an adapter.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
