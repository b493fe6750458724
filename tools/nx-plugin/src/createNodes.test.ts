import type { CreateNodesContext, CreateNodesResult } from '@nx/devkit';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { createNodes, createNodesV2, lambdaEntryGlob, lambdaProjectFor } from './createNodes.js';

const context = (): CreateNodesContext => ({ nxJsonConfiguration: {}, workspaceRoot: '/repo' });

async function inferFrom(
  files: readonly string[],
): Promise<ReadonlyArray<readonly [string, CreateNodesResult]>> {
  const [, infer] = createNodesV2;
  return infer(files, undefined, context());
}

describe('createNodesV2', () => {
  it('matches exactly the entry file of each app', () => {
    // Assess
    expect(lambdaEntryGlob).toBe('apps/*/src/index.ts');
    expect(createNodes).toBe(createNodesV2);
  });

  it('turns a new apps/<name>/src/index.ts into a Lambda project with build, test and lint', async () => {
    // Prepare
    const files = ['apps/zz_new/src/index.ts'];

    // Act
    const results = await inferFrom(files);

    // Assess
    expect(results).toHaveLength(1);
    const [source, result] = results[0] ?? [];
    expect(source).toBe('apps/zz_new/src/index.ts');
    const project = result?.projects?.['apps/zz_new'];
    expect(project).toMatchObject({
      name: 'zz_new',
      root: 'apps/zz_new',
      projectType: 'application',
      tags: ['type:app', 'fn:zz_new'],
    });
    expect(Object.keys(project?.targets ?? {}).sort()).toEqual(['build', 'lint', 'test']);
    expect(project?.targets?.build).toMatchObject({
      cache: true,
      outputs: ['{workspaceRoot}/dist/apps/zz_new'],
      options: { command: 'tsx tools/nx-plugin/bin/buildLambda.ts apps/zz_new' },
    });
    expect(project?.targets?.build?.inputs).toEqual(
      expect.arrayContaining(['production', '^production', '{workspaceRoot}/package-lock.json']),
    );
    expect(project?.targets?.test?.options).toEqual({ command: 'vitest run', cwd: '{projectRoot}' });
    expect(project?.targets?.lint?.options).toEqual({ command: 'eslint {projectRoot} --max-warnings=0' });
  });

  it('infers one project per app and nothing for paths that are not an app entry', async () => {
    // Prepare
    const files = [
      'apps/a/src/index.ts',
      'apps/b/src/index.ts',
      'apps/a/src/nested/src/index.ts',
      'libs/x/src/index.ts',
    ];

    // Act
    const results = await inferFrom(files);

    // Assess
    const roots = results.flatMap(([, result]) => Object.keys(result.projects ?? {}));
    expect(roots).toEqual(['apps/a', 'apps/b']);
  });
});

describe('lambdaProjectFor', () => {
  test.prop([fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,30}$/)])(
    'names the project after its directory',
    (name) => {
      // Act
      const project = lambdaProjectFor(`apps/${name}/src/index.ts`);

      // Assess
      expect(project?.name).toBe(name);
      expect(project?.targets?.build?.outputs).toEqual([`{workspaceRoot}/dist/apps/${name}`]);
    },
  );
});
