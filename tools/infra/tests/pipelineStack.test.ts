import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { queueDefinition, tableDefinition } from '@gapless/aws-adapters';
import type { SentActions } from '@gapless/aws-adapters/sent-actions';
import { deployIamActions } from '@gapless/sync-lambdas/iam-actions';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { appsDir, listFunctionApps } from '../src/functionApps.js';
import {
  bucketActionsOf,
  deployRolePermissions,
  type FunctionName,
  functionNames,
  functionPermissions,
  type FunctionPermissions,
  logActions,
  queueConsumerActions,
} from '../src/permissions.js';
import {
  logicalIdOf,
  type Statement,
  statementsOfRole,
  synthesizedTemplate,
  testDeployment,
} from './synthesizedTemplate.js';

const { template, resources } = await synthesizedTemplate();
const ids = {
  table: logicalIdOf(template, 'AWS::DynamoDB::Table', {}),
  workQueue: logicalIdOf(template, 'AWS::SQS::Queue', { QueueName: 'gapless-work' }),
  buckets: {
    ingest: logicalIdOf(template, 'AWS::S3::Bucket', { BucketName: Match.anyValue() }),
    lake: logicalIdOf(template, 'AWS::S3::Bucket', { BucketName: Match.absent() }),
  },
};
const functionId = (name: FunctionName) =>
  logicalIdOf(template, 'AWS::Lambda::Function', { FunctionName: name });
const aliasId = (name: FunctionName) =>
  logicalIdOf(template, 'AWS::Lambda::Alias', { FunctionName: { Ref: functionId(name) }, Name: 'live' });
/** How the template names `<function>:live` where a name is wanted (the event source mapping). */
const aliasName = (name: FunctionName) => ({
  'Fn::Join': ['', [{ 'Fn::Select': [6, { 'Fn::Split': [':', { Ref: aliasId(name) }] }] }, ':live']],
});
const roleIdOf = (name: FunctionName) =>
  (resources[functionId(name)]?.Properties?.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
const tableArn = { 'Fn::GetAtt': [ids.table, 'Arn'] };
const indexArn = (index: string) => ({ 'Fn::Join': ['', [tableArn, `/index/${index}`]] });
const queueArn = { 'Fn::GetAtt': [ids.workQueue, 'Arn'] };
/**
 * How the template names the keys under `prefix` of one of the buckets (`arn/prefix*`): the ingest bucket by
 * its fixed name (its notification waits for csv_ingest, so csv_ingest's role must not wait for it).
 */
const objectsArn = (bucket: keyof typeof ids.buckets, prefix: string) =>
  bucket === 'ingest'
    ? {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            `:s3:::gapless-ingest-${testDeployment.account}-us-east-1/${prefix}*`,
          ],
        ],
      }
    : { 'Fn::Join': ['', [{ 'Fn::GetAtt': [ids.buckets[bucket], 'Arn'] }, `/${prefix}*`]] };

/** Action -> sorted resources, for comparing a role's grants as a whole. */
function grants(statements: Statement[]): Record<string, string[]> {
  const byAction: Record<string, string[]> = {};
  for (const s of statements) {
    expect(s.Effect).toBe('Allow');
    for (const action of s.Action) {
      byAction[action] = [...(byAction[action] ?? []), ...s.Resource.map((r) => JSON.stringify(r))].sort();
    }
  }
  return byAction;
}

function expectedGrants(name: FunctionName): Record<string, string[]> {
  const allowed = functionPermissions[name];
  const expected: Record<string, unknown[]> = {};
  const add = (actions: readonly string[], resource: unknown) => {
    for (const a of actions) expected[a] = [...(expected[a] ?? []), resource];
  };
  add(allowed.table, tableArn);
  for (const index of ['retry-due', 'quarantined']) add(allowed.tableIndexes, indexArn(index));
  add(allowed.workQueue, queueArn);
  const bucket = (allowed as FunctionPermissions).bucket;
  for (const [prefix, actions] of Object.entries(bucket?.objects ?? {}))
    add(actions, objectsArn(bucket!.bucket, prefix));
  if (name === 'scraper') add(queueConsumerActions, queueArn);
  const logGroupArn = {
    'Fn::GetAtt': [
      logicalIdOf(template, 'AWS::Logs::LogGroup', { LogGroupName: `/aws/lambda/${name}` }),
      'Arn',
    ],
  };
  add(logActions, logGroupArn);
  return Object.fromEntries(
    Object.entries(expected).map(([a, rs]) => [a, rs.map((r) => JSON.stringify(r)).sort()]),
  );
}

