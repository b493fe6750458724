import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createFakeDist } from '../src/fakeDist.js';
import { PipelineStack } from '../src/pipelineStack.js';

/** The stack as tests see it: one repository, one environment, a fake dist. */
export const testDeployment = {
  repository: 'octo-org/gapless',
  environment: 'production',
  account: '111111111111',
} as const;

interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

let cached: Promise<{ template: Template; resources: Record<string, CfnResource> }> | undefined;

/** Synthesizes once per test file (CDK synth takes seconds) and hands every test the same template. */
export function synthesizedTemplate() {
  cached ??= (async () => {
    const app = new App();
    const stack = new PipelineStack(app, 'GaplessTest', {
      env: { account: testDeployment.account, region: 'us-east-1' },
      distDir: await createFakeDist(),
      githubRepository: testDeployment.repository,
      githubEnvironment: testDeployment.environment,
    });
    const template = Template.fromStack(stack);
    const resources = (template.toJSON() as { Resources: Record<string, CfnResource> }).Resources;
    return { template, resources };
  })();
  return cached;
}

/** One IAM statement, with actions and resources normalised to arrays. */
export interface Statement {
  Effect: string;
  Action: string[];
  Resource: unknown[];
}

/** Every statement of the inline policies attached to the role with this logical id. */
export function statementsOfRole(resources: Record<string, CfnResource>, roleId: string): Statement[] {
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .filter((r) => (r.Properties?.Roles as { Ref: string }[]).some((ref) => ref.Ref === roleId))
    .flatMap((r) => (r.Properties?.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement)
    .map((s) => ({
      Effect: s.Effect as string,
      Action: ([] as string[]).concat(s.Action as string | string[]),
      Resource: ([] as unknown[]).concat(s.Resource),
    }));
}

/** The logical id of the single resource of `type` whose properties contain `match`. */
export function logicalIdOf(template: Template, type: string, match: Record<string, unknown>): string {
  const ids = Object.keys(template.findResources(type, { Properties: match }));
  if (ids.length !== 1)
    throw new Error(`expected one ${type} matching ${JSON.stringify(match)}, found ${ids.length}`);
  return ids[0] as string;
}
