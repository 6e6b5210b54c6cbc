import { ArnFormat, Duration, RemovalPolicy, SecretValue, Stack, Validations } from 'aws-cdk-lib';
import { Grant, PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption, RedrivePermission } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { processorEnvironment, routeResourceNames, SERVICE_NAMES } from '../../lambdas/runtime-config';
import { DEFAULTS, DLQ_RETENTION_DAYS } from '../config/defaults';
import type { IdempotencyTable } from './idempotency-table';
import { WebhookFunction, type LogLevel } from './webhook-function';

/** Largest SQS message (1 MiB), set explicitly so a lower account default never applies. */
export const MAX_QUEUE_MESSAGE_BYTES = 1_048_576;
/** DLQ messages are kept as long as SQS allows, for inspection and redrive. */
export const DEAD_LETTER_RETENTION = Duration.days(DLQ_RETENTION_DAYS);
/** The processor's service name, as `lambdas/handlers/processor.ts` reports it in logs and metrics. */
export const PROCESSOR_SERVICE_NAME = SERVICE_NAMES.processor;

/**
 * An existing Secrets Manager secret holding the provider's `{"secrets":[...]}`, and the
 * customer-managed KMS key it is encrypted with, if any.
 */
export type ExistingSecretReference = ({ readonly name: string } | { readonly arn: string }) & { readonly kmsKeyArn?: string };

export interface ProviderPipelineProps {
  /** Provider name, as in `lambdas/core/registry.ts`. */
  readonly provider: string;
  /**
   * Prefix of the physical names of the queues and the created secret (`routeResourceNames`):
   * the verifier derives them from it.
   * @default the stack name
   */
  readonly namePrefix?: string;
  /** Idempotency records of the processor. */
  readonly idempotencyTable: IdempotencyTable;
  /** Customer-managed key encrypting the topic (see `docs/configuration.md`, "Topic encryption"). */
  readonly topicKey: IKey;
  /** Use this secret instead of creating one. @default a new secret holding `{"secrets":[]}` */
  readonly existingSecret?: ExistingSecretReference;
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
  /** @default 6 × processorTimeout + maxBatchingWindow */
  readonly visibilityTimeout?: Duration;
  /** How long the queue keeps a message. @default Duration.days(4) */
  readonly queueRetention?: Duration;
  /** `IDEMPOTENCY_WINDOW_SECONDS` of the processor. @default 604800 (7 days) */
  readonly idempotencyWindowSeconds?: number;
  /** What happens to the queues and the created secret when the stack is deleted. @default RemovalPolicy.DESTROY */
  readonly removalPolicy?: RemovalPolicy;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** @default 'INFO' */
  readonly logLevel?: LogLevel;
  /** @default false */
  readonly tracing?: boolean;
}

/**
 * Everything one provider needs after verification: its queue and DLQ, the processor that moves
 * events from the queue to the provider's SNS topic (partial batch failures, bounded concurrency),
 * the topic, and the secret holding the provider's signing secrets.
 */
export class ProviderPipeline extends Construct {
  public readonly provider: string;
  public readonly queue: Queue;
  public readonly deadLetterQueue: Queue;
  public readonly processor: WebhookFunction;
  public readonly topic: Topic;
  public readonly secret: ISecret;
  /**
   * What the verifier passes to GetSecretValue: the created secret's name (derived, like the
   * queue URL, from the name prefix), or the configured name/ARN.
   */
  public readonly secretId: string;
  /** Physical names of the queues and the created secret. */
  public readonly names: ReturnType<typeof routeResourceNames>;

  /** The created or configured ARN; for a secret referenced by name, its ARN with the `-??????` suffix pattern. */
  readonly #secretArnForPolicies: string;
  readonly #secretKmsKeyArn: string | undefined;