describe('least privilege', () => {
  it('creates one function per app directory, and only those', () => {
    // Assess
    expect([...functionNames]).toEqual(listFunctionApps());
    expect(Object.keys(template.findResources('AWS::Lambda::Function')).sort()).toEqual(
      functionNames.map(functionId).sort(),
    );
  });

  it.each(functionNames)(
    '%s is granted exactly the actions its handler tests saw it send (its sent-actions.json)',
    (name) => {
      // Prepare
      const sorted = (p: SentActions) => ({
        table: [...p.table].sort(),
        tableIndexes: [...p.tableIndexes].sort(),
        workQueue: [...p.workQueue].sort(),
        bucket: [...(p.bucket ?? [])].sort(),
      });
      const allowed: FunctionPermissions = functionPermissions[name];

      // Act
      const record = JSON.parse(
        readFileSync(join(appsDir, name, 'sent-actions.json'), 'utf8'),
      ) as SentActions;

      // Assess
      expect(sorted({ ...allowed, bucket: bucketActionsOf(allowed) })).toEqual(sorted(record));
    },
  );

  it.each(functionNames)('%s holds exactly the listed actions on its own resources', (name) => {
    // Prepare
    const roleId = roleIdOf(name);

    // Act
    const granted = grants(statementsOfRole(resources, roleId));

    // Assess
    expect(granted).toEqual(expectedGrants(name));
    expect(resources[roleId]?.Properties?.ManagedPolicyArns).toBeUndefined();
  });

  it('grants no wildcard action, and "*" only for the metric read IAM cannot narrow', () => {
    // Act
    const statements = Object.keys(resources)
      .filter((id) => resources[id]?.Type === 'AWS::IAM::Role')
      .flatMap((roleId) => statementsOfRole(resources, roleId));

    // Assess
    expect(statements.length).toBeGreaterThan(0);
    for (const s of statements) expect(s.Action.filter((a) => a.includes('*'))).toEqual([]);
    expect(statements.filter((s) => s.Resource.includes('*'))).toEqual([
      { Effect: 'Allow', Action: ['cloudwatch:GetMetricData'], Resource: ['*'] },
    ]);
  });

  it('lets the deploy role do exactly what sync-lambdas calls, on the functions of apps/ only', () => {
    // Prepare
    const roleId = logicalIdOf(template, 'AWS::IAM::Role', {
      Description: `Deploys Lambda code from ${testDeployment.repository}, environment production (GitHub OIDC)`,
    });
    const unqualified = functionNames.map((n) => ({ 'Fn::GetAtt': [functionId(n), 'Arn'] }));
    const qualified = unqualified.map((arn) => ({ 'Fn::Join': ['', [arn, ':*']] }));

    // Act
    const statements = statementsOfRole(resources, roleId);

    // Assess
    expect(statements).toEqual([
      { Effect: 'Allow', Action: [...deployRolePermissions.unqualified], Resource: unqualified },
      {
        Effect: 'Allow',
        Action: [...deployRolePermissions.functionAndQualified],
        Resource: [...unqualified, ...qualified],
      },
      { Effect: 'Allow', Action: [...deployRolePermissions.qualified], Resource: qualified },
      { Effect: 'Allow', Action: [...deployRolePermissions.anyMetric], Resource: ['*'] },
    ]);
    expect(statements.flatMap((s) => s.Action).sort()).toEqual([...deployIamActions].sort());
  });
});

describe('GitHub OIDC trust', () => {
  it('trusts only jobs of the repository in the protected environment production, for the STS audience', () => {
    // Act
    const providerId = logicalIdOf(template, 'AWS::IAM::OIDCProvider', {});
    const roleId = logicalIdOf(template, 'AWS::IAM::Role', { MaxSessionDuration: 3600 });

    // Assess
    expect(resources[providerId]?.Properties).toMatchObject({
      Url: 'https://token.actions.githubusercontent.com',
      ClientIdList: ['sts.amazonaws.com'],
    });
    expect(resources[roleId]?.Properties?.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRoleWithWebIdentity',
          Principal: { Federated: { Ref: providerId } },
          Condition: {
            StringEquals: {
              'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
              'token.actions.githubusercontent.com:sub': 'repo:octo-org/gapless:environment:production',
            },
          },
        },
      ],
    });
  });
});

describe('table', () => {
  it('is declared from tableDefinition: keys, sparse indexes, TTL, on-demand, PITR, deletion protection', () => {
    // Prepare
    const gsi = (index: (typeof tableDefinition.indexes)[keyof typeof tableDefinition.indexes]) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.nonKeyAttributes] },
    });

    // Act / Assess
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        KeySchema: [
          { AttributeName: 'info_type', KeyType: 'HASH' },
          { AttributeName: 'date', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
        GlobalSecondaryIndexes: [
          gsi(tableDefinition.indexes.retryDue),
          gsi(tableDefinition.indexes.quarantined),
        ],
      },
    });
  });
});

