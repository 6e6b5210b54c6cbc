import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { Grant, IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { LEDGER_DYNAMODB_ACTIONS, type LedgerSide } from '../../lambdas/adapters/ledger-actions';
import { DEFAULTS } from '../config/defaults';

/** The IAM actions of one side of the event ledger: the DynamoDB calls its code makes, nothing more. */
export const ledgerActions = (side: LedgerSide): string[] => LEDGER_DYNAMODB_ACTIONS[side].map((action) => `dynamodb:${action}`);

export interface IdempotencyTableProps {
  /** What happens to the table when the stack is deleted. @default RemovalPolicy.DESTROY */
  readonly removalPolicy?: RemovalPolicy;
  /** DynamoDB deletion protection. @default false */
  readonly deletionProtection?: boolean;
  /** Point-in-time recovery (continuous backups). @default true */
  readonly pointInTimeRecovery?: boolean;
}

/**
 * The event ledger of the verifier and the processors (`lambdas/adapters/event-ledger.ts`): partition key
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

  /**
   * Lets `grantee` make the calls of its side of the event ledger, and nothing else: no Scan or
   * Query, and batch operations only for the processor, which `grantReadWriteData` would give both.
   */
  public grantLedgerAccess(grantee: IGrantable, side: LedgerSide): Grant {
    return this.table.grant(grantee, ...ledgerActions(side));
  }
}