  public constructor(scope: Construct, id: string, props: ProviderPipelineProps) {
    super(scope, id);
    this.provider = props.provider;
    this.names = routeResourceNames(props.namePrefix ?? Stack.of(this).stackName, props.provider);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    const processorTimeout = props.processorTimeout ?? Duration.seconds(DEFAULTS.pipeline.processorTimeoutSeconds);
    const maxBatchingWindow = props.maxBatchingWindow ?? Duration.seconds(DEFAULTS.pipeline.maxBatchingWindowSeconds);

    // The queue's ARN from its name: the DLQ can name its one source queue without a reference
    // cycle (the queue refers to the DLQ for its redrive policy).
    const queueArn = Stack.of(this).formatArn({ service: 'sqs', resource: this.names.queueName, arnFormat: ArnFormat.NO_RESOURCE_NAME });
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      queueName: this.names.deadLetterQueueName,
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
      queueName: this.names.queueName,
      // SQS-managed encryption: neither the verifier nor the processor needs a KMS grant.
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      maxMessageSizeBytes: MAX_QUEUE_MESSAGE_BYTES,
      visibilityTimeout:
        props.visibilityTimeout ??
        Duration.seconds(DEFAULTS.pipeline.visibilityTimeoutFactor * processorTimeout.toSeconds() + maxBatchingWindow.toSeconds()),
      retentionPeriod: props.queueRetention ?? Duration.days(DEFAULTS.pipeline.queueRetentionDays),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? DEFAULTS.pipeline.maxReceiveCount },
      removalPolicy,
    });

    this.topic = new Topic(this, 'Topic', {
      displayName: `hookrelay ${props.provider} events`,
      masterKey: props.topicKey,
      enforceSSL: true,
    });

    const secret = this.#signingSecret(props.existingSecret, removalPolicy);
    this.secret = secret.secret;
    this.secretId = secret.secretId;
    this.#secretArnForPolicies = secret.arnForPolicies;
    this.#secretKmsKeyArn = props.existingSecret?.kmsKeyArn;

    this.processor = new WebhookFunction(this, 'Processor', {
      entry: 'lambdas/handlers/processor.ts',
      serviceName: PROCESSOR_SERVICE_NAME,
      description: `hookrelay: ${props.provider} queue → SNS topic`,
      timeout: processorTimeout,
      memorySize: props.processorMemorySize ?? DEFAULTS.pipeline.processorMemorySize,
      logRetention: props.logRetention,
      logRemovalPolicy: removalPolicy,
      logLevel: props.logLevel,
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
    props.idempotencyTable.grantRecordAccess(this.processor);
    this.#grantPublish(this.processor, props.topicKey);
  }

  /**
   * Lets `grantee` enqueue events for this provider: `sqs:SendMessage` on this queue, nothing else
   * (`grantSendMessages` adds GetQueueAttributes and GetQueueUrl, which the verifier never calls:
   * it derives the queue URL). The queue is encrypted with SQS-managed keys, so no KMS permission
   * is needed.
   */
  public grantEnqueue(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({ grantee, actions: ['sqs:SendMessage'], resourceArns: [this.queue.queueArn] });
  }

  /**
   * Lets `grantee` read the signing secrets: `secretsmanager:GetSecretValue` on this secret only,
   * and, for an existing secret encrypted with a customer-managed key, `kms:Decrypt` on that key
   * only through Secrets Manager in this region. Created secrets use the AWS managed key, which
   * needs no grant.
   */
  public grantReadSigningSecrets(grantee: IGrantable): Grant {
    const grant = Grant.addToPrincipal({
      grantee,
      actions: ['secretsmanager:GetSecretValue'],
      resourceArns: [this.#secretArnForPolicies],
    });
    if (this.#secretKmsKeyArn !== undefined) {
      grantee.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [this.#secretKmsKeyArn],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` } },
        }),
      );
    }
    return grant;
  }

  /** sns:Publish on this topic, and the two key actions publishing to an encrypted topic needs. */
  #grantPublish(grantee: WebhookFunction, topicKey: IKey): void {
    grantee.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: [this.topic.topicArn] }));
    grantee.addToRolePolicy(new PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [topicKey.keyArn] }));
  }

  #signingSecret(
    existing: ExistingSecretReference | undefined,
    removalPolicy: RemovalPolicy,
  ): { secret: ISecret; secretId: string; arnForPolicies: string } {
    if (existing && 'arn' in existing) {
      const secret = Secret.fromSecretCompleteArn(this, 'SigningSecrets', existing.arn);
      return { secret, secretId: existing.arn, arnForPolicies: existing.arn };
    }
    if (existing) {
      const secret = Secret.fromSecretNameV2(this, 'SigningSecrets', existing.name);
      // Secrets Manager appends six random characters to a secret's ARN; by name, only the
      // pattern is known.
      const arnForPolicies = Stack.of(this).formatArn({
        service: 'secretsmanager',
        resource: 'secret',
        resourceName: `${existing.name}-??????`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
      return { secret, secretId: existing.name, arnForPolicies };
    }
    const secret = new Secret(this, 'SigningSecrets', {
      secretName: this.names.secretName,
      description: `hookrelay: ${this.provider} signing secrets, newest first: {"secrets":["<newest>","<older>"]}`,
      // A placeholder, not a secret: the operator puts the provider's signing secret in after
      // deployment. Until then the verifier answers 503 and the provider retries.
      secretStringValue: SecretValue.unsafePlainText(JSON.stringify({ secrets: [] })),
      removalPolicy,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason:
        'Signing secrets are issued by the provider (Stripe, GitHub, …) and can only be rotated there; ' +
        'the {"secrets":[newest, older]} list gives zero-downtime manual rotation.',
    });
    // The name, not the ARN: the verifier derives it from the name prefix (HOOKRELAY_SECRET_NAME_PREFIX).
    return { secret, secretId: this.names.secretName, arnForPolicies: secret.secretArn };
  }
}
