import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { z } from 'zod';
import { findProvider, providerNames, type ProviderName } from '../../lambdas/core/registry';
import { ROUTE_NAME } from '../../lambdas/routes';
import { routeResourceNames } from '../../lambdas/runtime-config';
import { pascalCase } from '../naming';
import { DEFAULTS, DLQ_RETENTION_DAYS, MINIMUM_VISIBILITY_TIMEOUT_RULE, minimumVisibilityTimeoutSeconds } from './defaults';

export { DLQ_RETENTION_DAYS } from './defaults';

/**
 * The one typed configuration of a hookrelay deployment, validated with (full) zod at synth time
 * only — none of this is bundled into a Lambda function. Every option states its default in a
 * `@default` tag and takes the value from `./defaults.ts`. `docs/configuration.md` is the
 * reference for operators (checked against these defaults by `test/docs/configuration.test.ts`).
 */

export const stages = ['dev', 'prod'] as const;
export type Stage = (typeof stages)[number];

/** The ingress API types a deployment can use (README, "Ingress: REST API or HTTP API"). */
const apiTypes = ['rest', 'http'] as const;

const KIB = 1024;
const MIB = 1024 * KIB;

/**
 * Largest `maxBodyBytes` accepted. API Gateway takes 10 MB, but a Lambda function is invoked
 * synchronously with at most 6 MB of event JSON, and API Gateway base64-encodes binary bodies
 * (4/3 larger) and adds headers and request context: 4 MiB of body fits in every case.
 */
export const MAX_BODY_BYTES_LIMIT = 4 * MIB;

/**
 * Largest claim-check threshold accepted. An envelope is published to SNS, whose messages are at
 * most 256 KiB; the envelope's own fields, JSON escaping and message attributes need headroom.
 */
const MAX_LARGE_PAYLOAD_THRESHOLD_BYTES = 240_000;

/** SQS's longest queue name. */
const MAX_QUEUE_NAME_LENGTH = 80;

/** API Gateway cuts every integration off after 29 s, so a longer verifier timeout is never used. */
const API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS = 29;

const positiveInt = () => z.number().int().positive();

const defaultStackName = (stage: Stage) => `hookrelay-${stage}`;

const cidr = z.union([z.cidrv4(), z.cidrv6()], { error: 'must be an IPv4 or IPv6 CIDR block, e.g. 192.0.2.0/24' });
const hostname = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a lower-case DNS name');

const throttlingSchema = (defaults: { rateLimit: number; burstLimit: number }) =>
  z.strictObject({
    /** Steady-state requests per second. */
    rateLimit: z.number().positive().max(10_000).default(defaults.rateLimit),
    /** Requests allowed in a burst above the steady rate. */
    burstLimit: positiveInt().max(5_000).default(defaults.burstLimit),
  });

const httpsUrl = () => z.url({ protocol: /^https$/, error: 'must be an https:// URL' });
const kmsKeyArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/, 'must be a KMS key ARN (arn:…:kms:<region>:<account>:key/<id>), not an alias');

/** An existing Secrets Manager secret, by name or complete ARN, with the key it is encrypted with. */
const existingSecretSchema = z.union([
  z.strictObject({
    name: z.string().regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, 'must be a secret name'),
    kmsKeyArn: kmsKeyArn.optional(),
  }),
  z.strictObject({
    arn: z
      .string()
      .regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/, 'must be a complete secret ARN'),
    kmsKeyArn: kmsKeyArn.optional(),
  }),
]);

/**
 * Settings of one route: a named instance of a provider, served at `/webhooks/<route>`. Its
 * `options` are validated by its provider's module (`parseOptions`), once the provider is known
 * (see `configSchema`).
 */
