import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, type CfnBucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeOnPrincipal } from './acknowledge';

export interface PayloadBucketProps {
  /** How long a claim-checked payload is kept. @default Duration.days(30) */
  readonly expiration?: Duration;
  /**
   * What happens to the bucket when the stack is deleted; DESTROY also empties it first (a
   * CloudFormation custom resource), since a non-empty bucket cannot be deleted.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Claim check for payloads too large for SNS: the verifier writes the payload here and the
 * envelope carries `payloadLocation`. Private, TLS-only, S3-managed encryption — so a subscriber
 * needs only `s3:GetObject`, no KMS grant — and objects expire on their own.
 */
export class PayloadBucket extends Construct {
  public readonly bucket: Bucket;

  public constructor(scope: Construct, id: string, props: PayloadBucketProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        { id: 'expire-payloads', expiration: props.expiration ?? Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy,
      autoDeleteObjects: removalPolicy === RemovalPolicy.DESTROY,
    });

    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason:
        'Transient claim-check objects reachable only through IAM roles of this stack and its subscribers; ' +
        'enable CloudTrail S3 data events for an audit trail instead of a second, log-holding bucket.',
    });
  }

  /** Lets `grantee` write payload objects: `s3:PutObject` only, no read, delete, ACL or tagging. */
  public grantWritePayloads(grantee: IGrantable): Grant {
    const grant = Grant.addToPrincipal({ grantee, actions: ['s3:PutObject'], resourceArns: [this.bucket.arnForObjects('*')] });
    const bucketLogicalId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    acknowledgeOnPrincipal(grantee, {
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${bucketLogicalId}.Arn>/*]`,
      reason: 'Payload object keys are chosen per event at run time; the grant is PutObject only, on this bucket only.',
    });
    return grant;
  }
}
