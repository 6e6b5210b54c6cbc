import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { routeNaming, SERVICE_NAMES, verifierEnvironment, type RouteConfig, type RouteNaming } from '../lambdas/runtime-config';
import { templateLimitProblems } from './aws-limits';
import type { HookrelayConfig, ProviderConfig } from './config/schema';
import { EventArchive } from './constructs/event-archive';
import { IdempotencyTable } from './constructs/idempotency-table';
import { IngressApi } from './constructs/ingress-api';
import { Observability } from './constructs/observability';
import { PayloadBucket } from './constructs/payload-bucket';
import { ProviderPipeline } from './constructs/provider-pipeline';
import { RefusalQueries } from './constructs/refusal-queries';
import { WebhookFunction } from './constructs/webhook-function';
import { pascalCase, providerOutputKey } from './naming';

/** The verifier's service name, as `lambdas/handlers/verifier.ts` reports it in logs and metrics. */
export const VERIFIER_SERVICE_NAME = SERVICE_NAMES.verifier;

export interface WebhookStackProps extends StackProps {
  /** The validated configuration of the stage (`loadConfig`). */
  readonly config: HookrelayConfig;
}

/**
 * One hookrelay deployment: the ingress API and verifier, the idempotency table, the payload
 * bucket, one pipeline per enabled provider and the alarms and dashboard — all driven by the
 * configuration, looping over its providers; no provider is named here.
 */
export class WebhookStack extends Stack {
  public readonly config: HookrelayConfig;
  public readonly idempotency: IdempotencyTable;
  public readonly payloads: PayloadBucket;
  public readonly topicKey: Key;
  public readonly pipelines: readonly ProviderPipeline[];
  public readonly verifier: WebhookFunction;
  public readonly ingress: IngressApi;
  public readonly observability: Observability;
  /** The event archive, unless `archive.enabled` is false. */
  public readonly archive: EventArchive | undefined;
  /** How the verifier derives each route's queue URL and secret name. */
  public readonly routeNaming: RouteNaming;