const routeSettingsSchema = z.strictObject({
  /**
   * The provider module that verifies the route's requests (`lambdas/core/registry.ts`). Routes of
   * one provider share its queue, DLQ, processor and topic.
   * @default the route's name
   */
  provider: z.string().optional(),
  /**
   * An existing Secrets Manager secret holding `{"secrets":[...],"verifyTokens":[...]}`, by name or
   * complete ARN, instead of the one the stack creates; `kmsKeyArn` names the customer-managed key it
   * is encrypted with, so the verifier may decrypt through Secrets Manager.
   * @default a new secret `<stackName>/<route>` holding `{"secrets":[],"verifyTokens":[]}` (encrypted with the AWS managed key)
   */
  secret: existingSecretSchema.optional(),
  /**
   * Provider-specific options (e.g. the `generic` provider's HMAC scheme), validated by the
   * provider's own `parseOptions` and passed to the verifier unchanged.
   * @default none
   */
  options: z.unknown().optional(),
  /**
   * Largest signed timestamp skew accepted, in seconds (providers that sign one).
   * @default the provider module's `defaultToleranceSeconds` (300 for most)
   */
  toleranceSeconds: z.number().int().nonnegative().max(86_400).optional(),
  /**
   * Largest accepted request body in bytes; larger ones are answered 413.
   * @default the provider module's `defaultMaxBodyBytes` (docs/providers.md), e.g. 1 MiB
   */
  maxBodyBytes: positiveInt().min(KIB).max(MAX_BODY_BYTES_LIMIT).optional(),
  /** Throttling of `/webhooks/<route>` (each of its methods). @default { rateLimit: 100, burstLimit: 200 } */
  throttling: throttlingSchema(DEFAULTS.route.throttling).prefault({}),
  /**
   * Source CIDR blocks allowed to call this route (the REST API's resource policy; on an HTTP API, the
   * verifier); empty allows any source — the signature is the authentication.
   * @default []
   */
  allowedSourceCidrs: z.array(cidr).default([]),
  /**
   * The exact public URL (query included) that the sender signs, verified byte for byte, for
   * senders that sign the URL (Twilio) when the URL they post to cannot be rebuilt from the
   * request (a proxy in front rewrites it, or the query carries something the sender signed).
   * @default rebuilt from the request (and `publicUrl`)
   */
  signedUrl: httpsUrl().optional(),
  /**
   * The public base URL the sender posts to, e.g. `https://hooks.example.com`; the verifier
   * appends the request path. Only senders that sign the URL (Twilio) need it.
   * @default the custom domain when one is configured, else rebuilt from the request
   */
  publicUrl: httpsUrl().optional(),
});

export type RouteSettingsInput = z.input<typeof routeSettingsSchema>;

/** One route per registered provider, named after it, every setting at its default. */
export function everyProviderRoutes(): Record<ProviderName, RouteSettingsInput> {
  return Object.fromEntries(providerNames.map((name) => [name, {}])) as Record<ProviderName, RouteSettingsInput>;
}

/**
 * A key that no longer exists: the problem says what replaced it, instead of zod's "unrecognized
 * key", so an older configuration fails synth with its migration.
 */
const replaced = (message: string) => z.never({ error: message }).optional();

