import { queueDefinition } from '@gapless/aws-adapters';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFakeDist } from '../src/fakeDist.js';
import { functionNames } from '../src/permissions.js';
import { PipelineStack } from '../src/pipelineStack.js';
import { testDeployment } from './synthesizedTemplate.js';

let distDir: string;

beforeAll(async () => {
  distDir = await createFakeDist();
});

/** The stack with a chosen message size, as `cdk deploy -c maxMessageBytes=...` builds it. */
function stackWith(maxMessageBytes: number): PipelineStack {
  return new PipelineStack(new App(), 'GaplessMessageSize', {
    env: { account: testDeployment.account, region: 'us-east-1' },
    distDir,
    githubRepository: testDeployment.repository,
    githubEnvironment: testDeployment.environment,
    maxMessageBytes,
  });
}

/** Each queue's MaximumMessageSize and each function's MAX_MESSAGE_BYTES, by name. */
function messageSizes(template: Template): {
  queues: Record<string, unknown>;
  functions: Record<string, unknown>;
} {
  const queues = Object.values(template.findResources('AWS::SQS::Queue')).map((resource) => {
    const props = resource.Properties as { QueueName: string; MaximumMessageSize?: number };
    return [props.QueueName, props.MaximumMessageSize];
  });
  const functions = Object.values(template.findResources('AWS::Lambda::Function')).map((resource) => {
    const props = resource.Properties as {
      FunctionName: string;
      Environment: { Variables: Record<string, string> };
    };
    return [props.FunctionName, props.Environment.Variables.MAX_MESSAGE_BYTES];
  });
  return { queues: Object.fromEntries(queues), functions: Object.fromEntries(functions) };
}

describe('one message size limit for the queues and the functions', () => {
  it.each([queueDefinition.messageBytesRange.min, queueDefinition.messageBytesRange.max])(
    "sets %i bytes on both queues and as every function's MAX_MESSAGE_BYTES",
    (bytes) => {
      // Act
      const template = Template.fromStack(stackWith(bytes));

      // Assess
      expect(messageSizes(template)).toEqual({
        queues: { [queueDefinition.workQueueName]: bytes, [queueDefinition.deadLetterQueueName]: bytes },
        functions: Object.fromEntries(functionNames.map((name) => [name, String(bytes)])),
      });
    },
  );

  it.each([1_023, 1_048_577, 262_144.5])('refuses %d bytes at synth, naming maxMessageBytes', (bytes) => {
    // Act / Assess
    expect(() => stackWith(bytes)).toThrow(
      /maxMessageBytes must be an integer between 1024 and 1048576 bytes .*, got/,
    );
  });
});
