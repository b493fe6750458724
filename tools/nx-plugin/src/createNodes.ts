import { dirname, basename } from 'node:path/posix';
import type { CreateNodesResult, CreateNodesV2, ProjectConfiguration, TargetConfiguration } from '@nx/devkit';

/** Where the plugin looks: a directory under `apps/` with `src/index.ts` is a Lambda of the same name. */
export const lambdaEntryGlob = 'apps/*/src/index.ts';

/** The build script; part of the build's inputs so a change to the bundler rebuilds every zip. */
const buildScript = 'tools/nx-plugin/bin/buildLambda.ts';

/** The targets every Lambda app gets, without a line of configuration in the app. */
export function lambdaTargets(appRoot: string, name: string): Record<string, TargetConfiguration> {
  return {
    build: {
      executor: 'nx:run-commands',
      options: { command: `tsx ${buildScript} ${appRoot}` },
      cache: true,
      inputs: [
        'production',
        '^production',
        `{workspaceRoot}/${buildScript}`,
        '{workspaceRoot}/tools/nx-plugin/src/**/*.ts',
        '!{workspaceRoot}/tools/nx-plugin/src/**/*.test.ts',
        // The zips' size budgets are read by the checks, never by the build.
        '!{workspaceRoot}/tools/nx-plugin/src/zipBudgets.ts',
        '{workspaceRoot}/package-lock.json',
        { externalDependencies: ['esbuild', 'fflate'] },
      ],
      outputs: [`{workspaceRoot}/dist/apps/${name}`],
      metadata: { description: `Bundle ${appRoot} into dist/apps/${name}/${name}.zip (reproducible)` },
    },
    // Without a vitest.config.ts in the app, vitest's defaults apply (every *.test.ts under the app);
    // an app without any test fails here on purpose: the generator always writes one.
    test: {
      executor: 'nx:run-commands',
      options: { command: 'vitest run', cwd: '{projectRoot}' },
      cache: true,
      inputs: ['default', '^production'],
    },
    lint: {
      executor: 'nx:run-commands',
      options: { command: 'eslint {projectRoot} --max-warnings=0' },
      cache: true,
      inputs: ['default', '^production', '{workspaceRoot}/eslint.config.js'],
    },
  };
}

/** The project a Lambda entry file stands for, or `undefined` when the path is not `apps/<name>/src/index.ts`. */
export function lambdaProjectFor(entryFile: string): ProjectConfiguration | undefined {
  const parts = entryFile.split('/');
  if (parts.length !== 4 || parts[0] !== 'apps' || parts[2] !== 'src' || parts[3] !== 'index.ts') {
    return undefined;
  }
  const root = dirname(dirname(entryFile));
  const name = basename(root);
  return {
    name,
    root,
    sourceRoot: `${root}/src`,
    projectType: 'application',
    // `fn:<name>` lets the lint rules name functions (only the allow-listed ones may use the sources).
    tags: ['type:app', `fn:${name}`],
    targets: lambdaTargets(root, name),
  };
}

function nodesFor(entryFile: string): CreateNodesResult {
  const project = lambdaProjectFor(entryFile);
  return project ? { projects: { [project.root]: project } } : {};
}

/**
 * Nx's inference hook: one Lambda project per `apps/<name>/src/index.ts`. Pure and synchronous, so the
 * graph never waits on the file system; the entry file itself is the only evidence needed.
 */
export const createNodesV2: CreateNodesV2 = [
  lambdaEntryGlob,
  (entryFiles) => entryFiles.map((entryFile) => [entryFile, nodesFor(entryFile)] as const),
];

/** The same hook under the name Nx 22+ prefers. */
export const createNodes = createNodesV2;