const pipelineSchema = z
  .strictObject({
    /** Receives of a message before SQS moves it to the provider's DLQ. @default 5 */
    maxReceiveCount: positiveInt().max(1_000).default(DEFAULTS.pipeline.maxReceiveCount),
    /** Processor timeout in seconds. @default 30 */
    processorTimeoutSeconds: positiveInt().max(900).default(DEFAULTS.pipeline.processorTimeoutSeconds),
    /** Processor memory in MB. @default 256 */
    processorMemorySize: positiveInt().min(128).max(10_240).default(DEFAULTS.pipeline.processorMemorySize),
    /**
     * Most concurrent processor invocations per provider (SQS event source `maxConcurrency`,
     * at least 2): bounds the pressure on SNS and on the idempotency table.
     * @default 5
     */
    processorMaxConcurrency: positiveInt().min(2).max(1_000).default(DEFAULTS.pipeline.processorMaxConcurrency),
    /** Messages per processor invocation. More than 10 needs a batching window. @default 10 */
    batchSize: positiveInt().max(10_000).default(DEFAULTS.pipeline.batchSize),
    /** Seconds the event source waits to fill a batch. @default 0 */
    maxBatchingWindowSeconds: z.number().int().nonnegative().max(300).default(DEFAULTS.pipeline.maxBatchingWindowSeconds),
    /**
     * Queue visibility timeout in seconds; AWS recommends at least 6 × the processor timeout plus
     * the batching window, so a throttled or retried batch is not delivered twice.
     * @default 6 × processorTimeoutSeconds + maxBatchingWindowSeconds (180)
     */
    visibilityTimeoutSeconds: positiveInt().max(43_200).optional(),
    /**
     * Days a message stays in a provider's queue before SQS drops it. Less than the DLQ's 14: a
     * message keeps its original enqueue time when it is dead-lettered, so with equal retentions a
     * message dead-lettered late would expire from the DLQ at once.
     * @default 4
     */
    queueRetentionDays: positiveInt()
      .max(DLQ_RETENTION_DAYS - 1, {
        error:
          `must be less than the DLQ retention (${DLQ_RETENTION_DAYS} days): a dead-lettered message keeps its ` +
          'original enqueue time, so it would expire from the DLQ as soon as it arrived',
      })
      .default(DEFAULTS.pipeline.queueRetentionDays),
  })
  .superRefine((pipeline, ctx) => {
    const minimumVisibility = minimumVisibilityTimeoutSeconds(pipeline);
    if (pipeline.visibilityTimeoutSeconds !== undefined && pipeline.visibilityTimeoutSeconds < minimumVisibility) {
      ctx.addIssue({
        code: 'custom',
        path: ['visibilityTimeoutSeconds'],
        message: `must be at least ${MINIMUM_VISIBILITY_TIMEOUT_RULE} = ${minimumVisibility}`,
      });
    }
    if (pipeline.batchSize > 10 && pipeline.maxBatchingWindowSeconds === 0) {
      ctx.addIssue({ code: 'custom', path: ['batchSize'], message: 'above 10 requires maxBatchingWindowSeconds ≥ 1' });
    }
  });

const secretsSchema = z
  .strictObject({
    /** Seconds the verifier caches signing secrets before re-reading them. @default 300 */
    refreshSeconds: positiveInt().max(3_600).default(DEFAULTS.secrets.refreshSeconds),
    /** Seconds cached secrets keep verifying while Secrets Manager fails. @default 3600 */
    maxStaleSeconds: positiveInt().max(86_400).default(DEFAULTS.secrets.maxStaleSeconds),
  })
  .superRefine((secrets, ctx) => {
    if (secrets.maxStaleSeconds < secrets.refreshSeconds) {
      ctx.addIssue({ code: 'custom', path: ['maxStaleSeconds'], message: 'must be at least refreshSeconds' });
    }
  });

const alarmsSchema = z.strictObject({
  /** Address subscribed to the operations topic (confirm the subscription e-mail). @default none */
  email: z.email().optional(),
  /** Age in seconds of the oldest message in a provider's queue that raises an alarm. @default 900 */
  queueMessageAgeSeconds: positiveInt().default(DEFAULTS.alarms.queueMessageAgeSeconds),
  /** Age in days of the oldest DLQ message that raises an alarm (the DLQ drops messages at 14 days). @default 10 */
  deadLetterAgeDays: positiveInt().max(DLQ_RETENTION_DAYS - 1).default(DEFAULTS.alarms.deadLetterAgeDays),
  /** Signature refusals (401 codes) of one route in 5 minutes that raise an alarm. @default 25 */
  rejectedPerFiveMinutes: positiveInt().default(DEFAULTS.alarms.rejectedPerFiveMinutes),
  /** API Gateway 5xx answers in 5 minutes that raise an alarm. @default 5 */
  serverErrorsPerFiveMinutes: positiveInt().default(DEFAULTS.alarms.serverErrorsPerFiveMinutes),
  /** Failed invocations of a function in 5 minutes that raise an alarm. @default 1 */
  functionErrorsPerFiveMinutes: positiveInt().default(DEFAULTS.alarms.functionErrorsPerFiveMinutes),
  /** p99 duration, as a percentage of the function timeout, that raises an alarm. @default 80 */
  durationPercentOfTimeout: positiveInt().max(100).default(DEFAULTS.alarms.durationPercentOfTimeout),
});

