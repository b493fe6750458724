import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { bucketLayout } from './bucketLayout.js';
import { bucketArnOfName, ingestBucketName } from './pipelineBuckets.js';

/** The S3 events that start csv_ingest: every way an object is created (PUT, POST, copy, multipart). */
export const ingestEvent = 's3:ObjectCreated:*';

/**
 * An S3 event notification, not EventBridge: S3 invokes csv_ingest's alias `live` directly with the
 * standard `Records[].s3` event, for every object created under `incoming/` (the rest of the bucket is
 * csv_ingest's own output and must not trigger it). EventBridge would add a rule and a charge per event for
 * the same single target.
 *
 * Declared on the bucket itself (its NotificationConfiguration) with the invoke permission S3 needs, rather
 * than with CDK's `addEventNotification`, which deploys a helper Lambda whose role may call
 * `s3:PutBucketNotification` on every bucket (`*`) and carries a managed policy. The permission names the
 * bucket by its fixed name, and the bucket waits for it: S3 checks that it may invoke the target when the
 * notification is set.
 */
export class IngestTrigger extends Construct {
  readonly permission: lambda.CfnPermission;

  constructor(scope: Construct, id: string, props: { bucket: s3.Bucket; target: lambda.IAlias }) {
    super(scope, id);
    this.permission = new lambda.CfnPermission(this, 'S3InvokesLive', {
      action: 'lambda:InvokeFunction',
      functionName: props.target.functionArn,
      principal: 's3.amazonaws.com',
      sourceArn: bucketArnOfName(ingestBucketName(this)),
      // A bucket name can change hands after it is deleted: only this account's bucket may invoke.
      sourceAccount: props.bucket.env.account,
    });
    const bucket = props.bucket.node.defaultChild as s3.CfnBucket;
    bucket.notificationConfiguration = {
      lambdaConfigurations: [
        {
          event: ingestEvent,
          function: props.target.functionArn,
          filter: { s3Key: { rules: [{ name: 'prefix', value: bucketLayout.ingest.incoming }] } },
        },
      ],
    };
    bucket.addResourceDependency(this.permission);
  }
}
