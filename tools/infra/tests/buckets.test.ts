import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { functionNames } from '../src/permissions.js';
import {
  logicalIdOf,
  type Statement,
  statementsOfRole,
  synthesizedTemplate,
  testDeployment,
} from './synthesizedTemplate.js';

const { template, resources } = await synthesizedTemplate();
const ingestName = `gapless-ingest-${testDeployment.account}-us-east-1`;
const ids = {
  ingest: logicalIdOf(template, 'AWS::S3::Bucket', { BucketName: ingestName }),
  lake: logicalIdOf(template, 'AWS::S3::Bucket', { BucketName: Match.absent() }),
};
const functionId = (name: string) => logicalIdOf(template, 'AWS::Lambda::Function', { FunctionName: name });
const aliasId = (name: string) =>
  logicalIdOf(template, 'AWS::Lambda::Alias', { FunctionName: { Ref: functionId(name) }, Name: 'live' });
const roleIdOf = (name: string) =>
  (resources[functionId(name)]?.Properties?.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
const bucketProps = (id: string) => resources[id]?.Properties as Record<string, unknown>;
/** The ingest bucket's keys under `prefix`, by its fixed name; the lake's, by its ARN. */
const ingestKeys = (prefix: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${ingestName}/${prefix}*`]],
});
const lakeKeys = (prefix: string) => ({
  'Fn::Join': ['', [{ 'Fn::GetAtt': [ids.lake, 'Arn'] }, `/${prefix}*`]],
});

describe('the ingest and lake buckets', () => {
  it.each(Object.entries(ids))(
    'keep the %s bucket private, S3-encrypted, unversioned and retained',
    (_name, id) => {
      // Act
      const bucket = template.toJSON().Resources[id] as Record<string, unknown>;
      const props = bucketProps(id);

      // Assess
      expect(bucket).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      expect(props.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      });
      expect(props.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(props.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
      expect(props.VersioningConfiguration).toBeUndefined();
    },
  );

  it.each(Object.entries(ids))(
    'refuse every request to the %s bucket without TLS 1.2 or later',
    (_name, id) => {
      // Prepare
      const bucketArn = { 'Fn::GetAtt': [id, 'Arn'] };
      const everything = [bucketArn, { 'Fn::Join': ['', [bucketArn, '/*']] }];
      const deny = (Condition: object) => ({
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 's3:*',
        Resource: everything,
        Condition,
      });

      // Act
      const policies = Object.values(
        template.findResources('AWS::S3::BucketPolicy', {
          Properties: { Bucket: { Ref: id } },
        }),
      );

      // Assess
      expect(policies).toHaveLength(1);
      expect(
        (policies[0]?.Properties as { PolicyDocument: { Statement: unknown[] } }).PolicyDocument.Statement,
      ).toEqual([
        deny({ Bool: { 'aws:SecureTransport': 'false' } }),
        deny({ NumericLessThan: { 's3:TlsVersion': 1.2 } }),
      ]);
    },
  );

  it('expire uploads after 30 days and reports after 90, move raw copies to Glacier Instant Retrieval at 90, keep them', () => {
    // Act
    const ingest = bucketProps(ids.ingest).LifecycleConfiguration;
    const lake = bucketProps(ids.lake).LifecycleConfiguration;

    // Assess
    const abort = {
      Id: 'abort-incomplete-uploads',
      Status: 'Enabled',
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
    };
    expect(ingest).toEqual({
      Rules: [
        { Id: 'incoming-expires', Prefix: 'incoming/', Status: 'Enabled', ExpirationInDays: 30 },
        {
          Id: 'raw-to-glacier-instant-retrieval',
          Prefix: 'raw/',
          Status: 'Enabled',
          Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 90 }],
        },
        { Id: 'rejected-expires', Prefix: 'rejected/', Status: 'Enabled', ExpirationInDays: 90 },
        abort,
      ],
    });
    expect(lake).toEqual({ Rules: [abort] });
  });
});

describe('the upload trigger', () => {
  it('invokes csv_ingest:live for every object created under incoming/, and for nothing else', () => {
    // Act
    const notification = bucketProps(ids.ingest).NotificationConfiguration;
    const others = Object.keys(template.findResources('AWS::S3::Bucket')).filter((id) => id !== ids.ingest);

    // Assess
    expect(notification).toEqual({
      LambdaConfigurations: [
        {
          Event: 's3:ObjectCreated:*',
          Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: 'incoming/' }] } },
          Function: { Ref: aliasId('csv_ingest') },
        },
      ],
    });
    for (const id of others) expect(bucketProps(id).NotificationConfiguration).toBeUndefined();
    // No CDK notification helper (its role may call s3:PutBucketNotification on any bucket).
    expect(Object.keys(template.findResources('Custom::S3BucketNotifications'))).toEqual([]);
  });

  it("lets only this account's ingest bucket invoke the alias, before the notification is set", () => {
    // Act
    const permissionId = logicalIdOf(template, 'AWS::Lambda::Permission', { Principal: 's3.amazonaws.com' });

    // Assess
    expect(resources[permissionId]?.Properties).toEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: { Ref: aliasId('csv_ingest') },
      Principal: 's3.amazonaws.com',
      SourceAccount: testDeployment.account,
      SourceArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${ingestName}`]] },
    });
    expect((template.toJSON().Resources[ids.ingest] as { DependsOn: string[] }).DependsOn).toEqual([
      permissionId,
    ]);
  });
});

describe("the functions' S3 permissions", () => {
  const s3Statements = (name: string): Statement[] =>
    statementsOfRole(resources, roleIdOf(name)).filter((s) => s.Action.some((a) => a.startsWith('s3:')));

  it('let csv_ingest read uploads, write copies, and write (or abort) reports, each under its own prefix only', () => {
    // Act
    const statements = s3Statements('csv_ingest');

    // Assess
    expect(statements).toEqual([
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: [ingestKeys('incoming/')] },
      { Effect: 'Allow', Action: ['s3:PutObject'], Resource: [ingestKeys('raw/')] },
      {
        Effect: 'Allow',
        Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
        Resource: [ingestKeys('rejected/')],
      },
    ]);
  });

  it('let lake_export write under lake/ only, the prefix it is told to use', () => {
    // Act
    const statements = s3Statements('lake_export');
    const environment = (
      resources[functionId('lake_export')]?.Properties as {
        Environment: { Variables: Record<string, unknown> };
      }
    ).Environment.Variables;

    // Assess
    expect(statements).toEqual([
      { Effect: 'Allow', Action: ['s3:PutObject'], Resource: [lakeKeys('lake/')] },
    ]);
    expect(environment).toMatchObject({ LAKE_BUCKET: { Ref: ids.lake }, LAKE_PREFIX: 'lake/' });
  });

  it('give no other function any S3 action', () => {
    // Act
    const others = functionNames.filter((name) => name !== 'csv_ingest' && name !== 'lake_export');

    // Assess
    expect(others.length).toBeGreaterThan(0);
    for (const name of others) expect(s3Statements(name)).toEqual([]);
  });
});