const archiveSchema = z.strictObject({
  /**
   * Archive every published envelope (SNS → Firehose → S3), with a Glue table, an Athena workgroup
   * and saved queries over it; `npm run replay` reads it.
   * @default true
   */
  enabled: z.boolean().default(DEFAULTS.archive.enabled),
  /** Days archived events are kept; claim-checked payloads are then kept at least as long. @default 90 */
  retentionDays: positiveInt().max(3_650).default(DEFAULTS.archive.retentionDays),
  /** Seconds Firehose buffers events before writing an object (60–900). @default 300 */
  bufferIntervalSeconds: positiveInt().min(60).max(900).default(DEFAULTS.archive.bufferIntervalSeconds),
  /** Bytes one Athena query of the archive may scan before Athena cancels it (at least 10 MB). @default 10737418240 (10 GiB) */
  queryBytesScannedLimit: positiveInt().min(10_000_000).default(DEFAULTS.archive.queryBytesScannedLimit),
  /** Days Athena query results are kept. @default 7 */
  queryResultRetentionDays: positiveInt().max(3_650).default(DEFAULTS.archive.queryResultRetentionDays),
});

export const configSchema = z
  .strictObject({
    /** Deployment stage, from `-c stage=dev|prod`. */
    stage: z.enum(stages),
    /**
     * CloudFormation stack name; the operator tools default to `hookrelay-dev`. It prefixes the
     * physical names of each provider's queues (`<stackName>-<provider>`, `<stackName>-<provider>-dlq`,
     * at most 80 characters) and each route's created secret (`<stackName>/<route>`), so it is
     * checked against each of them.
     * @default `hookrelay-${stage}`
     */
    stackName: z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, 'must be a CloudFormation stack name').optional(),
    /**
     * The routes, by name (`/webhooks/<route>`): each a named instance of a provider with its own
     * secret, options, limits, throttling and allowlist. Several routes may share a provider (a
     * second Stripe account, one `generic` route per partner); each provider with a route gets one
     * queue, DLQ, processor and topic. Listed routes are exactly the routes deployed.
     * @default one route per provider in `lambdas/core/registry.ts`, named after it (`everyProviderRoutes()`)
     */
    routes: z
      .record(z.string(), routeSettingsSchema)
      .prefault(() => everyProviderRoutes())
      .refine((routes) => Object.keys(routes).length > 0, 'must declare at least one route'),
    enabledProviders: replaced(
      'replaced by routes: list one route per provider instead, e.g. routes: { stripe: {}, github: {} } (README, "Upgrading")',
    ),
    providers: replaced(
      'replaced by routes: the settings of providers.<name> are those of routes.<name>, and existingSecret is now secret (README, "Upgrading")',
    ),
    api: z
      .strictObject({
        /**
         * The ingress: `rest`, an API Gateway REST API (WAF, resource-policy allowlists, gateway
         * responses in the `{ error, code }` shape, X-Ray), or `http`, an HTTP API at less than a third
         * of the price per request, without those (allowlists enforced by the verifier instead).
         * @default 'rest'
         */
        type: z.enum(apiTypes).default(DEFAULTS.api.type),
        /** Stage-wide throttling. @default { rateLimit: 200, burstLimit: 400 } */
        throttling: throttlingSchema(DEFAULTS.api.throttling).prefault({}),
        /**
         * Create the account-wide role a REST API needs to write logs (one per account and region;
         * set false if another stack already manages it). An HTTP API needs no such role.
         * @default true
         */
        manageCloudWatchRole: z.boolean().default(DEFAULTS.api.manageCloudWatchRole),
      })
      .prefault({}),
    verifier: z
      .strictObject({
        /** Verifier timeout in seconds (API Gateway gives up after 29). @default 10 */
        timeoutSeconds: positiveInt().max(API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS).default(DEFAULTS.verifier.timeoutSeconds),
        /** Verifier memory in MB (CPU grows with it). @default 512 */
        memorySize: positiveInt().min(128).max(10_240).default(DEFAULTS.verifier.memorySize),
        /** Reserved concurrency of the verifier. @default none (the account's unreserved pool) */
        reservedConcurrency: positiveInt().optional(),
      })
      .prefault({}),
    pipeline: pipelineSchema.prefault({}),
    /** Seconds a delivered event id is remembered (idempotency record TTL). @default 604800 (7 days) */
    idempotencyWindowSeconds: positiveInt().min(60).max(365 * 86_400).default(DEFAULTS.idempotencyWindowSeconds),
    /** Payloads whose JSON is larger travel through the payload bucket (claim check). @default 200000 */
    largePayloadThresholdBytes: positiveInt()
      .max(MAX_LARGE_PAYLOAD_THRESHOLD_BYTES)
      .default(DEFAULTS.largePayloadThresholdBytes),
    /**
     * Days a claim-checked payload is kept. At least the DLQ retention (14), so an envelope
     * redriven from a DLQ still finds its payload; while the archive is on, the stack keeps payloads
     * for `archive.retentionDays` when that is longer, so archived envelopes can still be replayed.
     * @default 30
     */
    payloadRetentionDays: positiveInt().min(DLQ_RETENTION_DAYS).max(3_650).default(DEFAULTS.payloadRetentionDays),
    secrets: secretsSchema.prefault({}),
    logging: z
      .strictObject({
        /**
         * Log level of every function: Powertools' and Lambda's application log level (the functions
         * log in Lambda's JSON format). @default 'INFO'
         */
        level: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default(DEFAULTS.logging.level),
        /**
         * Level of the lines Lambda itself writes for every function (START/END/REPORT, in JSON
         * `platform.start`, `platform.report`): WARN keeps only Lambda's own warnings and errors.
         * @default 'WARN'
         */
        systemLogLevel: z.enum(['DEBUG', 'INFO', 'WARN']).default(DEFAULTS.logging.systemLogLevel),
        /** Days function and access logs are kept. @default 30 in dev, 365 in prod */
        retentionDays: z
          .enum(RetentionDays)
          .refine((days) => days !== RetentionDays.INFINITE, 'must expire (never-expiring logs are not offered)')
          .optional(),
      })
      .prefault({}),
    /** X-Ray tracing of API Gateway and every function. @default false */
    tracing: z.boolean().default(DEFAULTS.tracing),
    waf: z
      .strictObject({
        /** Put an AWS WAF web ACL (managed common rules + per-IP rate limit) in front of the API. @default false */
        enabled: z.boolean().default(DEFAULTS.waf.enabled),
        /**
         * Requests per source IP in any 5-minute window before WAF answers 429; addresses in a
         * route's `allowedSourceCidrs` are exempt.
         * @default 10000
         */
        rateLimitPerFiveMinutes: positiveInt().min(100).max(2_000_000_000).default(DEFAULTS.waf.rateLimitPerFiveMinutes),
      })
      .prefault({}),
    /** Serve the API on your own domain. @default none (the execute-api URL) */
    customDomain: z
      .strictObject({
        /** e.g. `hooks.example.com`. */
        domainName: hostname,
        /** ACM certificate for the domain, in the stack's region. */
        certificateArn: z.string().regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/.+$/, 'must be an ACM certificate ARN'),
        /** Route 53 zone in which to create the alias record. @default none (create the DNS record yourself) */
        hostedZone: z.strictObject({ id: z.string().regex(/^Z[A-Z0-9]+$/, 'must be a hosted zone id'), name: hostname }).optional(),
      })
      .optional(),
    alarms: alarmsSchema.prefault({}),
    /** The event archive, its search and replay; `{ enabled: false }` turns it off for a stage. */
    archive: archiveSchema.prefault({}),
    /**
     * Keep the idempotency table, payload bucket, queues, secrets, topic key and logs when the
     * stack is deleted.
     * @default true in prod, false in dev
     */
    retainData: z.boolean().optional(),
    /** DynamoDB deletion protection on the idempotency table. @default true in prod, false in dev */
    deletionProtection: z.boolean().optional(),
    /** DynamoDB point-in-time recovery on the idempotency table. @default true */
    pointInTimeRecovery: z.boolean().default(DEFAULTS.pointInTimeRecovery),
  })
  .superRefine((config, ctx) => {
    // Refused rather than ignored: a deployment that asked for a firewall must not run without one.
    if (config.api.type === 'http' && config.waf.enabled) {
      ctx.addIssue({
        code: 'custom',
        path: ['waf', 'enabled'],
        message:
          "AWS WAF cannot be attached to an HTTP API: use api.type 'rest' to keep WAF, or turn WAF off " +
          "(an HTTP API's routes are throttled, and their allowedSourceCidrs are enforced by the verifier)",
      });
    }
    const stackName = config.stackName ?? defaultStackName(config.stage);
    const routesByKey = new Map<string, string>();
    const providers = new Set<string>();
    for (const [route, settings] of Object.entries(config.routes)) {
      const path = ['routes', route];
      if (!ROUTE_NAME.test(route)) {
        ctx.addIssue({ code: 'custom', path, message: `route name "${route}" must be 1–40 lower-case letters, digits and "-", starting and ending with a letter or digit` });
        continue;
      }
      // x-1 and x1 would both be X1 in output keys and construct ids.
      const key = pascalCase(route);
      const clash = routesByKey.get(key);
      if (clash !== undefined) ctx.addIssue({ code: 'custom', path, message: `routes "${clash}" and "${route}" would share the output keys ${key}…; rename one` });
      routesByKey.set(key, route);

      const providerName = settings.provider ?? route;
      const provider = findProvider(providerName);
      if (!provider) {
        ctx.addIssue({
          code: 'custom',
          path: settings.provider === undefined ? path : [...path, 'provider'],
          message: `no provider "${providerName}" (one of ${providerNames.join(', ')})${settings.provider === undefined ? '; name it with provider' : ''}`,
        });
        continue;
      }
      if (findProvider(route) && providerName !== route) {
        ctx.addIssue({ code: 'custom', path: [...path, 'provider'], message: `a route named after the ${route} provider must be verified by it, not by ${providerName}` });
      }
      try {
        provider.parseOptions(settings.options);
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: [...path, 'options'], message: error instanceof Error ? error.message : String(error) });
      }
      const names = routeResourceNames(stackName, route, providerName);
      // Secrets Manager reads a name ending in '-' and six characters as a partial ARN.
      if (settings.secret === undefined && /-[A-Za-z0-9]{6}$/.test(names.secretName)) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `the secret name "${names.secretName}" ends in a hyphen and six characters, which Secrets Manager reads as an ARN suffix`,
        });
      }
      if (!providers.has(providerName) && names.deadLetterQueueName.length > MAX_QUEUE_NAME_LENGTH) {
        ctx.addIssue({
          code: 'custom',
          path: ['stackName'],
          message:
            `is too long for provider "${providerName}": its dead-letter queue would be named "${names.deadLetterQueueName}" ` +
            `(${names.deadLetterQueueName.length} characters); SQS allows ${MAX_QUEUE_NAME_LENGTH}`,
        });
      }
      providers.add(providerName);
    }
  })
  .transform(({ routes, enabledProviders: _enabledProviders, providers: _providers, ...config }) => {
    const isProd = config.stage === 'prod';
    const resolvedRoutes = Object.entries(routes).map(([name, settings]) => ({ ...settings, name, provider: settings.provider ?? name }));
    return {
      ...config,
      stackName: config.stackName ?? defaultStackName(config.stage),
      routes: resolvedRoutes,
      /** Every provider with a route, in the order of its first route: one pipeline each. */
      providers: [...new Set(resolvedRoutes.map((route) => route.provider))],
      pipeline: {
        ...config.pipeline,
        visibilityTimeoutSeconds: config.pipeline.visibilityTimeoutSeconds ?? minimumVisibilityTimeoutSeconds(config.pipeline),
      },
      logging: { ...config.logging, retentionDays: config.logging.retentionDays ?? DEFAULTS.logging.retentionDays[config.stage] },
      retainData: config.retainData ?? isProd,
      deletionProtection: config.deletionProtection ?? isProd,
    };
  });

/** What you write in `lib/config/webhooks.ts` (every field optional except where noted). */
export type HookrelayConfigInput = Omit<z.input<typeof configSchema>, 'stage'>;
/** The validated configuration with every default applied, as the stack reads it. */
export type HookrelayConfig = z.output<typeof configSchema>;
/** One route with its settings and its provider resolved. */
export type RouteConfig = HookrelayConfig['routes'][number];
