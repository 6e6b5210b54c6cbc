import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Grant, PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption, RedrivePermission } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SERVICE_NAMES } from '../../lambdas/environment';
import { processorEnvironment, routeResourceNames } from '../../lambdas/runtime-config';
import { DEFAULTS, DLQ_RETENTION_DAYS, minimumVisibilityTimeoutSeconds } from '../config/defaults';
import type { IdempotencyTable } from './idempotency-table';
import { WebhookFunction, type LogLevel, type SystemLogLevelName } from './webhook-function';

/** Largest SQS message (1 MiB), set explicitly so a lower account default never applies. */
export const MAX_QUEUE_MESSAGE_BYTES = 1_048_576;
/** DLQ messages are kept as long as SQS allows, for inspection and redrive. */
export const DEAD_LETTER_RETENTION = Duration.days(DLQ_RETENTION_DAYS);

export interface ProviderPipelineProps {
  /** Provider name, as in `lambdas/core/registry.ts`. */
  readonly provider: string;
  /**
   * Prefix of the physical names of the queues (`routeResourceNames`), from which the verifier
   * derives their URLs: the deployment's stack name (a nested stack's own name is not known at
   * synth time).
   */
  readonly namePrefix: string;
  /** Idempotency records of the processor. */
  readonly idempotencyTable: IdempotencyTable;
  /** Customer-managed key encrypting the topic (see `docs/configuration.md`, "Topic encryption"). */
  readonly topicKey: IKey;
  /** Receives before a message moves to the DLQ. @default 5 */
  readonly maxReceiveCount?: number;
  /** @default Duration.seconds(30) */
  readonly processorTimeout?: Duration;
  /** @default 256 */
  readonly processorMemorySize?: number;
  /** Most concurrent processor invocations (at least 2). @default 5 */
  readonly maxConcurrency?: number;
  /** Messages per processor invocation. @default 10 */
  readonly batchSize?: number;
  /** Time the event source waits to fill a batch. @default Duration.seconds(0) */
  readonly maxBatchingWindow?: Duration;
  /** @default `minimumVisibilityTimeoutSeconds`: 6 × processorTimeout + maxBatchingWindow */
  readonly visibilityTimeout?: Duration;
  /** How long the queue keeps a message. @default Duration.days(4) */
  readonly queueRetention?: Duration;
  /** `IDEMPOTENCY_WINDOW_SECONDS` of the processor. @default 604800 (7 days) */
  readonly idempotencyWindowSeconds?: number;
  /** What happens to the queues when the stack is deleted. @default RemovalPolicy.DESTROY */
  readonly removalPolicy?: RemovalPolicy;
  /** Retention of the processor's log group. @default DEFAULT_LOG_RETENTION (RetentionDays.ONE_MONTH) */
  readonly logRetention?: RetentionDays;
  /** @default 'INFO' */
  readonly logLevel?: LogLevel;
  /** @default 'WARN' */
  readonly systemLogLevel?: SystemLogLevelName;
  /** @default false */
  readonly tracing?: boolean;
}

/**
 * Everything one provider needs after verification, shared by every route of the provider: its
 * queue and DLQ, the processor that moves events from the queue to the provider's SNS topic
 * (partial batch failures, bounded concurrency), and the topic. Each route's signing secrets are
 * its own (`RouteSecret`).
 */
export class ProviderPipeline extends Construct {
  public readonly provider: string;
  public readonly queue: Queue;
  public readonly deadLetterQueue: Queue;
  public readonly processor: WebhookFunction;
  public readonly topic: Topic;

