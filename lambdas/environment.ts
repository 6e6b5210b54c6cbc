/**
 * The part of the handlers' environment contract that needs no schema: variable names, service
 * names and defaults, and the processor's whole configuration. The processor loads only this
 * module, not `runtime-config.ts`: it validates envelopes with zod/mini (`core/envelope-schema.ts`)
 * but builds none of the route schemas, so its bundle carries 17.1 KB of zod rather than 24.3 KB
 * (minified bytes of `node_modules/zod` in the esbuild metafile of a `handlerBuildOptions` build, as
 * test/lambdas/handlers/bundles.test.ts makes it; the verifier's carries 29.7 KB) and its cold start
 * constructs none of them. `runtime-config.ts` re-exports all of it.
 */
export const ENV = {
  routes: 'HOOKRELAY_ROUTES',
  queueUrlPrefix: 'HOOKRELAY_QUEUE_URL_PREFIX',
  secretNamePrefix: 'HOOKRELAY_SECRET_NAME_PREFIX',
  publicBaseUrl: 'HOOKRELAY_PUBLIC_BASE_URL',
  idempotencyTableName: 'IDEMPOTENCY_TABLE_NAME',
  idempotencyWindowSeconds: 'IDEMPOTENCY_WINDOW_SECONDS',
  secretsRefreshSeconds: 'SECRETS_REFRESH_SECONDS',
  secretsMaxStaleSeconds: 'SECRETS_MAX_STALE_SECONDS',
  payloadBucketName: 'PAYLOAD_BUCKET_NAME',
  largePayloadThresholdBytes: 'LARGE_PAYLOAD_THRESHOLD_BYTES',
  provider: 'PROVIDER',
  topicArn: 'TOPIC_ARN',
} as const;

/** Namespace of every metric the handlers emit (Powertools EMF). */
export const METRICS_NAMESPACE = 'hookrelay';

/** `service` of log lines and the `service` dimension of every metric, per function. */
export const SERVICE_NAMES = {
  verifier: 'hookrelay-verifier',
  processor: 'hookrelay-processor',
} as const;

export const DEFAULT_IDEMPOTENCY_WINDOW_SECONDS = 7 * 24 * 3600;
export const DEFAULT_SECRETS_REFRESH_SECONDS = 300;
export const DEFAULT_SECRETS_MAX_STALE_SECONDS = 3600;
export const DEFAULT_LARGE_PAYLOAD_THRESHOLD_BYTES = 200_000;

export interface ProcessorRuntimeConfig {
  readonly provider: string;
  readonly topicArn: string;
  readonly idempotencyTableName: string;
  readonly idempotencyWindowSeconds: number;
}

export class ConfigurationError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

export function required(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new ConfigurationError(`Environment variable ${name} is required`);
  return value;
}

export function optional(env: Env, name: string): string | undefined {
  return env[name] || undefined;
}

export function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new ConfigurationError(`${name} must be a positive integer`);
  return value;
}

export function loadProcessorConfig(env: Env): ProcessorRuntimeConfig {
  return {
    provider: required(env, ENV.provider),
    topicArn: required(env, ENV.topicArn),
    idempotencyTableName: required(env, ENV.idempotencyTableName),
    idempotencyWindowSeconds: positiveInt(env, ENV.idempotencyWindowSeconds, DEFAULT_IDEMPOTENCY_WINDOW_SECONDS),
  };
}

/** A processor's environment for `config`: the inverse of `loadProcessorConfig`. */
export function processorEnvironment(config: ProcessorRuntimeConfig): Record<string, string> {
  return {
    [ENV.provider]: config.provider,
    [ENV.topicArn]: config.topicArn,
    [ENV.idempotencyTableName]: config.idempotencyTableName,
    [ENV.idempotencyWindowSeconds]: String(config.idempotencyWindowSeconds),
  };
}
