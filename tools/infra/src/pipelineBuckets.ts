import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { bucketLayout, bucketLifecycle, type BucketName } from './bucketLayout.js';

/**
 * The ingest bucket's name: fixed per account and region, as the queues' names are (one pipeline per account
 * and region). The S3 notification needs it known before the bucket exists: the bucket's notification names
 * csv_ingest, whose invoke permission must name the bucket, and a reference to the bucket's own ARN there
 * would make each wait for the other (the AWS::S3::Bucket documentation's advice: name the bucket).
 */
export function ingestBucketName(scope: Construct): string {
  const { account, region } = Stack.of(scope);
  return `gapless-ingest-${account}-${region}`;
}

/** The ARN of a bucket named `name`, without referring to the bucket resource. */
export function bucketArnOfName(name: string): string {
  return `arn:${Aws.PARTITION}:s3:::${name}`;
}

/**
 * The two buckets: `ingest` (CSV uploads under `incoming/`, csv_ingest's `raw/` copies and `rejected/`
 * reports) and `lake` (lake_export's Parquet files under `lake/`, read by Athena). Both private (every public
 * access blocked, ACLs disabled), encrypted with S3-managed keys, reachable over TLS 1.2+ only, and kept when
 * the stack is deleted. Not versioned: `raw/` is itself the copy of every upload, and the lake is derived
 * from the table (which has point-in-time recovery) and rebuilt by a `{"full": true}` export.
 *
 * S3-managed keys (SSE-S3) rather than KMS: the data are public statistics, and a KMS key would add its
 * monthly price, a charge per request (every Athena read of every Parquet file) and `kms:Decrypt` /
 * `kms:GenerateDataKey` grants to each role and to every Athena user, for no reader it would keep out that
 * the bucket policy and IAM do not already.
 */
export class PipelineBuckets extends Construct {
  readonly ingest: s3.Bucket;
  readonly lake: s3.Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const days = (n: number) => Duration.days(n);
    const abortUploads = days(bucketLifecycle.abortIncompleteMultipartUploadDays);
    this.ingest = privateBucket(this, 'IngestBucket', {
      bucketName: ingestBucketName(this),
      lifecycleRules: [
        {
          id: 'incoming-expires',
          prefix: bucketLayout.ingest.incoming,
          expiration: days(bucketLifecycle.incomingExpirationDays),
        },
        {
          id: 'raw-to-glacier-instant-retrieval',
          prefix: bucketLayout.ingest.raw,
          transitions: [
            {
              storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
              transitionAfter: days(bucketLifecycle.rawToGlacierInstantRetrievalDays),
            },
          ],
        },
        {
          id: 'rejected-expires',
          prefix: bucketLayout.ingest.rejected,
          expiration: days(bucketLifecycle.rejectedExpirationDays),
        },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: abortUploads },
      ],
    });
    // The lake's files are rewritten in place when their partition changes: nothing to expire.
    this.lake = privateBucket(this, 'LakeBucket', {
      lifecycleRules: [{ id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: abortUploads }],
    });
  }

  /**
   * The ARN of the keys matching `pattern` (`incoming/*`) in one of the buckets, for a role's policy. The
   * ingest bucket's is built from its fixed name: its notification makes the bucket wait for csv_ingest (and
   * so for csv_ingest's role policy), which therefore must not wait for the bucket.
   */
  objectsArn(name: BucketName, pattern: string): string {
    if (name === 'ingest') return `${bucketArnOfName(ingestBucketName(this))}/${pattern}`;
    return this[name].arnForObjects(pattern);
  }
}

function privateBucket(scope: Construct, id: string, props: s3.BucketProps): s3.Bucket {
  return new s3.Bucket(scope, id, {
    ...props,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    versioned: false,
    removalPolicy: RemovalPolicy.RETAIN,
  });
}
