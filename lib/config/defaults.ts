import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  DEFAULT_IDEMPOTENCY_WINDOW_SECONDS,
  DEFAULT_LARGE_PAYLOAD_THRESHOLD_BYTES,
  DEFAULT_SECRETS_MAX_STALE_SECONDS,
  DEFAULT_SECRETS_REFRESH_SECONDS,
} from '../../lambdas/environment';

/**
 * Every default of a hookrelay deployment, in one place: the configuration schema
 * (`./schema.ts`) and the constructs (`../constructs/`) read them from here, and
 * `test/docs/configuration.test.ts` keeps `docs/configuration.md` in step with them. Defaults the
 * handlers apply themselves at run time come from `lambdas/environment.ts`, not repeated here.
 */
export const DEFAULTS = {
  /** Settings of one route. */
  route: {
    throttling: { rateLimit: 100, burstLimit: 200 },
  },
  api: {
    /** The ingress: a REST API (WAF, resource-policy allowlists, gateway responses) or the cheaper HTTP API. */
    type: 'rest',
    /** Stage-wide throttling; it also caps every route. */
    throttling: { rateLimit: 200, burstLimit: 400 },
    manageCloudWatchRole: true,
  },
  verifier: {
    timeoutSeconds: 10,
    memorySize: 512,
  },
  pipeline: {
    maxReceiveCount: 5,
    processorTimeoutSeconds: 30,
    processorMemorySize: 256,
    processorMaxConcurrency: 5,
    batchSize: 10,
    maxBatchingWindowSeconds: 0,
    queueRetentionDays: 4,
    /** The factor of `minimumVisibilityTimeoutSeconds`. */
    visibilityTimeoutFactor: 6,
  },
  idempotencyWindowSeconds: DEFAULT_IDEMPOTENCY_WINDOW_SECONDS,
  largePayloadThresholdBytes: DEFAULT_LARGE_PAYLOAD_THRESHOLD_BYTES,
  payloadRetentionDays: 30,
  secrets: {
    refreshSeconds: DEFAULT_SECRETS_REFRESH_SECONDS,
    maxStaleSeconds: DEFAULT_SECRETS_MAX_STALE_SECONDS,
  },
  logging: {
    level: 'INFO',
    /** Lambda's own lines (START/END/REPORT): WARN drops them from every warm invocation that succeeds. */
    systemLogLevel: 'WARN',
    /** Days every log group is kept, by stage: `RetentionDays.ONE_MONTH`, `RetentionDays.ONE_YEAR`. */
    retentionDays: { dev: 30, prod: 365 } satisfies Readonly<Record<'dev' | 'prod', RetentionDays>>,
  },
  tracing: false,
  waf: {
    enabled: false,
    rateLimitPerFiveMinutes: 10_000,
  },
  alarms: {
    queueMessageAgeSeconds: 900,
    deadLetterAgeDays: 10,
    rejectedPerFiveMinutes: 25,
    serverErrorsPerFiveMinutes: 5,
    functionErrorsPerFiveMinutes: 1,
    durationPercentOfTimeout: 80,
  },
  pointInTimeRecovery: true,
  archive: {
    enabled: true,
    retentionDays: 90,
    /** Firehose's buffer interval; with dynamic partitioning at least 60. */
    bufferIntervalSeconds: 300,
    /** Athena cancels a query of the archive workgroup past this many bytes scanned (10 GiB). */
    queryBytesScannedLimit: 10 * 1024 ** 3,
    queryResultRetentionDays: 7,
  },
} as const;

/**
 * The shortest visibility timeout of a provider's queue, in seconds: `visibilityTimeoutFactor` (6) ×
 * the processor's timeout + the batching window. AWS recommends at least six times the function's
 * timeout, so that Lambda can retry a batch throttled while a previous one is processed without
 * SQS delivering it a second time
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html). The configuration's
 * default and floor, and `ProviderPipeline`'s default.
 */
export function minimumVisibilityTimeoutSeconds(pipeline: { readonly processorTimeoutSeconds: number; readonly maxBatchingWindowSeconds: number }): number {
  return DEFAULTS.pipeline.visibilityTimeoutFactor * pipeline.processorTimeoutSeconds + pipeline.maxBatchingWindowSeconds;
}

/** `minimumVisibilityTimeoutSeconds` in words, as the configuration's problems state it. */
export const MINIMUM_VISIBILITY_TIMEOUT_RULE = `${DEFAULTS.pipeline.visibilityTimeoutFactor} × processorTimeoutSeconds + maxBatchingWindowSeconds`;

/** SQS keeps a message at most 14 days; the DLQ always keeps them that long. */
export const DLQ_RETENTION_DAYS = 14;

/**
 * Retention of a log group whose construct is given none — a function's, an ingress API's access
 * logs, the archive's delivery log: the dev stage's (`RetentionDays.ONE_MONTH`).
 */
export const DEFAULT_LOG_RETENTION: RetentionDays = DEFAULTS.logging.retentionDays.dev;

