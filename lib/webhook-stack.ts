import { CfnOutput, Duration, Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { methodsOf, type HttpMethod } from '../lambdas/core/provider';
import { findProvider } from '../lambdas/core/registry';
import { SERVICE_NAMES } from '../lambdas/environment';
import {
  routeNaming,
  verifierEnvironment,
  type RouteConfig as VerifierRouteConfig,
  type RouteNaming,
} from '../lambdas/runtime-config';
import { templateLimitProblems } from './aws-limits';
import type { HookrelayConfig, RouteConfig } from './config/schema';
import { EventArchive } from './constructs/event-archive';
import { IdempotencyTable } from './constructs/idempotency-table';
import { HttpIngressApi } from './constructs/http-ingress-api';
import { IngressApi } from './constructs/ingress-api';
import { Observability } from './constructs/observability';
import { PayloadBucket } from './constructs/payload-bucket';
import { ProviderPipeline } from './constructs/provider-pipeline';
import { RefusalQueries } from './constructs/refusal-queries';
import { RouteSecret, routeSecretId } from './constructs/route-secret';
import { WebhookFunction } from './constructs/webhook-function';
import { outputKey, pascalCase, STACK_OUTPUT_KEYS, type ProviderQueues } from './naming';
import { ProviderStack } from './provider-stack';

/** The methods a provider's routes answer, from its module in the registry. */
export function registeredProviderMethods(provider: string): readonly HttpMethod[] {
  const module = findProvider(provider);
  if (!module) throw new Error(`No provider "${provider}" in lambdas/core/registry.ts`);
  return methodsOf(module);
}

export interface WebhookStackProps extends StackProps {
  /** The validated configuration of the stage (`loadConfig`). */
  readonly config: HookrelayConfig;
  /**
   * The HTTP methods the routes of a provider answer: `POST`, and `GET` for senders that verify
   * endpoints with one. Tests pass their own to build a route of a provider with other methods.
   * @default registeredProviderMethods: `methodsOf` the provider's module in the registry
   */
  readonly providerMethods?: (provider: string) => readonly HttpMethod[];
}

/**
 * One hookrelay deployment, driven by the configuration's routes; no provider is named here.
 *
 * The root stack holds what every route shares — the ingress API (one resource per route), the
 * verifier, the idempotency table, the payload bucket, the topic key, the alarm topic and the
 * dashboard — and one nested stack per provider with a route (`ProviderStack`: its queue, DLQ,
 * processor, topic, its routes' secrets and the alarms of both). Each stack counts against
 * CloudFormation's limits on its own, so every registered provider fits in one deployment; synth
 * checks each stack (`templateLimitProblems`).
 */
export class WebhookStack extends Stack {
  public readonly config: HookrelayConfig;
  public readonly idempotency: IdempotencyTable;
  public readonly payloads: PayloadBucket;
  public readonly topicKey: Key;
  /** One nested stack per provider with a route, in the configuration's order. */
  public readonly providerStacks: readonly ProviderStack[];
  /** Each provider's pipeline (`providerStacks[i].pipeline`). */
  public readonly pipelines: readonly ProviderPipeline[];
  /** Each route's secret, by route name. */
  public readonly routeSecrets: ReadonlyMap<string, RouteSecret>;
  public readonly verifier: WebhookFunction;
  /** The REST API or the HTTP API (`config.api.type`; `ingress.apiType` tells which). */
  public readonly ingress: IngressApi | HttpIngressApi;
  public readonly observability: Observability;
  /** The event archive, unless `archive.enabled` is false. */
  public readonly archive: EventArchive | undefined;
  /** How the verifier derives each route's queue URL and secret name. */
  readonly #routeNaming: RouteNaming;

  public constructor(scope: Construct, id: string, props: WebhookStackProps) {
    // The configured name is the physical stack name: queue and secret names derive from it.
    super(scope, id, { ...props, stackName: props.stackName ?? props.config.stackName });
    const { config } = props;
    const providerMethods = props.providerMethods ?? registeredProviderMethods;
    this.config = config;
    this.#routeNaming = routeNaming(this.stackName, `https://sqs.${this.region}.${this.urlSuffix}/${this.account}`);
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const functionDefaults = {
      logRetention: config.logging.retentionDays,
      logRemovalPolicy: removalPolicy,
      logLevel: config.logging.level,
      systemLogLevel: config.logging.systemLogLevel,
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

    this.verifier = new WebhookFunction(this, 'Verifier', {
      entry: 'lambdas/handlers/verifier.ts',
      serviceName: SERVICE_NAMES.verifier,
      description: 'hookrelay: verifies, deduplicates and enqueues webhooks',
      timeout: Duration.seconds(config.verifier.timeoutSeconds),
      memorySize: config.verifier.memorySize,
      reservedConcurrentExecutions: config.verifier.reservedConcurrency,
      ...functionDefaults,
      // Only the modules of the routes' providers: the verifier looks up no other (cold start).
      bundledProviders: config.routes.map((route) => route.provider),
      // Built by the verifier's own module, the inverse of the loader it runs at cold start. Queue
      // URLs and created secrets' names derive from the stack name: no reference to a nested stack.
      environment: verifierEnvironment({
        routes: this.#verifierRoutes(),
        routeNaming: this.#routeNaming,
        ...(this.#publicBaseUrl() !== undefined ? { publicBaseUrl: this.#publicBaseUrl() } : {}),
        idempotencyTableName: this.idempotency.table.tableName,
        idempotencyWindowSeconds: config.idempotencyWindowSeconds,
        secretsRefreshSeconds: config.secrets.refreshSeconds,
        secretsMaxStaleSeconds: config.secrets.maxStaleSeconds,
        payloadBucketName: this.payloads.bucket.bucketName,
        largePayloadThresholdBytes: config.largePayloadThresholdBytes,
      }),
    });
    this.idempotency.grantLedgerAccess(this.verifier, 'verifier');
    this.payloads.grantWritePayloads(this.verifier);

    const ingressRoutes = config.routes.map((route) => ({
      route: route.name,
      provider: route.provider,
      methods: providerMethods(route.provider),
      throttling: route.throttling,
      allowedSourceCidrs: route.allowedSourceCidrs,
    }));
    this.ingress =
      config.api.type === 'http'
        ? new HttpIngressApi(this, 'Ingress', {
            verifier: this.verifier,
            routes: ingressRoutes,
            throttling: config.api.throttling,
            accessLogRetention: config.logging.retentionDays,
            removalPolicy,
            customDomain: config.customDomain,
          })
        : new IngressApi(this, 'Ingress', {
            stageName: config.stage,
            verifier: this.verifier,
            routes: ingressRoutes,
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
      apiStage: this.ingress.apiType === 'http' ? this.ingress.stage : this.ingress.api.deploymentStage,
      verifier: this.verifier,
      thresholds: config.alarms,
    });

    this.providerStacks = config.providers.map(
      (provider) =>
        new ProviderStack(this, `${pascalCase(provider)}Pipeline`, {
          provider,
          routes: this.#routesOf(provider).map((route) => ({ name: route.name, secret: route.secret })),
          alarms: this.observability.alarms,
          namePrefix: this.stackName,
          idempotencyTable: this.idempotency,
          topicKey: this.topicKey,
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
    this.pipelines = this.providerStacks.map((stack) => stack.pipeline);
    this.routeSecrets = new Map(this.providerStacks.flatMap((stack) => [...stack.secrets]));

    // Across the stack boundary, still exactly these queues and secrets: each ARN comes from its
    // nested stack's outputs, which also makes the verifier's policy wait for them.
    ProviderPipeline.grantEnqueue(this.verifier, this.pipelines);
    RouteSecret.grantRead(this.verifier, [...this.routeSecrets.values()]);

    // Before the dashboard, which shows every alarm built so far: the archive's too.
    this.archive = config.archive.enabled
      ? new EventArchive(this, 'Archive', {
          topics: this.pipelines.map((pipeline) => ({ provider: pipeline.provider, topic: pipeline.topic })),
          routes: config.routes.map((route) => route.name),
          retention: Duration.days(config.archive.retentionDays),
          bufferInterval: Duration.seconds(config.archive.bufferIntervalSeconds),
          queryBytesScannedLimit: config.archive.queryBytesScannedLimit,
          queryResultRetention: Duration.days(config.archive.queryResultRetentionDays),
          removalPolicy,
          logRetention: config.logging.retentionDays,
          alarms: this.observability.alarms,
        })
      : undefined;
    new RefusalQueries(this, 'RefusalQueries', { logGroup: this.verifier.logGroup, folder: this.stackName });

    this.observability.addDashboard(
      this.providerStacks.map((stack) => ({ pipeline: stack.pipeline, routes: this.#routesOf(stack.provider).map((route) => route.name) })),
    );

    this.#addOutputs();
    this.node.addValidation({
      validate: () =>
        templateLimitProblems(
          this,
          `Each route adds its API resource and method(s) and two outputs here, each provider a nested stack and two outputs: ` +
            `with ${config.routes.length} routes of ${config.providers.length} providers, split the routes across stacks, each its own stackName and routes.`,
        ),
    });
  }

  #routesOf(provider: string): RouteConfig[] {
    return this.config.routes.filter((route) => route.provider === provider);
  }

  /**
   * Every route as the verifier uses it (`lambdas/runtime-config.ts`). The queue URL is the one
   * derived from the name prefix and the route's provider — the queue is created with exactly that
   * name — so it, like a created secret's name and a provider equal to the route's name, stays out
   * of `HOOKRELAY_ROUTES`.
   */
  #verifierRoutes(): Record<string, VerifierRouteConfig> {
    const routes: Record<string, VerifierRouteConfig> = {};
    for (const route of this.config.routes) {
      const publicUrl = route.publicUrl ?? this.#publicBaseUrl();
      routes[route.name] = {
        ...(route.provider !== route.name ? { provider: route.provider } : {}),
        queueUrl: `${this.#routeNaming.queueUrlPrefix}${route.provider}`,
        secretId: routeSecretId(this.stackName, route.name, route.secret),
        ...(route.maxBodyBytes !== undefined ? { maxBodyBytes: route.maxBodyBytes } : {}),
        ...(route.toleranceSeconds !== undefined ? { toleranceSeconds: route.toleranceSeconds } : {}),
        ...(publicUrl !== undefined ? { publicUrl } : {}),
        ...(route.signedUrl !== undefined ? { signedUrl: route.signedUrl } : {}),
        ...(route.options !== undefined ? { options: route.options } : {}),
        // An HTTP API has no resource policy: the verifier enforces the allowlist. A REST API's
        // resource policy does, and the list stays out of the verifier's 4 KB environment.
        ...(this.config.api.type === 'http' && route.allowedSourceCidrs.length > 0 ? { allowedSourceCidrs: route.allowedSourceCidrs } : {}),
      };
    }
    return routes;
  }

  /** The custom domain's URL, the public URL of every route that configures none. */
  #publicBaseUrl(): string | undefined {
    return this.config.customDomain ? `https://${this.config.customDomain.domainName}` : undefined;
  }

  /**
   * Outputs named as the operator tools read them (`tools/lib/stack-outputs.ts`): per route its URL
   * and secret, per provider its topic and queues — four for a provider with one route, so the
   * outputs of every provider stay within CloudFormation's 200.
   */
  #addOutputs(): void {
    for (const route of this.config.routes) {
      const secret = this.routeSecrets.get(route.name)!;
      new CfnOutput(this, outputKey(route.name, 'WebhookUrl'), {
        value: this.ingress.webhookUrl(route.name),
        description: `Register this URL with ${route.provider}${route.provider === route.name ? '' : ` (route ${route.name})`}`,
      });
      new CfnOutput(this, outputKey(route.name, 'SecretName'), {
        value: secret.secretId,
        description: `Put {"secrets":["<signing secret>"],"verifyTokens":[]} for route ${route.name} here`,
      });
    }
    for (const pipeline of this.pipelines) {
      new CfnOutput(this, outputKey(pipeline.provider, 'TopicArn'), {
        value: pipeline.topic.topicArn,
        description: `Subscribe to ${pipeline.provider} events here (every route of ${pipeline.provider})`,
      });
      new CfnOutput(this, outputKey(pipeline.provider, 'Queues'), {
        value: queuesJson({
          queueUrl: pipeline.queue.queueUrl,
          queueArn: pipeline.queue.queueArn,
          dlqUrl: pipeline.deadLetterQueue.queueUrl,
          dlqArn: pipeline.deadLetterQueue.queueArn,
        }),
        description: `${pipeline.provider} queue and dead-letter queue (npm run redrive)`,
      });
    }
    new CfnOutput(this, STACK_OUTPUT_KEYS.healthUrl, { value: this.ingress.healthUrl, description: 'GET for a health check' });
    new CfnOutput(this, STACK_OUTPUT_KEYS.dashboardUrl, { value: this.observability.dashboardUrl, description: 'CloudWatch dashboard' });
    new CfnOutput(this, STACK_OUTPUT_KEYS.alarmTopicArn, {
      value: this.observability.alarmTopic.topicArn,
      description: 'Every alarm notifies this topic',
    });
    new CfnOutput(this, STACK_OUTPUT_KEYS.payloadBucketName, {
      value: this.payloads.bucket.bucketName,
      description: 'Claim-checked payloads (payloadLocation): grant subscribers s3:GetObject here',
    });
    for (const [key, output] of Object.entries(this.archive?.outputs() ?? {})) new CfnOutput(this, key, output);
  }
}

/** `{"queueUrl":"…",…}` with each value a token: URLs and ARNs hold no character JSON would escape. */
function queuesJson(queues: ProviderQueues): string {
  const parts = Object.entries(queues).flatMap(([key, value], index) => [`${index === 0 ? '{' : ','}"${key}":"`, value, '"']);
  return Fn.join('', [...parts, '}']);
}