  public constructor(scope: Construct, id: string, props: ProviderPipelineProps) {
    super(scope, id);
    this.provider = props.provider;
    const names = routeResourceNames(props.namePrefix, props.provider);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    const processorTimeout = props.processorTimeout ?? Duration.seconds(DEFAULTS.pipeline.processorTimeoutSeconds);
    const maxBatchingWindow = props.maxBatchingWindow ?? Duration.seconds(DEFAULTS.pipeline.maxBatchingWindowSeconds);

    // The queue's ARN from its name: the DLQ can name its one source queue without a reference
    // cycle (the queue refers to the DLQ for its redrive policy).
    const queueArn = Stack.of(this).formatArn({ service: 'sqs', resource: names.queueName, arnFormat: ArnFormat.NO_RESOURCE_NAME });
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      queueName: names.deadLetterQueueName,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      maxMessageSizeBytes: MAX_QUEUE_MESSAGE_BYTES,
      retentionPeriod: DEAD_LETTER_RETENTION,
      // Only this provider's queue may dead-letter into it.
      redriveAllowPolicy: {
        redrivePermission: RedrivePermission.BY_QUEUE,
        sourceQueues: [Queue.fromQueueArn(this, 'SourceQueue', queueArn)],
      },
      removalPolicy,
    });
    this.queue = new Queue(this, 'Queue', {
      queueName: names.queueName,
      // SQS-managed encryption: neither the verifier nor the processor needs a KMS grant.
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      maxMessageSizeBytes: MAX_QUEUE_MESSAGE_BYTES,
      visibilityTimeout:
        props.visibilityTimeout ??
        Duration.seconds(
          minimumVisibilityTimeoutSeconds({ processorTimeoutSeconds: processorTimeout.toSeconds(), maxBatchingWindowSeconds: maxBatchingWindow.toSeconds() }),
        ),
      retentionPeriod: props.queueRetention ?? Duration.days(DEFAULTS.pipeline.queueRetentionDays),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? DEFAULTS.pipeline.maxReceiveCount },
      removalPolicy,
    });

    this.topic = new Topic(this, 'Topic', {
      displayName: `hookrelay ${props.provider} events`,
      masterKey: props.topicKey,
      enforceSSL: true,
    });

    this.processor = new WebhookFunction(this, 'Processor', {
      entry: 'lambdas/handlers/processor.ts',
      serviceName: SERVICE_NAMES.processor,
      description: `hookrelay: ${props.provider} queue → SNS topic`,
      timeout: processorTimeout,
      memorySize: props.processorMemorySize ?? DEFAULTS.pipeline.processorMemorySize,
      logRetention: props.logRetention,
      logRemovalPolicy: removalPolicy,
      logLevel: props.logLevel,
      systemLogLevel: props.systemLogLevel,
      tracing: props.tracing,
      environment: processorEnvironment({
        provider: props.provider,
        topicArn: this.topic.topicArn,
        idempotencyTableName: props.idempotencyTable.table.tableName,
        idempotencyWindowSeconds: props.idempotencyWindowSeconds ?? DEFAULTS.idempotencyWindowSeconds,
      }),
    });
    this.processor.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: props.batchSize ?? DEFAULTS.pipeline.batchSize,
        maxBatchingWindow: maxBatchingWindow.toSeconds() > 0 ? maxBatchingWindow : undefined,
        maxConcurrency: props.maxConcurrency ?? DEFAULTS.pipeline.processorMaxConcurrency,
        reportBatchItemFailures: true,
      }),
    );
    props.idempotencyTable.grantLedgerAccess(this.processor, 'processor');
    this.#grantPublish(this.processor, props.topicKey);
  }

  /**
   * Lets `grantee` enqueue events for these providers: `sqs:SendMessage` on their queues, nothing
   * else (`grantSendMessages` adds GetQueueAttributes and GetQueueUrl, which the verifier never
   * calls: it derives queue URLs). One statement for every queue keeps the verifier's policy small
   * however many providers there are (IAM allows 10,240 characters of inline policy per role). The
   * queues are encrypted with SQS-managed keys, so no KMS permission is needed.
   */
  public static grantEnqueue(grantee: IGrantable, pipelines: readonly ProviderPipeline[]): Grant {
    return Grant.addToPrincipal({ grantee, actions: ['sqs:SendMessage'], resourceArns: pipelines.map((pipeline) => pipeline.queue.queueArn) });
  }

  /** sns:Publish on this topic, and the two key actions publishing to an encrypted topic needs. */
  #grantPublish(grantee: WebhookFunction, topicKey: IKey): void {
    grantee.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: [this.topic.topicArn] }));
    grantee.addToRolePolicy(new PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [topicKey.keyArn] }));
  }
}
