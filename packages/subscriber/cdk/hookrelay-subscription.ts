import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData, type IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { Grant } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Topic, type CfnSubscription, type ITopic, type Subscription } from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { subscriptionFilterPolicy } from '../src/filter-policy';

/** Receives before SQS moves a message to the DLQ. */
export const DEFAULT_MAX_RECEIVE_COUNT = 5;
/** Lambda's own guidance: a queue's visibility timeout at least six times the function's timeout. */
export const VISIBILITY_TIMEOUT_PER_FUNCTION_TIMEOUT = 6;
/** The function timeout assumed when the function does not say (an imported function). */
export const ASSUMED_FUNCTION_TIMEOUT = Duration.seconds(30);

export interface HookrelaySubscriptionProps {
  /** A hookrelay topic: its `<Provider>TopicArn` stack output, or the topic. */
  readonly topic: ITopic | string;
  /** The function handling the events: a `createSubscriber(…).handler`. */
  readonly handler: IFunction;
  /**
   * Event types to receive: exact (`invoice.paid`) or a prefix ending in `*` (`customer.subscription.*`).
   * @default every type
   */
  readonly eventTypes?: readonly string[];
  /** Sources (route names) to receive, e.g. `['stripe-eu']`. @default every source */
  readonly sources?: readonly string[];
  /** Also receive messages re-published from the archive. @default false */
  readonly includeReplays?: boolean;
  /**
   * hookrelay's payload bucket (its name, ARN or the bucket): the function may read claim-checked
   * payloads (`s3:GetObject` only). @default no access: claim-checked payloads fail, then reach the DLQ
   */
  readonly payloadBucket?: IBucket | string;
  /** @default 5 */
  readonly maxReceiveCount?: number;
  /** Messages per invocation. @default 10 */
  readonly batchSize?: number;
  /** How long the event source waits to fill a batch. @default no wait */
  readonly maxBatchingWindow?: Duration;
  /** Most concurrent invocations this queue causes (2–1000). @default no limit beyond the function's */
  readonly maxConcurrency?: number;
  /** @default 6 × the function's timeout (30 s assumed for an imported function) + maxBatchingWindow */
  readonly visibilityTimeout?: Duration;
  /** How long an unhandled message is kept. @default Duration.days(4) */
  readonly retentionPeriod?: Duration;
  /** Told when the DLQ holds a message. @default the alarm has no action */
  readonly alarmActions?: readonly IAlarmAction[];
}

/**
 * A Lambda function subscribed to a hookrelay topic the way hookrelay's own pipelines are built:
 * an encrypted, TLS-only SQS queue with its DLQ, subscribed with raw message delivery and a filter
 * policy (event types, sources, replays kept out), an event source mapping that reports partial
 * batch failures, read access to claim-checked payloads, and an alarm on the DLQ.
 */
export class HookrelaySubscription extends Construct {
  public readonly queue: Queue;
  public readonly deadLetterQueue: Queue;
  public readonly topic: ITopic;
  public readonly subscription: Subscription;
  /** The subscription's filter policy; undefined when it lets everything through. */
  public readonly filterPolicy: Record<string, unknown> | undefined;
  public readonly eventSource: SqsEventSource;
  public readonly deadLetterAlarm: Alarm;

  public constructor(scope: Construct, id: string, props: HookrelaySubscriptionProps) {
    super(scope, id);
    this.topic = typeof props.topic === 'string' ? Topic.fromTopicArn(this, 'Topic', props.topic) : props.topic;
    this.filterPolicy = subscriptionFilterPolicy({
      ...(props.eventTypes ? { eventTypes: props.eventTypes } : {}),
      ...(props.sources ? { sources: props.sources } : {}),
      includeReplays: props.includeReplays ?? false,
    });
    const maxBatchingWindow = props.maxBatchingWindow ?? Duration.seconds(0);
    const functionTimeout = (props.handler as { timeout?: Duration }).timeout ?? ASSUMED_FUNCTION_TIMEOUT;

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Queue', {
      // SQS-managed keys: SNS can deliver without a key policy, the function reads without a KMS grant.
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout:
        props.visibilityTimeout ??
        Duration.seconds(VISIBILITY_TIMEOUT_PER_FUNCTION_TIMEOUT * functionTimeout.toSeconds() + maxBatchingWindow.toSeconds()),
      retentionPeriod: props.retentionPeriod ?? Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT },
    });

    // SqsSubscription writes the queue policy (sns.amazonaws.com, aws:SourceArn = the topic). Its
    // filterPolicy option cannot express `$or` or `exists: false`, so the policy is set on the
    // subscription resource, from the same function the local gateway uses.
    this.subscription = this.topic.addSubscription(new SqsSubscription(this.queue, { rawMessageDelivery: true }));
    if (this.filterPolicy) (this.subscription.node.defaultChild as CfnSubscription).filterPolicy = this.filterPolicy;

    this.eventSource = new SqsEventSource(this.queue, {
      batchSize: props.batchSize ?? 10,
      ...(maxBatchingWindow.toSeconds() > 0 ? { maxBatchingWindow } : {}),
      ...(props.maxConcurrency === undefined ? {} : { maxConcurrency: props.maxConcurrency }),
      reportBatchItemFailures: true,
    });
    props.handler.addEventSource(this.eventSource);

    if (props.payloadBucket !== undefined) this.#grantReadPayloads(props.handler, props.payloadBucket);

    this.deadLetterAlarm = new Alarm(this, 'DeadLetterAlarm', {
      alarmDescription: `Messages from ${this.topic.topicName} failed ${props.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT} times and wait in the DLQ`,
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmActions) this.deadLetterAlarm.addAlarmAction(...props.alarmActions);
  }

  /** `s3:GetObject` on the bucket's objects only: no list, no write, no delete. */
  #grantReadPayloads(handler: IFunction, payloadBucket: IBucket | string): void {
    const bucket =
      typeof payloadBucket !== 'string'
        ? payloadBucket
        : payloadBucket.startsWith('arn:')
          ? Bucket.fromBucketArn(this, 'PayloadBucket', payloadBucket)
          : Bucket.fromBucketName(this, 'PayloadBucket', payloadBucket);
    Grant.addToPrincipal({ grantee: handler, actions: ['s3:GetObject'], resourceArns: [bucket.arnForObjects('*')] });
    const principal = handler.grantPrincipal;
    if (Construct.isConstruct(principal)) {
      Validations.of(principal).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::${resourceForNag(Stack.of(this), bucket.arnForObjects('*'))}]`,
        reason: 'Claim-checked payload keys are chosen per event by hookrelay; the grant is GetObject only, on its payload bucket only.',
      });
    }
  }
}

/** How cdk-nag names a resource in its finding ids: tokens resolved, references as `<LogicalId.Arn>`. */
function resourceForNag(stack: Stack, arn: string): string {
  const resolved = stack.resolve(arn) as unknown;
  if (typeof resolved === 'string') return resolved;
  const join = (resolved as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (!join) return '*';
  return join[1]
    .map((part) => {
      if (typeof part === 'string') return part;
      const getAtt = (part as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt'];
      if (getAtt) return `<${getAtt.join('.')}>`;
      const ref = (part as { Ref?: string }).Ref;
      return ref ? `<${ref}>` : '*';
    })
    .join(join[0]);
}
