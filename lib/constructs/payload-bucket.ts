import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, type CfnBucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DEFAULTS } from '../config/defaults';
import { acknowledgeGuardFinding } from '../policy-checks';
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
        { id: 'expire-payloads', expiration: props.expiration ?? Duration.days(DEFAULTS.payloadRetentionDays), abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy,
      autoDeleteObjects: removalPolicy === RemovalPolicy.DESTROY,
    });

    const accessLogsReason =
      'Transient claim-check objects reachable only through IAM roles of this stack and its subscribers; ' +
      'enable CloudTrail S3 data events for an audit trail instead of a second, log-holding bucket.';
    Validations.of(this.bucket).acknowledge({ id: 'AwsSolutions::AwsSolutions-S1', reason: accessLogsReason });
    const guardFindings: Record<string, string> = {
      s3_bucket_logging_enabled_check: accessLogsReason,
      s3_bucket_default_encryption_kms_check:
        'S3-managed encryption on purpose: a subscriber following a payloadLocation needs s3:GetObject and no grant on a KMS key.',
      s3_bucket_versioning_enabled_check:
        'Each payload is written once under its own key and expires by lifecycle; versions would only keep expired payloads longer.',
      s3_event_notifications_enabled_check: 'Nothing reacts to payload objects: subscribers learn of each one from the SNS envelope that points at it.',
      s3_bucket_object_lock_enabled_check: 'Payloads must expire (lifecycle rule) and be deletable with the stack in dev; object lock would prevent both.',
    };
    for (const [rule, reason] of Object.entries(guardFindings)) acknowledgeGuardFinding(this.bucket, rule, reason);
    // The stack-wide function CDK adds to empty the bucket before deleting it (dev only).
    const autoDeleteProvider = Stack.of(this).node.tryFindChild('Custom::S3AutoDeleteObjectsCustomResourceProvider');
    if (autoDeleteProvider) {
      acknowledgeGuardFinding(
        autoDeleteProvider,
        'lambda_inside_vpc_check',
        "CDK's own function that empties the payload bucket when the stack is deleted; it calls only the S3 API, authorised by IAM.",
      );
    }
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