describe('queues', () => {
  it('give the work queue six scraper timeouts of visibility, the redrive count and the message size', () => {
    // Act
    const scraper = resources[functionId('scraper')]?.Properties as { Timeout: number };
    const work = resources[ids.workQueue]?.Properties as Record<string, unknown>;

    // Assess
    expect(work.VisibilityTimeout).toBeGreaterThanOrEqual(6 * scraper.Timeout);
    expect(work).toMatchObject({
      VisibilityTimeout: queueDefinition.visibilityTimeoutSeconds,
      MaximumMessageSize: queueDefinition.maximumMessageBytes,
      MessageRetentionPeriod: queueDefinition.messageRetentionSeconds,
      RedrivePolicy: {
        maxReceiveCount: queueDefinition.maxReceiveCount,
        deadLetterTargetArn: {
          'Fn::GetAtt': [logicalIdOf(template, 'AWS::SQS::Queue', { QueueName: 'gapless-work-dlq' }), 'Arn'],
        },
      },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: queueDefinition.deadLetterQueueName,
      MessageRetentionPeriod: queueDefinition.deadLetterRetentionSeconds,
      MaximumMessageSize: queueDefinition.maximumMessageBytes,
    });
  });

  it('drive the scraper in batches with partial failures and a concurrency cap', () => {
    // Act / Assess
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: aliasName('scraper'),
      EventSourceArn: queueArn,
      BatchSize: queueDefinition.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 5 },
    });
  });
});

describe('functions', () => {
  it('run the scheduled functions one at a time, the scraper under its event source cap, csv_ingest once per upload', () => {
    // Prepare
    const reserved = (name: Parameters<typeof functionId>[0]) =>
      (resources[functionId(name)]?.Properties as { ReservedConcurrentExecutions?: number })
        .ReservedConcurrentExecutions;

    // Act / Assess
    expect(reserved('data_clustering')).toBe(1);
    expect(reserved('retry_recheck')).toBe(1);
    expect(reserved('lake_export')).toBe(1);
    expect(reserved('scraper')).toBeUndefined();
    expect(reserved('csv_ingest')).toBeUndefined();
  });

  it.each([
    ['data_clustering', ['TABLE_NAME', 'QUEUE_URL', 'MAX_MESSAGE_BYTES']],
    ['scraper', ['TABLE_NAME', 'MAX_RETRIES', 'MAX_MESSAGE_BYTES']],
    ['retry_recheck', ['TABLE_NAME', 'QUEUE_URL', 'MAX_RETRIES', 'MAX_MESSAGE_BYTES']],
    ['csv_ingest', ['TABLE_NAME', 'MAX_MESSAGE_BYTES', 'NODE_OPTIONS']],
    ['lake_export', ['TABLE_NAME', 'LAKE_BUCKET', 'LAKE_PREFIX', 'MAX_MESSAGE_BYTES']],
  ] as const)('%s runs index.handler on nodejs22.x with its configuration', (name, variables) => {
    // Act
    const props = resources[functionId(name)]?.Properties as {
      Environment: { Variables: Record<string, unknown> };
    };

    // Assess
    expect(props).toMatchObject({ FunctionName: name, Runtime: 'nodejs22.x', Handler: 'index.handler' });
    expect(Object.keys(props.Environment.Variables).sort()).toEqual([...variables].sort());
    expect(props.Environment.Variables.MAX_MESSAGE_BYTES).toBe(
      String((resources[ids.workQueue]?.Properties as { MaximumMessageSize: number }).MaximumMessageSize),
    );
  });

  it("caps csv_ingest's heap with NODE_OPTIONS, so its memory stays under a ceiling whatever the file's size", () => {
    // Act
    const variables = (
      resources[functionId('csv_ingest')]?.Properties as {
        Environment: { Variables: Record<string, string> };
      }
    ).Environment.Variables;

    // Assess
    expect(variables.NODE_OPTIONS).toBe('--max-old-space-size=96 --max-semi-space-size=8');
  });
});

describe('schedules and alarms', () => {
  it('run data_clustering daily and weekly in audit mode, retry_recheck every 30 minutes, lake_export daily at 01:00', () => {
    // Act
    const rules = Object.values(template.findResources('AWS::Events::Rule')).map((r) => {
      const p = r.Properties as { ScheduleExpression: string; Targets: { Input?: string }[] };
      return [p.ScheduleExpression, p.Targets[0]?.Input];
    });

    // Assess
    expect(rules).toEqual([
      ['cron(0 22 * * ? *)', '{"mode":"routine"}'],
      ['cron(30 23 ? * SUN *)', '{"mode":"audit"}'],
      ['rate(30 minutes)', undefined],
      ['cron(0 1 * * ? *)', undefined],
    ]);
  });

  it('alarm on the dead-letter queue, on quarantined records and on each function error', () => {
    // Act
    const alarms = template.findResources('AWS::CloudWatch::Alarm');

    // Assess
    expect(Object.keys(alarms)).toHaveLength(2 + functionNames.length);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Threshold: 1,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [Match.objectLike({ Expression: 'SELECT SUM(Quarantined) FROM "Gapless"' })],
    });
    for (const name of functionNames) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId(name) } }],
      });
    }
  });
});
