import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { HookrelaySubscription } from '@hookrelay/subscriber/cdk';
import type { Construct } from 'constructs';
import path from 'node:path';

export interface BillingSubscriberStackProps extends StackProps {
  /** hookrelay's `StripeTopicArn` output. */
  readonly stripeTopicArn: string;
  /** hookrelay's `GithubTopicArn` output. */
  readonly githubTopicArn: string;
  /** hookrelay's payload bucket, for claim-checked payloads. */
  readonly payloadBucketName: string;
}

/** The billing subscriber: one function fed by two subscriptions, deduplicating in its own table. */
export class BillingSubscriberStack extends Stack {
  public constructor(scope: Construct, id: string, props: BillingSubscriberStackProps) {
    super(scope, id, props);

    // Powertools idempotency's layout: partition key `id`, TTL attribute `expiration`.
    const idempotency = new Table(this, 'Idempotency', {
      partitionKey: { name: 'id', type: AttributeType.STRING },
      timeToLiveAttribute: 'expiration',
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const logGroup = new LogGroup(this, 'HandlerLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    // Own role: the AWS managed basic-execution policy may write to every log group in the account.
    const role = new Role(this, 'HandlerRole', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);

    const handler = new NodejsFunction(this, 'Handler', {
      entry: path.join(__dirname, '../src/handler.ts'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      timeout: Duration.seconds(30),
      memorySize: 256,
      role,
      logGroup,
      environment: { IDEMPOTENCY_TABLE_NAME: idempotency.tableName, NODE_OPTIONS: '--enable-source-maps' },
      bundling: { format: OutputFormat.CJS, target: 'node24', minify: true, sourceMap: true, sourcesContent: false },
    });
    idempotency.grantReadWriteData(handler);

    new HookrelaySubscription(this, 'StripeInvoices', {
      topic: props.stripeTopicArn,
      eventTypes: ['invoice.paid'],
      handler,
      payloadBucket: props.payloadBucketName,
    });
    new HookrelaySubscription(this, 'GitHubPushes', {
      topic: props.githubTopicArn,
      eventTypes: ['push'],
      handler,
      payloadBucket: props.payloadBucketName,
    });
  }
}
