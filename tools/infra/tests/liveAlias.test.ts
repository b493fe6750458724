import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { functionNames } from '../src/permissions.js';
import { PipelineStack } from '../src/pipelineStack.js';
import { logicalIdOf, synthesizedTemplate, testDeployment } from './synthesizedTemplate.js';

const { template } = await synthesizedTemplate();
const functionId = (name: string) => logicalIdOf(template, 'AWS::Lambda::Function', { FunctionName: name });
const aliasIds = Object.keys(template.findResources('AWS::Lambda::Alias'));

/** A dist/apps whose zips hold `content` (their bytes differ from one call to the next). */
async function distWith(content: string): Promise<string> {
  const dist = await mkdtemp(join(tmpdir(), 'gapless-dist-'));
  for (const name of functionNames) {
    await mkdir(join(dist, name), { recursive: true });
    await writeFile(join(dist, name, `${name}.zip`), `${content} of ${name}`);
  }
  return dist;
}

/** The stack as `cdk deploy` synthesizes it from this dist and these choices. */
async function synthesize(dist: string, maxRetries: number) {
  const stack = new PipelineStack(new App(), 'GaplessLater', {
    env: { account: testDeployment.account, region: 'us-east-1' },
    distDir: dist,
    githubRepository: testDeployment.repository,
    githubEnvironment: testDeployment.environment,
    maxRetries,
  });
  return (Template.fromStack(stack).toJSON() as { Resources: Record<string, SynthesizedResource> }).Resources;
}

interface SynthesizedResource {
  Type: string;
  Properties: {
    FunctionName?: unknown;
    Code?: unknown;
    Environment?: { Variables: Record<string, unknown> };
  };
}

describe('traffic through the alias live', () => {
  it('gives every function version 1 and the alias live on it', () => {
    // Assess
    for (const name of functionNames) {
      const versionId = logicalIdOf(template, 'AWS::Lambda::Version', {
        FunctionName: { Ref: functionId(name) },
      });
      template.hasResourceProperties('AWS::Lambda::Alias', {
        FunctionName: { Ref: functionId(name) },
        FunctionVersion: { 'Fn::GetAtt': [versionId, 'Version'] },
        Name: 'live',
      });
    }
    expect(aliasIds).toHaveLength(functionNames.length);
  });

  it('points the SQS event source mapping, every schedule and the S3 notification at an alias, never at $LATEST', () => {
    // Act
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
    const targets = Object.values(template.findResources('AWS::Events::Rule')).flatMap(
      (rule) => (rule.Properties as { Targets: { Arn: unknown }[] }).Targets,
    );
    const invokePermissions = Object.values(template.findResources('AWS::Lambda::Permission'));
    const notifications = Object.values(template.findResources('AWS::S3::Bucket')).flatMap(
      (bucket) =>
        (
          bucket.Properties as {
            NotificationConfiguration?: { LambdaConfigurations: { Function: unknown }[] };
          }
        ).NotificationConfiguration?.LambdaConfigurations ?? [],
    );

    // Assess
    expect(mappings).toHaveLength(1);
    for (const mapping of mappings) {
      const name = JSON.stringify((mapping.Properties as { FunctionName: unknown }).FunctionName);
      expect(aliasIds.some((id) => name.includes(`{"Ref":"${id}"}`)) && name.endsWith(':live"]]}')).toBe(
        true,
      );
    }
    expect(targets).toHaveLength(4);
    for (const target of targets) expect(aliasIds).toContain((target.Arn as { Ref: string }).Ref);
    expect(notifications).toHaveLength(1);
    for (const notification of notifications)
      expect(aliasIds).toContain((notification.Function as { Ref: string }).Ref);
    // One per rule target and one for S3.
    expect(invokePermissions).toHaveLength(targets.length + notifications.length);
    for (const permission of invokePermissions)
      expect(aliasIds).toContain(
        (permission.Properties as { FunctionName: { Ref: string } }).FunctionName.Ref,
      );
  });
});

describe('after the first cdk deploy, code and alias belong to sync-lambdas', () => {
  it('a later cdk deploy with other zips and another setting keeps the code, version 1 and the alias unchanged', async () => {
    // Prepare
    const first = await synthesize(await distWith('the first build'), 5);

    // Act
    const later = await synthesize(await distWith('a much later build'), 7);

    // Assess: CloudFormation updates only resources whose template changed, so these are never touched.
    const ofType = (all: typeof first, type: string) =>
      Object.fromEntries(Object.entries(all).filter(([, r]) => r.Type === type));
    expect(ofType(later, 'AWS::Lambda::Version')).toEqual(ofType(first, 'AWS::Lambda::Version'));
    expect(ofType(later, 'AWS::Lambda::Alias')).toEqual(ofType(first, 'AWS::Lambda::Alias'));
    const functionsOf = (all: typeof first) =>
      Object.values(all)
        .filter((r) => r.Type === 'AWS::Lambda::Function')
        .map((r) => r.Properties);
    const [before, after] = [functionsOf(first), functionsOf(later)];
    expect(after.map((fn) => fn.FunctionName)).toEqual([...functionNames]);
    expect(after.map((fn) => fn.Code)).toEqual(before.map((fn) => fn.Code));
    // The configuration change does reach the functions' $LATEST (sync-lambdas then publishes it).
    const retrying = new Set(['scraper', 'retry_recheck']);
    expect(after.map((fn) => fn.Environment?.Variables.MAX_RETRIES)).toEqual(
      functionNames.map((name) => (retrying.has(name) ? '7' : undefined)),
    );
  });
});
