import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { Grant, IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DEFAULTS } from '../config/defaults';

/**
 * The item-level actions Powertools idempotency performs (conditional put, get, update, delete):
 * no Scan, Query or batch operations, which `grantReadWriteData` would also allow.
 */
export const IDEMPOTENCY_RECORD_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:GetItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
] as const;

export interface IdempotencyTableProps {
  /** What happens to the table when the stack is deleted. @default RemovalPolicy.DESTROY */
  readonly removalPolicy?: RemovalPolicy;
  /** DynamoDB deletion protection. @default false */
  readonly deletionProtection?: boolean;
  /** Point-in-time recovery (continuous backups). @default true */
  readonly pointInTimeRecovery?: boolean;
}

/**
 * Idempotency records of the verifier and the processors, in the Powertools layout: partition key
 * `id` (string) and TTL attribute `expiration`. On-demand, because webhook traffic is bursty and
 * records are tiny; encrypted with the AWS managed key.
 */
export class IdempotencyTable extends Construct {
  public readonly table: Table;

  public constructor(scope: Construct, id: string, props: IdempotencyTableProps = {}) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: 'id', type: AttributeType.STRING },
      timeToLiveAttribute: 'expiration',
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: props.pointInTimeRecovery ?? DEFAULTS.pointInTimeRecovery },
      deletionProtection: props.deletionProtection ?? false,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
  }

  /** Lets `grantee` read and write single idempotency records, and nothing else. */
  public grantRecordAccess(grantee: IGrantable): Grant {
    return this.table.grant(grantee, ...IDEMPOTENCY_RECORD_ACTIONS);
  }
}