  public constructor(scope: Construct, id: string, props: WebhookStackProps) {
    // The configured name is the physical stack name: queue and secret names derive from it.
    super(scope, id, { ...props, stackName: props.stackName ?? props.config.stackName });
    const { config } = props;
    this.config = config;
    this.routeNaming = routeNaming(this.stackName, `https://sqs.${this.region}.${this.urlSuffix}/${this.account}`);
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const functionDefaults = {
      logRetention: config.logging.retentionDays,
      logRemovalPolicy: removalPolicy,
      logLevel: config.logging.level,
      tracing: config.tracing,
    };

    this.idempotency = new IdempotencyTable(this, 'Idempotency', {
      removalPolicy,
      deletionProtection: config.deletionProtection,
      pointInTimeRecovery: config.pointInTimeRecovery,
    });
    this.payloads = new PayloadBucket(this, 'Payloads', {
      // An archived envelope may point at a claim-checked payload: keep payloads as long as the archive.
      expiration: Duration.days(config.archive.enabled ? Math.max(config.payloadRetentionDays, config.archive.retentionDays) : config.payloadRetentionDays),
      removalPolicy,
    });
    // One customer-managed key for every topic: subscribers (SQS, Lambda, HTTPS) need no access
    // to it — SNS decrypts before delivering — while AWS services that publish (CloudWatch alarms)
    // can be allowed in its key policy, which the AWS managed alias/aws/sns key does not permit.
    this.topicKey = new Key(this, 'TopicKey', {
      description: `${config.stackName}: encrypts the provider and operations SNS topics`,
      enableKeyRotation: true,
      removalPolicy,
    });
    // Grants on this key only for AWS resources: no principal — not even one the account's IAM
    // lets use the key — may hand its use to someone else with CreateGrant. Nothing in the stack
    // creates grants on it.
    this.topicKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'DenyGrantsExceptForAwsResources',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      }),
    );

    this.pipelines = config.providers.map(
      (provider) =>
        new ProviderPipeline(this, `${pascalCase(provider.name)}Pipeline`, {
          provider: provider.name,
          namePrefix: this.stackName,
          idempotencyTable: this.idempotency,
          topicKey: this.topicKey,
          existingSecret: provider.existingSecret,
          maxReceiveCount: config.pipeline.maxReceiveCount,
          processorTimeout: Duration.seconds(config.pipeline.processorTimeoutSeconds),
          processorMemorySize: config.pipeline.processorMemorySize,
          maxConcurrency: config.pipeline.processorMaxConcurrency,
          batchSize: config.pipeline.batchSize,
          maxBatchingWindow: Duration.seconds(config.pipeline.maxBatchingWindowSeconds),
          visibilityTimeout: Duration.seconds(config.pipeline.visibilityTimeoutSeconds),
          queueRetention: Duration.days(config.pipeline.queueRetentionDays),
          idempotencyWindowSeconds: config.idempotencyWindowSeconds,
          removalPolicy,
          ...functionDefaults,
        }),
    );

    this.verifier = new WebhookFunction(this, 'Verifier', {
      entry: 'lambdas/handlers/verifier.ts',
      serviceName: VERIFIER_SERVICE_NAME,
      description: 'hookrelay: verifies, deduplicates and enqueues webhooks',
      timeout: Duration.seconds(config.verifier.timeoutSeconds),
      memorySize: config.verifier.memorySize,
      reservedConcurrentExecutions: config.verifier.reservedConcurrency,
      ...functionDefaults,
      // Built by the verifier's own module, the inverse of the loader it runs at cold start.
      environment: verifierEnvironment({
        routes: this.#routes(),
        routeNaming: this.routeNaming,
        ...(this.#publicBaseUrl() !== undefined ? { publicBaseUrl: this.#publicBaseUrl() } : {}),
        idempotencyTableName: this.idempotency.table.tableName,
        idempotencyWindowSeconds: config.idempotencyWindowSeconds,
        secretsRefreshSeconds: config.secrets.refreshSeconds,
        secretsMaxStaleSeconds: config.secrets.maxStaleSeconds,
        payloadBucketName: this.payloads.bucket.bucketName,
        largePayloadThresholdBytes: config.largePayloadThresholdBytes,
      }),
    });
    this.idempotency.grantRecordAccess(this.verifier);
    this.payloads.grantWritePayloads(this.verifier);
    for (const pipeline of this.pipelines) {
      pipeline.grantEnqueue(this.verifier);
      pipeline.grantReadSigningSecrets(this.verifier);
    }

    this.ingress = new IngressApi(this, 'Ingress', {
      stageName: config.stage,
      verifier: this.verifier,
      routes: config.providers.map((provider) => ({
        provider: provider.name,
        throttling: provider.throttling,
        allowedSourceCidrs: provider.allowedSourceCidrs,
      })),
      throttling: config.api.throttling,
      accessLogRetention: config.logging.retentionDays,
      removalPolicy,
      tracing: config.tracing,
      manageCloudWatchRole: config.api.manageCloudWatchRole,
      firewall: config.waf.enabled ? { rateLimitPerFiveMinutes: config.waf.rateLimitPerFiveMinutes } : undefined,
      customDomain: config.customDomain,
    });

    this.observability = new Observability(this, 'Observability', {
      dashboardName: config.stackName,
      topicKey: this.topicKey,
      alarmEmail: config.alarms.email,
      api: this.ingress.api,
      verifier: this.verifier,
      pipelines: this.pipelines,
      thresholds: config.alarms,
    });

    this.archive = config.archive.enabled
      ? new EventArchive(this, 'Archive', {
          topics: this.pipelines.map((pipeline) => ({ provider: pipeline.provider, topic: pipeline.topic })),
          routes: config.providers.map((provider) => provider.name),
          retention: Duration.days(config.archive.retentionDays),
          bufferInterval: Duration.seconds(config.archive.bufferIntervalSeconds),
          queryBytesScannedLimit: config.archive.queryBytesScannedLimit,
          queryResultRetention: Duration.days(config.archive.queryResultRetentionDays),
          removalPolicy,
          logRetention: config.logging.retentionDays,
          alarmActions: [new SnsAction(this.observability.alarmTopic)],
        })
      : undefined;
    new RefusalQueries(this, 'RefusalQueries', { logGroup: this.verifier.logGroup, folder: this.stackName });

    this.#addOutputs();
    this.node.addValidation({
      validate: () =>
        templateLimitProblems(
          this,
          `With ${config.providers.length} routes, split the providers across stacks: each stack its own stackName and enabledProviders.`,
        ),
    });
  }

  /**
   * Every route as the verifier uses it (`lambdas/runtime-config.ts`). The queue URL is the one
   * derived from the name prefix — the queue is created with exactly that name — so it, like the
   * created secret's name, stays out of `HOOKRELAY_ROUTES`.
   */
  #routes(): Record<string, RouteConfig> {
    const routes: Record<string, RouteConfig> = {};
    this.config.providers.forEach((provider, index) => {
      const pipeline = this.pipelines[index]!;
      const publicUrl = this.#publicUrl(provider);
      routes[provider.name] = {
        queueUrl: `${this.routeNaming.queueUrlPrefix}${provider.name}`,
        secretId: pipeline.secretId,
        ...(provider.maxBodyBytes !== undefined ? { maxBodyBytes: provider.maxBodyBytes } : {}),
        ...(provider.toleranceSeconds !== undefined ? { toleranceSeconds: provider.toleranceSeconds } : {}),
        ...(publicUrl !== undefined ? { publicUrl } : {}),
        ...(provider.signedUrl !== undefined ? { signedUrl: provider.signedUrl } : {}),
        ...(provider.options !== undefined ? { options: provider.options } : {}),
      };
    });
    return routes;
  }

  /** The URL senders post to, for senders that sign it: configured, else the custom domain. */
  #publicUrl(provider: ProviderConfig): string | undefined {
    return provider.publicUrl ?? this.#publicBaseUrl();
  }

  /** The custom domain's URL, the public URL of every route that configures none. */
  #publicBaseUrl(): string | undefined {
    return this.config.customDomain ? `https://${this.config.customDomain.domainName}` : undefined;
  }

  /** Outputs named as the operator tools read them (`tools/lib/stack-outputs.ts`). */
  #addOutputs(): void {
    for (const pipeline of this.pipelines) {
      const output = (thing: string, value: string, description: string) =>
        new CfnOutput(this, providerOutputKey(pipeline.provider, thing), { value, description });
      output('WebhookUrl', this.ingress.webhookUrl(pipeline.provider), `Register this URL with ${pipeline.provider}`);
      output('TopicArn', pipeline.topic.topicArn, `Subscribe to ${pipeline.provider} events here`);
      output('SecretName', pipeline.secret.secretName, `Put {"secrets":["<signing secret>"]} for ${pipeline.provider} here`);
      output('QueueUrl', pipeline.queue.queueUrl, `${pipeline.provider} queue`);
      output('QueueArn', pipeline.queue.queueArn, `${pipeline.provider} queue`);
      output('DlqUrl', pipeline.deadLetterQueue.queueUrl, `${pipeline.provider} dead-letter queue`);
      output('DlqArn', pipeline.deadLetterQueue.queueArn, `${pipeline.provider} dead-letter queue`);
    }
    new CfnOutput(this, 'HealthUrl', { value: this.ingress.api.urlForPath('/health'), description: 'GET for a health check' });
    new CfnOutput(this, 'DashboardUrl', { value: this.observability.dashboardUrl, description: 'CloudWatch dashboard' });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.observability.alarmTopic.topicArn, description: 'Every alarm notifies this topic' });
    new CfnOutput(this, 'PayloadBucketName', {
      value: this.payloads.bucket.bucketName,
      description: 'Claim-checked payloads (payloadLocation): grant subscribers s3:GetObject here',
    });
    for (const [key, output] of Object.entries(this.archive?.outputs() ?? {})) new CfnOutput(this, key, output);
  }
}
